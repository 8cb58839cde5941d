/**
 * Staff (health_worker, venue_manager, admin): venues in their area — search, open, and register a venue on
 * someone's behalf (the manager signs in with that phone).
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { Loading } from '../../components/Loading.tsx';
import { MoreButton } from '../../components/MoreButton.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { QrImage } from '../../components/QrImage.tsx';
import { query } from '../../lib/api.ts';
import type { CreatedVenue, VenueView } from '../../lib/api-types.ts';
import { VENUE_CATEGORIES } from '../../lib/api-values.ts';
import { Link } from '../../lib/router.tsx';
import { useApiGet } from '../../lib/useApiGet.ts';
import { useApiPages } from '../../lib/useApiPages.ts';
import { categoryLabel } from '../checkins/format.ts';
import { VenueCard } from './VenueCard.tsx';
import { VenueForm } from './VenueForm.tsx';

export function StaffVenuesPage() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [category, setCategory] = useState('');
  const [search, setSearch] = useState({ q: '', category: '' });
  // 50 at a time from the server (keyset pages), searched there: "Xem thêm" loads the next page
  const venues = useApiPages<VenueView>(`/venues${query({ q: search.q, category: search.category, limit: 50 })}`);
  const { data, reload } = venues;
  const [formOpen, setFormOpen] = useState(false);
  const [created, setCreated] = useState<{ venue: CreatedVenue; name: string } | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSearch({ q: text.trim(), category });
  };

  return (
    <div className="ck-page">
      <PageTitle>{t('checkins.staffVenues.title')}</PageTitle>
      <p className="lead">{t('checkins.staffVenues.intro')}</p>
      {created ? (
        <div className="card ck-created" role="status">
          <SuccessMessage text={t('checkins.myVenues.created', { name: created.name })} />
          <p>
            {t('checkins.venue.shortCode')}: <strong className="mono">{created.venue.shortCode}</strong>
          </p>
          <div className="ck-venue-qr">
            <QrImage value={created.venue.qr} alt={t('checkins.venue.qrAlt', { name: created.name })} />
          </div>
          <p>
            <Link to={`/venues/${created.venue.id}`}>{t('checkins.staffVenues.open')}</Link>
          </p>
        </div>
      ) : null}
      {formOpen ? (
        <VenueForm
          onBehalf
          onCreated={(venue, name) => {
            setCreated({ venue, name });
            setFormOpen(false);
            reload();
          }}
        />
      ) : (
        <p>
          <button type="button" className="button" onClick={() => setFormOpen(true)}>
            {t('checkins.staffVenues.register')}
          </button>
        </p>
      )}
      <form className="card search-form" onSubmit={submit} aria-label={t('checkins.staffVenues.search')}>
        <TextField label={t('checkins.staffVenues.search')} value={text} onChange={(e) => setText(e.target.value)} />
        <SelectField
          label={t('checkins.venueForm.category')}
          optional
          value={category}
          onChange={(e) => setCategory(e.target.value)}
        >
          <option value="">{t('checkins.staffVenues.allCategories')}</option>
          {VENUE_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(`checkins.categories.${c}`)}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button">
          {t('checkins.staffVenues.find')}
        </button>
      </form>
      <ListStatus
        list={venues}
        empty="checkins.staffVenues.none"
        count={venues.hasMore ? 'common.shownMore' : undefined}
      />
      <ul className="ck-list">
        {(data ?? []).map((v) => (
          <li key={v.id} className="card ck-item">
            <Link to={`/venues/${v.id}`}>{v.name}</Link>
            <p className="muted">
              {categoryLabel(v.category, t)} · {v.address}
              {v.unitName ? `, ${v.unitName}` : ''} · <span className="mono">{v.shortCode}</span>
            </p>
          </li>
        ))}
      </ul>
      <MoreButton list={venues} />
    </div>
  );
}

/** Staff: one venue (occupancy, zones, poster, scanner). */
export function StaffVenuePage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { data, error, loading } = useApiGet<VenueView>(`/venues/${id}`);
  return (
    <div className="ck-page">
      <PageTitle>{data?.name ?? t('checkins.staffVenues.title')}</PageTitle>
      <p>
        <Link to="/venues">{t('checkins.staffVenues.back')}</Link>
      </p>
      {loading ? <Loading /> : null}
      <ErrorMessage error={error} />
      {data ? <VenueCard venue={data} /> : null}
    </div>
  );
}
