/**
 * The vaccinator's site (their home): today's session queue at the chosen site, check-in by personal QR or national
 * ID, the screening checklist, recording the dose (a doctor may override a rule with a reason), the 30-minute
 * observation timer and the AEFI report.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './vaccination.css';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { api, query } from '../../lib/api.ts';
import type { StaffUser } from '../../lib/api-types.ts';
import { useRetryKeys } from '../../lib/retry-key.ts';
import { fromLocalInput, localDay, toLocalInput } from '../../lib/time.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import type {
  CheckInView,
  ChecklistView,
  DoseCreated,
  LotList,
  RegistrationList,
  ScreeningResult,
  SessionList,
  SiteList,
} from '../../lib/vaccination-types.ts';
import { AEFI_SEVERITIES, AEFI_SYMPTOMS } from '../../lib/vaccination-values.ts';
import { formatTime } from '../checkins/format.ts';

function Observation({ until }: { until: string }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.round((Date.parse(until) - now) / 1000));
  const mm = String(Math.floor(left / 60)).padStart(2, '0');
  const ss = String(left % 60).padStart(2, '0');
  return (
    <p className="vx-timer" role="timer" aria-live="off">
      {left > 0 ? t('vaccination.site.observing', { time: `${mm}:${ss}` }) : t('vaccination.site.observed')}
    </p>
  );
}

function Aefi({ doseId }: { doseId: string }) {
  const { t } = useTranslation();
  const [severity, setSeverity] = useState<(typeof AEFI_SEVERITIES)[number]>('mild');
  const [symptoms, setSymptoms] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const action = useApiAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api('POST', '/vaccination/aefi', { doseId, severity, symptoms });
      setDone(t('vaccination.site.aefiSent'));
      // one report per tap: another event is chosen again (a second tap cannot count the same one twice)
      setSymptoms([]);
    });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="vx-aefi">
      <h3 id="vx-aefi">{t('vaccination.site.aefi')}</h3>
      <SelectField
        label={t('vaccination.site.severity')}
        value={severity}
        onChange={(e) => setSeverity(e.target.value as typeof severity)}
      >
        {AEFI_SEVERITIES.map((s) => (
          <option key={s} value={s}>
            {t(`vaccination.severity.${s}`)}
          </option>
        ))}
      </SelectField>
      <fieldset>
        <legend>{t('vaccination.site.symptoms')}</legend>
        {AEFI_SYMPTOMS.map((s) => (
          <label key={s} className="vx-check">
            <input
              type="checkbox"
              checked={symptoms.includes(s)}
              onChange={(e) => setSymptoms(e.target.checked ? [...symptoms, s] : symptoms.filter((x) => x !== s))}
            />{' '}
            {t(`vaccination.symptoms.${s}`)}
          </label>
        ))}
      </fieldset>
      <ErrorMessage error={action.error} />
      <SuccessMessage text={done} />
      <button type="submit" disabled={action.busy || symptoms.length === 0}>
        {t('vaccination.site.aefiSend')}
      </button>
    </form>
  );
}

function Screening({
  personId,
  siteId,
  onDone,
}: {
  personId: string;
  siteId: string;
  onDone: (r: ScreeningResult) => void;
}) {
  const { t, i18n } = useTranslation();
  const checklist = useApiGet<ChecklistView>('/vaccination/checklist');
  const [yes, setYes] = useState<string[]>([]);
  const action = useApiAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const list = checklist.data;
    if (!list) return;
    void action.run(async () => {
      const answers = Object.fromEntries(list.questions.map((q) => [q.id, yes.includes(q.id)]));
      onDone(
        await api<ScreeningResult>('POST', '/vaccination/screenings', {
          personId,
          siteId,
          checklistVersion: list.version,
          answers,
        }),
      );
    });
  };
  // until the checklist is here there is nothing to answer: no form whose button would do nothing
  if (!checklist.data) return checklist.error ? <ErrorMessage error={checklist.error} /> : <Loading />;
  return (
    <form className="card" onSubmit={submit} aria-labelledby="vx-screen">
      <h3 id="vx-screen">{t('vaccination.site.screening', { version: checklist.data.version })}</h3>
      <fieldset>
        <legend>{t('vaccination.site.screeningHint')}</legend>
        {checklist.data.questions.map((q) => (
          <label key={q.id} className="vx-check">
            <input
              type="checkbox"
              name={q.id}
              checked={yes.includes(q.id)}
              onChange={(e) => setYes(e.target.checked ? [...yes, q.id] : yes.filter((x) => x !== q.id))}
            />{' '}
            {i18n.language === 'en' ? q.en : q.vi}
          </label>
        ))}
      </fieldset>
      <ErrorMessage error={action.error} />
      <button type="submit" disabled={action.busy}>
        {t('vaccination.site.screeningSave')}
      </button>
    </form>
  );
}

function DoseForm({
  checkIn,
  siteId,
  canOverride,
  onDone,
}: {
  checkIn: CheckInView;
  siteId: string;
  canOverride: boolean;
  onDone: (created: DoseCreated) => void;
}) {
  const { t } = useTranslation();
  const lots = useApiGet<LotList>(`/vaccination/lots${query({ siteId })}`);
  const usable = (lots.data?.items ?? []).filter((l) => l.remaining > 0 && !l.expired);
  const validCount = checkIn.record.items.filter((d) => d.status === 'valid').length;
  const [lotId, setLotId] = useState('');
  const [doseNumber, setDoseNumber] = useState(String(validCount + 1));
  const [givenAt, setGivenAt] = useState(() => toLocalInput());
  const [givenAtError, setGivenAtError] = useState<string | null>(null);
  const [override, setOverride] = useState('');
  const action = useApiAction();
  const keys = useRetryKeys();
  const lot = usable.find((l) => l.id === lotId) ?? usable[0];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!lot) return;
    // an emptied or half-typed time is the vaccinator's to fix here, not a request the server refuses
    const given = fromLocalInput(givenAt);
    setGivenAtError(given ? null : t('errors.required'));
    if (!given) return;
    const body = {
      person: { personId: checkIn.person.id },
      product: lot.product,
      lot: lot.lotNumber,
      doseNumber: Number(doseNumber),
      siteId,
      givenAt: given,
      ...(override.trim() ? { override: { reason: override.trim() } } : {}),
    };
    // a second tap after a lost answer gets the recorded dose's answer, not a refusal for a dose given twice
    void action.run(async () =>
      onDone(
        await keys.send(body, (idempotencyKey) =>
          api<DoseCreated>('POST', '/vaccination/doses', body, { idempotencyKey }),
        ),
      ),
    );
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="vx-dose">
      <h3 id="vx-dose">{t('vaccination.site.dose')}</h3>
      <SelectField label={t('vaccination.site.lot')} value={lot?.id ?? ''} onChange={(e) => setLotId(e.target.value)}>
        {usable.map((l) => (
          <option key={l.id} value={l.id}>
            {l.product} · {l.lotNumber} · {t('vaccination.site.left', { n: l.remaining })}
            {l.expired ? ` · ${t('vaccination.site.expired')}` : ''}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t('vaccination.site.doseNumber')}
        type="number"
        min={1}
        max={10}
        value={doseNumber}
        onChange={(e) => setDoseNumber(e.target.value)}
      />
      <TextField
        label={t('vaccination.site.givenAt')}
        type="datetime-local"
        required
        value={givenAt}
        error={givenAtError}
        onChange={(e) => setGivenAt(e.target.value)}
      />
      {canOverride ? (
        <TextField
          label={t('vaccination.site.override')}
          optional
          value={override}
          onChange={(e) => setOverride(e.target.value)}
        />
      ) : null}
      <ErrorMessage error={action.error} />
      <button type="submit" disabled={action.busy || !lot}>
        {t('vaccination.site.record')}
      </button>
    </form>
  );
}

export default function SitePage({ user }: { user: StaffUser }) {
  const { t, i18n } = useTranslation();
  const sites = useApiGet<SiteList>('/vaccination/sites');
  const [siteId, setSiteId] = useState('');
  const site = (sites.data?.items ?? []).find((s) => s.id === siteId) ?? sites.data?.items[0];
  const today = localDay();
  const sessions = useApiGet<SessionList>(
    site ? `/vaccination/sessions${query({ siteId: site.id, day: today })}` : null,
  );
  const session = sessions.data?.items[0];
  const queue = useApiGet<RegistrationList>(
    session ? `/vaccination/registrations${query({ sessionId: session.id })}` : null,
  );
  const [ident, setIdent] = useState('');
  const [checkIn, setCheckIn] = useState<CheckInView | null>(null);
  const [screening, setScreening] = useState<ScreeningResult | null>(null);
  const [dose, setDose] = useState<DoseCreated | null>(null);
  const [error, setError] = useState<unknown>(null);
  const canOverride = user.grants.some((g) => g.role === 'doctor' || g.role === 'admin');

  const find = async (e: FormEvent) => {
    e.preventDefault();
    if (!site) return;
    setError(null);
    setCheckIn(null);
    setScreening(null);
    setDose(null);
    const value = ident.trim();
    try {
      setCheckIn(
        await api<CheckInView>(
          'POST',
          '/vaccination/check-in',
          /^\d{12}$/.test(value) ? { siteId: site.id, nationalId: value } : { siteId: site.id, qr: value },
        ),
      );
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="vx-page">
      <PageTitle>{t('vaccination.nav.site')}</PageTitle>
      <SelectField
        label={t('vaccination.site.site')}
        value={site?.id ?? ''}
        onChange={(e) => setSiteId(e.target.value)}
      >
        {(sites.data?.items ?? []).map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </SelectField>
      <section className="card" aria-labelledby="vx-queue">
        <h2 id="vx-queue">{t('vaccination.site.queue', { day: today })}</h2>
        {!session ? <p className="muted">{t('vaccination.site.noSession')}</p> : null}
        {session ? (
          <p>
            {t('vaccination.site.sessionLine', {
              product: session.product,
              invited: session.invited,
              vaccinated: session.vaccinated,
              capacity: session.capacity,
            })}
          </p>
        ) : null}
        <ul className="vx-list">
          {(queue.data?.items ?? []).map((r) => (
            <li key={r.id} className="vx-queue-item">
              {r.name} · {t(`vaccination.registrationStatus.${r.status}`)}
            </li>
          ))}
        </ul>
      </section>
      <form className="card" onSubmit={find} aria-labelledby="vx-checkin">
        <h2 id="vx-checkin">{t('vaccination.site.checkIn')}</h2>
        <TextField
          label={t('vaccination.site.ident')}
          hint={t('vaccination.site.identHint')}
          value={ident}
          onChange={(e) => setIdent(e.target.value)}
          autoComplete="off"
        />
        <ErrorMessage error={error} />
        <button type="submit" disabled={!site || !ident.trim()}>
          {t('vaccination.site.find')}
        </button>
      </form>
      {checkIn && site ? (
        <section className="card vx-person" aria-labelledby="vx-person">
          <h2 id="vx-person">
            {checkIn.person.name} {checkIn.person.birthYear ? `(${checkIn.person.birthYear})` : ''}
          </h2>
          {checkIn.missing.length > 0 ? (
            <p className="alert alert-error">
              {t('vaccination.site.missing', {
                fields: checkIn.missing.map((m) => t(`vaccination.missing.${m}`)).join(', '),
              })}
            </p>
          ) : null}
          <ul className="vx-list">
            {checkIn.record.items.map((d) => (
              <li key={d.id}>
                {t('vaccination.mine.dose', { n: d.doseNumber })} · {d.productName} ·{' '}
                {formatTime(d.givenAt, i18n.language)}
              </li>
            ))}
          </ul>
          {checkIn.record.nextDue ? (
            <p>
              {t('vaccination.mine.nextDueText', {
                dose: checkIn.record.nextDue.doseNumber,
                from: formatTime(checkIn.record.nextDue.earliest, i18n.language),
                recommended: formatTime(checkIn.record.nextDue.recommended, i18n.language),
              })}
            </p>
          ) : null}
          {!screening ? (
            <Screening personId={checkIn.person.id} siteId={site.id} onDone={setScreening} />
          ) : (
            <p className={`vx-outcome vx-${screening.outcome}`} role="status">
              {t(`vaccination.outcome.${screening.outcome}`)}
            </p>
          )}
          {screening && !dose && (screening.outcome === 'proceed' || canOverride) ? (
            <DoseForm
              key={checkIn.person.id}
              checkIn={checkIn}
              siteId={site.id}
              canOverride={canOverride}
              onDone={(created) => {
                setDose(created);
                queue.reload();
                sessions.reload();
              }}
            />
          ) : null}
          {dose ? (
            <>
              <p className="alert alert-success" role="status">
                {t('vaccination.site.recorded')}
              </p>
              <Observation until={dose.observationUntil} />
              <Aefi doseId={dose.id} />
            </>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
