/**
 * One venue for the people who run it: its QR (managers), the A4 poster, a new QR (the old one keeps working for
 * the grace period), whether a declaration today is required to check in, live occupancy, zones, the door screen
 * (rotating mode) and the door scanner.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { QrImage } from '../../components/QrImage.tsx';
import { api } from '../../lib/api.ts';
import type { AddZoneBody, Occupancy, RotatedQr, VenueView, Zone } from '../../lib/api-types.ts';
import { hasRole, VENUE_VERIFY_ROLES } from '../../lib/roles.ts';
import { Link } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { dateLocale, TIME_ZONE } from '../../lib/time.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { categoryLabel, formatTime } from '../checkins/format.ts';
import { VenueRuleToggle } from '../declarations/VenueRuleToggle.tsx';

export function VenueCard({ venue, onChanged }: { venue: VenueView; onChanged?: () => void }) {
  const { t, i18n } = useTranslation();
  const [qr, setQr] = useState(venue.qr ?? null);
  const [zones, setZones] = useState(venue.zones);
  const [message, setMessage] = useState<string | null>(null);
  const action = useApiAction();
  const [verifiedAt, setVerifiedAt] = useState(venue.verified ? venue.verifiedAt : null);
  const { me } = useSession();
  // the commune's health worker verifies a citizen-run venue; its managers may then type people in
  const canVerify = me?.kind === 'staff' && hasRole(me.user, VENUE_VERIFY_ROLES);
  const occupancy = useApiGet<Occupancy>(`/venues/${venue.id}/occupancy`);
  const titleId = `ck-venue-${venue.id}`;

  const rotate = () => {
    setMessage(null);
    void action.run(async () => {
      const r = await api<RotatedQr>('POST', `/venues/${venue.id}/qr/rotate`);
      setQr(r.qr);
      setMessage(t('checkins.venue.rotated', { time: formatTime(r.previousValidUntil, i18n.language) }));
      onChanged?.();
    });
  };

  const verify = () => {
    setMessage(null);
    void action.run(async () => {
      const r = await api<VenueView>('POST', `/venues/${venue.id}/verify`);
      setVerifiedAt(r.verifiedAt);
      setMessage(t('checkins.venue.verifiedNow'));
      onChanged?.();
    });
  };

  return (
    <article className="card ck-venue" aria-labelledby={titleId} data-venue-id={venue.id}>
      <h2 id={titleId}>{venue.name}</h2>
      <p className="muted">
        {categoryLabel(venue.category, t)} · {venue.address}
        {venue.unitName ? `, ${venue.unitName}` : ''}
      </p>
      <dl className="details">
        <div className="details-row">
          <dt>{t('checkins.venue.verification')}</dt>
          <dd data-testid="ck-verified">
            {verifiedAt
              ? t('checkins.venue.verifiedOn', {
                  date: new Date(verifiedAt).toLocaleDateString(dateLocale(i18n.language), { timeZone: TIME_ZONE }),
                })
              : t('checkins.venue.unverified')}
            {!verifiedAt && canVerify ? (
              <>
                {' '}
                <button type="button" className="button button-small" disabled={action.busy} onClick={verify}>
                  {t('checkins.venue.verify')}
                </button>
              </>
            ) : null}
          </dd>
        </div>
        <div className="details-row">
          <dt>{t('checkins.venue.shortCode')}</dt>
          <dd className="mono" data-testid="ck-short-code">
            {venue.shortCode}
          </dd>
        </div>
        <div className="details-row">
          <dt>{t('checkins.venue.qrMode')}</dt>
          <dd>
            {venue.qrMode === 'rotating'
              ? t('checkins.venue.rotatingEvery', { minutes: venue.rotatingMinutes })
              : t('checkins.venueForm.qrStatic')}
          </dd>
        </div>
        <div className="details-row">
          <dt>{t('checkins.venue.stay')}</dt>
          <dd>{t('checkins.venue.minutes', { count: venue.defaultStayMinutes })}</dd>
        </div>
        {venue.startsAt && venue.endsAt ? (
          <div className="details-row">
            <dt>{t('checkins.venue.window')}</dt>
            <dd>
              {formatTime(venue.startsAt, i18n.language)} – {formatTime(venue.endsAt, i18n.language)}
            </dd>
          </div>
        ) : null}
      </dl>
      {qr ? (
        <div className="ck-venue-qr">
          <QrImage value={qr} alt={t('checkins.venue.qrAlt', { name: venue.name })} />
        </div>
      ) : null}
      <div className="actions ck-actions">
        <a
          className="button"
          href={`/api/v1/venues/${venue.id}/poster.pdf`}
          download={`truyvet-${venue.shortCode}.pdf`}
        >
          {t('checkins.venue.poster')}
        </a>
        <Link className="button button-secondary" to={`/door/${venue.id}`}>
          {t('checkins.venue.scanner')}
        </Link>
        {venue.qrMode === 'rotating' ? (
          <Link className="button button-secondary" to={`/venue-screen/${venue.id}`}>
            {t('checkins.venue.doorScreen')}
          </Link>
        ) : null}
        <button type="button" className="button button-secondary" disabled={action.busy} onClick={rotate}>
          {t('checkins.venue.rotate')}
        </button>
      </div>
      <p className="hint">{t('checkins.venue.rotateHint')}</p>
      <ErrorMessage error={action.error} />
      <SuccessMessage text={message} />
      <VenueRuleToggle venueId={venue.id} />
      <section aria-label={t('checkins.venue.occupancy')} className="ck-occupancy">
        <h3>{t('checkins.venue.occupancy')}</h3>
        <ErrorMessage error={occupancy.error} />
        {occupancy.data ? (
          <>
            <p data-testid="ck-occupancy">
              {t('checkins.venue.present', { count: occupancy.data.present })}
              {occupancy.data.capacity ? ` / ${occupancy.data.capacity}` : ''}
              {' · '}
              {t('checkins.venue.today', { count: occupancy.data.checkinsToday })}
            </p>
            {occupancy.data.byZone.some((z) => z.zoneId) ? (
              <ul className="ck-zone-list">
                {occupancy.data.byZone.map((z) => (
                  <li key={z.zoneId ?? 'none'}>
                    {z.name ?? t('checkins.venue.noZone')}: {z.present}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        ) : null}
        <button type="button" className="button button-secondary button-small" onClick={occupancy.reload}>
          {t('checkins.venue.refresh')}
        </button>
      </section>
      <Zones venueId={venue.id} zones={zones} onAdded={(z) => setZones((list) => [...list, z])} />
    </article>
  );
}

function Zones({
  venueId,
  zones,
  onAdded,
}: {
  venueId: string;
  zones: Array<{ id: string; name: string }>;
  onAdded: (zone: { id: string; name: string }) => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const add = useApiAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    void add.run(async () => {
      const zone = await api<Zone>('POST', `/venues/${venueId}/zones`, { name: name.trim() } satisfies AddZoneBody);
      if (!zones.some((z) => z.id === zone.id)) onAdded(zone);
      setName('');
    });
  };
  return (
    <section className="ck-zones">
      <h3>{t('checkins.venue.zones')}</h3>
      {zones.length === 0 ? (
        <p className="muted">{t('checkins.venue.noZones')}</p>
      ) : (
        <ul className="ck-zone-list">
          {zones.map((z) => (
            <li key={z.id}>{z.name}</li>
          ))}
        </ul>
      )}
      <form className="ck-inline-form" onSubmit={submit} noValidate>
        <TextField label={t('checkins.venue.newZone')} value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="button button-secondary button-small" disabled={add.busy || !name.trim()}>
          {t('checkins.venue.addZone')}
        </button>
      </form>
      <ErrorMessage error={add.error} />
    </section>
  );
}
