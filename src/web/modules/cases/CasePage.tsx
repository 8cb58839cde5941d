/**
 * One case: summary with F1/F2 counts (and what they count, from the case's tracing rule) and status, the venue
 * timeline with alerts, and the contacts.
 */
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { SelectField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { api } from '../../lib/api.ts';
import type { CaseDetail, StaffUser, TraceSummary, UpdateCaseBody } from '../../lib/api-types.ts';
import { CASE_STATUSES } from '../../lib/api-values.ts';
import { Link } from '../../lib/router.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { isOneOf } from '../../lib/values.ts';
import { ContactsSection } from './ContactsSection.tsx';
import { apiPatch, formatDateTime } from './model.ts';
import { VenueTimeline } from './VenueTimeline.tsx';

export function CasePage({ id, user }: { id: string; user: StaffUser }) {
  const { t, i18n } = useTranslation();
  const { data, error, loading, reload } = useApiGet<CaseDetail>(`/cases/${id}`);
  const [contactsVersion, setContactsVersion] = useState(0);
  const retracing = useApiAction();
  const [retraced, setRetraced] = useState<string | null>(null);

  const changed = () => {
    reload();
    setContactsVersion((v) => v + 1);
  };

  const retrace = () => {
    setRetraced(null);
    void retracing.run(async () => {
      const result = await api<TraceSummary>('POST', `/cases/${id}/retrace`);
      setRetraced(t('cases.detail.retraced', { newF1: result.newF1, newF2: result.newF2 }));
      changed();
    });
  };

  if (!data) {
    return (
      <div>
        <PageTitle>{t('cases.detail.title')}</PageTitle>
        <p>
          <Link to="/cases">{t('cases.backToList')}</Link>
        </p>
        <ErrorMessage error={error} />
        {loading ? <Loading /> : null}
      </div>
    );
  }

  const c = data;
  return (
    <div className="cs-case-page">
      <PageTitle>{t('cases.detail.heading', { code: c.displayCode, name: c.personName })}</PageTitle>
      <p>
        <Link to="/cases">{t('cases.backToList')}</Link>
      </p>
      <section className="card" aria-labelledby="cs-summary">
        <h2 id="cs-summary">{t('cases.detail.summary')}</h2>
        <ul className="cs-stats" aria-label={t('cases.detail.counts')}>
          <li className="cs-stat" data-stat="f1">
            <span className="cs-stat-value">{c.f1}</span>
            <span className="cs-stat-label">F1</span>
          </li>
          <li className="cs-stat" data-stat="f2">
            <span className="cs-stat-value">{c.f2}</span>
            <span className="cs-stat-label">F2</span>
          </li>
        </ul>
        <p className="hint cs-counts-explained">
          {t('cases.detail.countsExplained', { minutes: c.rule.minOverlapMinutes })}{' '}
          {c.rule.includeF2 ? t('cases.detail.f2Explained') : t('cases.detail.noF2')}
        </p>
        <dl className="details">
          <Row label={t('cases.fields.displayCode')} value={c.displayCode} />
          <Row label={t('cases.fields.person')}>
            <Link to={`/people/${c.personId}`}>{c.personName}</Link>
          </Row>
          <Row label={t('cases.fields.unit')} value={c.unitFullName ?? c.unitName ?? '—'} />
          <Row label={t('cases.fields.status')}>
            <span className={`badge cs-status cs-status-${c.status}`} data-status={c.status}>
              {t(`cases.status.${c.status}`, { defaultValue: c.status })}
            </span>
          </Row>
          <Row label={t('cases.fields.origin')} value={t(`cases.origin.${c.origin}`, { defaultValue: c.origin })} />
          <Row label={t('cases.fields.confirmedAt')} value={formatDateTime(c.confirmedAt, i18n.language)} />
          <Row label={t('cases.fields.onsetAt')} value={formatDateTime(c.onsetAt, i18n.language)} />
          <Row label={t('cases.fields.sampleAt')} value={formatDateTime(c.sampleAt, i18n.language)} />
          <Row label={t('cases.fields.isolatedAt')} value={formatDateTime(c.isolatedAt, i18n.language)} />
          <Row label={t('cases.fields.exposureWindow')}>
            {`${formatDateTime(c.exposureFrom, i18n.language)} – ${formatDateTime(c.exposureTo, i18n.language)}`}
            <span className="cs-window-basis muted">
              {t('cases.detail.windowBasis', {
                days: c.rule.lookbackDays,
                from: t(`cases.detail.windowFrom.${c.exposureFromBasis}`),
                to: t(`cases.detail.windowTo.${c.exposureToBasis}`),
              })}
            </span>
          </Row>
          {c.sourceCaseId ? (
            <Row label={t('cases.fields.sourceCase')}>
              <Link to={`/cases/${c.sourceCaseId}`}>{t('cases.detail.openSource')}</Link>
            </Row>
          ) : null}
          {c.sourceNote ? <Row label={t('cases.fields.sourceNote')} value={c.sourceNote} /> : null}
          <Row
            label={t('cases.fields.ruleVersion')}
            value={t('cases.detail.ruleValues', {
              version: c.rule.version,
              minutes: c.rule.minOverlapMinutes,
              days: c.rule.lookbackDays,
              quarantineDays: c.rule.f1QuarantineDays,
            })}
          />
        </dl>
        <StatusForm caseData={c} onSaved={reload} />
        <div className="actions">
          <button type="button" className="button button-secondary" disabled={retracing.busy} onClick={retrace}>
            {retracing.busy ? t('cases.detail.retracing') : t('cases.detail.retrace')}
          </button>
          <Link to={`/exposure/cases/${c.id}`} className="button button-secondary">
            {t('exposure.nav.case')}
          </Link>
        </div>
        <ErrorMessage error={retracing.error} />
        <SuccessMessage text={retraced} />
      </section>
      <VenueTimeline caseData={c} onAlerted={changed} />
      <ContactsSection caseId={c.id} myId={user.id} version={contactsVersion} onChanged={reload} />
    </div>
  );
}

function Row({ label, value, children }: { label: string; value?: string; children?: ReactNode }) {
  return (
    <div className="details-row">
      <dt>{label}</dt>
      <dd>{children ?? value}</dd>
    </div>
  );
}

function StatusForm({ caseData, onSaved }: { caseData: CaseDetail; onSaved: () => void }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState(caseData.status);
  const save = useApiAction();
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => setStatus(caseData.status), [caseData.status]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!isOneOf(CASE_STATUSES, status)) return;
    setSaved(null);
    void save.run(async () => {
      await apiPatch(`/cases/${caseData.id}`, { status } satisfies UpdateCaseBody);
      setSaved(t('cases.detail.statusSaved', { status: t(`cases.status.${status}`) }));
      onSaved();
    });
  };

  return (
    <form className="cs-status-form" onSubmit={submit} noValidate>
      <SelectField label={t('cases.detail.changeStatus')} value={status} onChange={(e) => setStatus(e.target.value)}>
        {CASE_STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`cases.status.${s}`)}
          </option>
        ))}
      </SelectField>
      <button type="submit" className="button" disabled={save.busy || status === caseData.status}>
        {save.busy ? t('common.saving') : t('cases.detail.saveStatus')}
      </button>
      <ErrorMessage error={save.error} />
      <SuccessMessage text={saved} />
    </form>
  );
}
