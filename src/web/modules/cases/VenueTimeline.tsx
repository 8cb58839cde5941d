/**
 * The F0's stays in the exposure window as a timeline (Việt Nam time), each with how many people overlapped it —
 * and what that number counts (the case's rule: at least N minutes together, inside the window that ends at
 * confirmation or isolation), since a venue's occupancy counts everyone present — and the venue alert: everyone
 * present at the venue in a window, previewed as a count (and how many the case told already), then confirmed.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { api } from '../../lib/api.ts';
import type { CaseDetail, CaseStay, VenueAlertBody, VenueAlertResult } from '../../lib/api-types.ts';
import { fromLocalInput, toLocalInput } from '../../lib/time.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { formatDateTime, formatDay, formatTime, minutesBetween } from './model.ts';

export function VenueTimeline({ caseData, onAlerted }: { caseData: CaseDetail; onAlerted: () => void }) {
  const { t, i18n } = useTranslation();
  const caseId = caseData.id;
  const windowEnd = new Date(caseData.exposureTo).getTime();
  const stays = useApiGet<CaseStay[]>(`/cases/${caseId}/venues`);
  const { data } = stays;
  const [alertFor, setAlertFor] = useState<string | null>(null);

  const days: Array<{ day: string; stays: CaseStay[] }> = [];
  for (const stay of data ?? []) {
    const day = formatDay(stay.checkedInAt, i18n.language);
    const last = days[days.length - 1];
    if (last && last.day === day) last.stays.push(stay);
    else days.push({ day, stays: [stay] });
  }

  return (
    <section className="card" aria-labelledby="cs-venues">
      <h2 id="cs-venues">{t('cases.venues.title')}</h2>
      <p className="hint">{t('cases.venues.hint')}</p>
      <p className="hint cs-overlap-explained">
        {t('cases.venues.overlapExplained', {
          minutes: caseData.rule.minOverlapMinutes,
          end: formatDateTime(caseData.exposureTo, i18n.language),
          basis: t(`cases.detail.windowTo.${caseData.exposureToBasis}`),
        })}
      </p>
      <ListStatus list={stays} empty="cases.venues.empty" />
      {days.map(({ day, stays }) => (
        <div key={day} className="cs-day">
          <h3 className="cs-day-title">{day}</h3>
          <ol className="cs-timeline">
            {stays.map((stay) => {
              const end = stay.checkedOutAt ?? stay.impliedOutAt;
              return (
                <li key={stay.checkinId} className="cs-stay" data-venue-id={stay.venueId}>
                  <p className="cs-stay-time">
                    <time dateTime={stay.checkedInAt}>{formatTime(stay.checkedInAt, i18n.language)}</time>
                    {' – '}
                    <time dateTime={end}>{formatTime(end, i18n.language)}</time>
                    {stay.checkedOutAt ? null : <span className="muted"> ({t('cases.venues.estimatedOut')})</span>}
                    <span className="muted">
                      {' · '}
                      {t('cases.minutes', { count: minutesBetween(stay.checkedInAt, end) })}
                    </span>
                  </p>
                  <p className="cs-stay-venue">
                    <strong>{stay.venueName}</strong>
                    {stay.venueAddress ? <span className="muted"> — {stay.venueAddress}</span> : null}
                  </p>
                  <p>
                    <span className={`badge cs-overlap${stay.overlapCount > 0 ? ' cs-overlap-some' : ''}`}>
                      {t('cases.venues.overlap', { count: stay.overlapCount })}
                    </span>{' '}
                    {new Date(end).getTime() > windowEnd ? (
                      <span className="muted cs-overlap-cut">
                        {t('cases.venues.countedUntil', {
                          time: formatTime(caseData.exposureTo, i18n.language),
                          basis: t(`cases.detail.windowTo.${caseData.exposureToBasis}`),
                        })}{' '}
                      </span>
                    ) : null}
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      aria-expanded={alertFor === stay.checkinId}
                      onClick={() => setAlertFor(alertFor === stay.checkinId ? null : stay.checkinId)}
                    >
                      {t('cases.alert.open')}
                    </button>
                  </p>
                  {alertFor === stay.checkinId ? <VenueAlert caseId={caseId} stay={stay} onDone={onAlerted} /> : null}
                </li>
              );
            })}
          </ol>
        </div>
      ))}
    </section>
  );
}

function VenueAlert({ caseId, stay, onDone }: { caseId: string; stay: CaseStay; onDone: () => void }) {
  const { t } = useTranslation();
  const [from, setFrom] = useState(() => toLocalInput(new Date(stay.checkedInAt)));
  const [to, setTo] = useState(() => toLocalInput(new Date(stay.checkedOutAt ?? stay.impliedOutAt)));
  const [preview, setPreview] = useState<VenueAlertResult | null>(null);
  const [sent, setSent] = useState<VenueAlertResult | null>(null);
  const action = useApiAction();
  const [invalid, setInvalid] = useState(false);

  const body = (): VenueAlertBody | null => {
    const fromIso = fromLocalInput(from);
    const toIso = fromLocalInput(to);
    if (!fromIso || !toIso || fromIso >= toIso) return null;
    return { caseId, from: fromIso, to: toIso };
  };

  const previewCount = (event: FormEvent) => {
    event.preventDefault();
    const b = body();
    setInvalid(!b);
    setSent(null);
    if (!b) return;
    void action.run(async () => {
      const result = await api<VenueAlertResult>('POST', `/venues/${stay.venueId}/alert/preview`, b);
      setPreview(result);
    });
  };

  const confirm = () => {
    const b = body();
    if (!b) return;
    void action.run(async () => {
      setSent(await api<VenueAlertResult>('POST', `/venues/${stay.venueId}/alert`, b));
      setPreview(null);
      onDone();
    });
  };

  return (
    <form className="cs-alert-form" onSubmit={previewCount} noValidate aria-label={t('cases.alert.title')}>
      <p className="hint">{t('cases.alert.hint', { venue: stay.venueName })}</p>
      <div className="field-row">
        <TextField
          label={t('cases.alert.from')}
          type="datetime-local"
          value={from}
          onChange={(e) => {
            setFrom(e.target.value);
            setPreview(null);
          }}
        />
        <TextField
          label={t('cases.alert.to')}
          type="datetime-local"
          value={to}
          error={invalid ? t('cases.alert.invalid') : null}
          onChange={(e) => {
            setTo(e.target.value);
            setPreview(null);
          }}
        />
      </div>
      <ErrorMessage error={action.error} />
      <div aria-live="polite">
        {preview !== null ? (
          <p className="alert alert-info cs-alert-preview">
            {t('cases.alert.preview', { count: preview.people })}
            <AlertBreakdown result={preview} />
          </p>
        ) : null}
        {sent ? (
          <p className="alert alert-success" role="status">
            {t('cases.alert.sent', { count: sent.notified, people: sent.people })}
            <AlertBreakdown result={sent} />
          </p>
        ) : null}
      </div>
      <div className="actions">
        <button type="submit" className="button button-secondary" disabled={action.busy}>
          {t('cases.alert.previewButton')}
        </button>
        {preview !== null && preview.people > 0 ? (
          <button type="button" className="button" disabled={action.busy} onClick={confirm}>
            {t('cases.alert.confirm', { count: preview.people })}
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** Why an alert tells fewer people than were present: told already by this case, or only a typed-in check-in. */
function AlertBreakdown({ result }: { result: VenueAlertResult }) {
  const { t } = useTranslation();
  return (
    <>
      {result.alreadyNotified > 0 ? (
        <span className="cs-alert-already"> {t('cases.alert.alreadyNotified', { count: result.alreadyNotified })}</span>
      ) : null}
      {result.toConfirm > 0 ? (
        <span className="cs-alert-to-confirm"> {t('cases.alert.toConfirm', { count: result.toConfirm })}</span>
      ) : null}
    </>
  );
}
