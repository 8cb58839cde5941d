/**
 * One enterprise: its current level and score, until when it may operate, a new self-assessment against the current
 * criteria (pre-filled with the last answers are not kept by the server: each assessment is answered afresh), its
 * assessments and inspections. Oversight staff also record an inspection with findings and may require a new
 * assessment (the owner is told by SMS).
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './declarations.css';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ApiError, api } from '../../lib/api.ts';
import type {
  Answers,
  AssessmentResult,
  CriteriaView,
  EnterpriseDetail,
  EnterpriseOwnerBody,
  IdResponse,
  OrganisationList,
} from '../../lib/declarations-types.ts';
import { formatPercent } from '../../lib/numbers.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { formatTime } from '../checkins/format.ts';
import { answersToSend } from './answers.ts';
import { LevelTag } from './EnterprisesPage.tsx';
import { QuestionFields } from './QuestionFields.tsx';

function invalidIds(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  const ids = (error.details as { questionIds?: unknown } | undefined)?.questionIds;
  return Array.isArray(ids) ? ids.map(String) : [];
}

function Assess({ id, onDone }: { id: string; onDone: (r: AssessmentResult) => void }) {
  const { t } = useTranslation();
  const criteria = useApiGet<CriteriaView>('/enterprise-criteria');
  const [answers, setAnswers] = useState<Answers>({});
  const action = useApiAction();
  if (!criteria.data) return criteria.error ? <ErrorMessage error={criteria.error} /> : <Loading />;
  const c = criteria.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await api<AssessmentResult>('POST', `/enterprises/${id}/assessments`, {
        criteriaVersion: c.version,
        answers: answersToSend(c.questions, answers),
      });
      setAnswers({});
      onDone(r);
    });
  };
  return (
    <form className="card dc-form" onSubmit={submit} aria-labelledby="dc-assess">
      <h2 id="dc-assess">{t('declarations.enterprise.assess')}</h2>
      <p className="hint">{t('declarations.enterprise.assessIntro', { version: c.version, days: c.validDays })}</p>
      <QuestionFields
        questions={c.questions}
        answers={answers}
        onChange={setAnswers}
        invalid={invalidIds(action.error)}
      />
      <ErrorMessage error={action.error} />
      <button type="submit" className="button" disabled={action.busy}>
        {t('declarations.enterprise.assessButton')}
      </button>
    </form>
  );
}

/** Oversight staff give the enterprise to another owner (a phone's account holder) or take it from its owner. */
function Owner({ id, hasOwner, onDone }: { id: string; hasOwner: boolean; onDone: (text: string) => void }) {
  const { t } = useTranslation();
  const [phone, setPhone] = useState('');
  const action = useApiAction();
  const send = (value: string | null) =>
    void action.run(async () => {
      const body: EnterpriseOwnerBody = { phone: value };
      await api('PUT', `/enterprises/${id}/owner`, body);
      setPhone('');
      onDone(t(value === null ? 'declarations.enterprise.ownerRemoved' : 'declarations.enterprise.ownerSet'));
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send(phone.trim());
  };
  return (
    <form className="card dc-form" onSubmit={submit} aria-labelledby="dc-owner">
      <h2 id="dc-owner">{t('declarations.enterprise.owner')}</h2>
      <p className="hint">{t('declarations.enterprise.ownerHint')}</p>
      <div className="field">
        <label htmlFor="dc-owner-phone">{t('declarations.enterprise.ownerPhone')}</label>
        <input
          id="dc-owner-phone"
          type="tel"
          autoComplete="off"
          maxLength={32}
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
        />
      </div>
      <ErrorMessage error={action.error} />
      <button type="submit" className="button" disabled={action.busy || !phone.trim()}>
        {t('declarations.enterprise.ownerSetButton')}
      </button>
      {hasOwner ? (
        <button type="button" className="button button-secondary" disabled={action.busy} onClick={() => send(null)}>
          {t('declarations.enterprise.ownerRemoveButton')}
        </button>
      ) : null}
    </form>
  );
}

function Inspect({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [findings, setFindings] = useState('');
  const [passed, setPassed] = useState(true);
  const [reassess, setReassess] = useState(false);
  const action = useApiAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api('POST', `/enterprises/${id}/inspections`, {
        findings: findings.trim(),
        passed,
        requireReassessment: reassess || !passed,
      });
      setFindings('');
      onDone();
    });
  };
  return (
    <form className="card dc-form" onSubmit={submit} aria-labelledby="dc-inspect">
      <h2 id="dc-inspect">{t('declarations.enterprise.inspect')}</h2>
      <div className="field">
        <label htmlFor="dc-findings">{t('declarations.enterprise.findings')}</label>
        <textarea
          id="dc-findings"
          rows={4}
          required
          maxLength={4000}
          value={findings}
          onChange={(e) => setFindings(e.target.value)}
        />
      </div>
      <label className="dc-option">
        <input type="checkbox" checked={passed} onChange={(e) => setPassed(e.target.checked)} />{' '}
        {t('declarations.enterprise.passed')}
      </label>
      <label className="dc-option">
        <input
          type="checkbox"
          checked={reassess || !passed}
          disabled={!passed}
          onChange={(e) => setReassess(e.target.checked)}
        />{' '}
        {t('declarations.enterprise.requireReassessment')}
      </label>
      <ErrorMessage error={action.error} />
      <button type="submit" className="button" disabled={action.busy || !findings.trim()}>
        {t('declarations.enterprise.inspectButton')}
      </button>
    </form>
  );
}

/**
 * The share of the enterprise's workers who declared today, from its member list (or the button that starts one:
 * the owner and the oversight staff keep it).
 */
function Workers({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const list = useApiGet<OrganisationList>('/organisations');
  const action = useApiAction();
  const org = list.data?.items.find((o) => o.enterpriseId === id);
  const start = () =>
    void action.run(async () => {
      const r = await api<IdResponse>('POST', '/organisations', { kind: 'enterprise', enterpriseId: id });
      navigate(`/organisations/${r.id}`);
    });
  if (!list.data) return null;
  return (
    <section className="card" aria-labelledby="dc-workers" data-testid="enterprise-workers">
      <h2 id="dc-workers">{t('declarations.orgs.workers')}</h2>
      {org ? (
        <p>
          {t('declarations.orgs.workersLine', {
            declared: org.declaredToday,
            members: org.members,
            share: formatPercent(org.share, i18n.language),
          })}{' '}
          <Link to={`/organisations/${org.id}`}>{t('declarations.orgs.openList')}</Link>
        </p>
      ) : (
        <>
          <p className="muted">{t('declarations.orgs.noList')}</p>
          <ErrorMessage error={action.error} />
          <button type="button" className="button button-secondary" disabled={action.busy} onClick={start}>
            {t('declarations.orgs.startList')}
          </button>
        </>
      )}
    </section>
  );
}

export default function EnterprisePage({ id, staff }: { id: string; staff: boolean }) {
  const { t, i18n } = useTranslation();
  const detail = useApiGet<EnterpriseDetail>(`/enterprises/${id}`);
  const [done, setDone] = useState<string | null>(null);
  if (!detail.data) return detail.error ? <ErrorMessage error={detail.error} /> : <Loading />;
  const e = detail.data;
  return (
    <div className="dc-page">
      <PageTitle>{e.name}</PageTitle>
      <p>
        <Link to={staff ? '/enterprise-oversight' : '/enterprises'}>{t('declarations.enterprise.back')}</Link>
      </p>
      <SuccessMessage text={done} />
      <section className="card" aria-labelledby="dc-current" data-testid="enterprise-current">
        <h2 id="dc-current">{t('declarations.enterprise.current')}</h2>
        <p className="dc-level-line">
          <LevelTag level={e.level} />
          {e.score !== null ? <span> · {t('declarations.enterprise.score', { score: e.score })}</span> : null}
        </p>
        <p className={e.allowedToOperate ? 'dc-ok' : 'dc-warn'}>
          {e.allowedToOperate
            ? t('declarations.enterprise.allowed', { date: e.validUntil?.slice(0, 10) ?? '' })
            : e.reassessRequiredAt
              ? t('declarations.enterprise.reassessRequired')
              : e.overdue && e.level !== null
                ? t('declarations.enterprise.overdue')
                : t('declarations.enterprise.notAllowed')}
        </p>
        <dl className="dc-facts">
          <div>
            <dt>{t('declarations.enterprise.taxCode')}</dt>
            <dd>{e.taxCode}</dd>
          </div>
          <div>
            <dt>{t('declarations.enterprise.workers')}</dt>
            <dd>{e.workers}</dd>
          </div>
          <div>
            <dt>{t('declarations.enterprise.shifts')}</dt>
            <dd>{e.shifts}</dd>
          </div>
          {e.industrialPark ? (
            <div>
              <dt>{t('declarations.enterprise.park')}</dt>
              <dd>{e.industrialPark}</dd>
            </div>
          ) : null}
          {e.address ? (
            <div>
              <dt>{t('declarations.enterprise.address')}</dt>
              <dd>{e.address}</dd>
            </div>
          ) : null}
        </dl>
      </section>
      <Workers id={id} />
      <Assess
        id={id}
        onDone={(r) => {
          setDone(
            t('declarations.enterprise.assessed', { level: t(`declarations.levels.${r.level}`), score: r.score }),
          );
          detail.reload();
        }}
      />
      {staff ? (
        <Inspect
          id={id}
          onDone={() => {
            setDone(t('declarations.enterprise.inspected'));
            detail.reload();
          }}
        />
      ) : null}
      {staff ? (
        <Owner
          id={id}
          hasOwner={e.hasOwner}
          onDone={(text) => {
            setDone(text);
            detail.reload();
          }}
        />
      ) : null}
      <section className="card" aria-labelledby="dc-history">
        <h2 id="dc-history">{t('declarations.enterprise.history')}</h2>
        {e.assessments.length === 0 ? <p className="muted">{t('declarations.enterprise.noAssessments')}</p> : null}
        <ul className="dc-history">
          {e.assessments.map((a) => (
            <li key={a.id}>
              {a.createdAt ? formatTime(a.createdAt, i18n.language) : ''} · <LevelTag level={a.level} /> ·{' '}
              {t('declarations.enterprise.score', { score: a.score })} ·{' '}
              {t('declarations.enterprise.validUntil', { date: a.validUntil.slice(0, 10) })}
            </li>
          ))}
        </ul>
        <h3>{t('declarations.enterprise.inspections')}</h3>
        {e.inspections.length === 0 ? <p className="muted">{t('declarations.enterprise.noInspections')}</p> : null}
        <ul className="dc-history">
          {e.inspections.map((x) => (
            <li key={x.id}>
              {formatTime(x.createdAt, i18n.language)} ·{' '}
              <strong>
                {t(x.passed ? 'declarations.enterprise.inspectionPassed' : 'declarations.enterprise.inspectionFailed')}
              </strong>
              {x.requireReassessment ? ` · ${t('declarations.enterprise.requireReassessment')}` : ''}
              <br />
              {x.findings}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
