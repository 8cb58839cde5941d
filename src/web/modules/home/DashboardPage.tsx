/**
 * The outbreak overview (issue 11, item 13): a leader's read-only dashboard, also open to the tracer workspace — cases
 * per day, F1 under quarantine, check-ins per day, venues without check-ins and the transmission chains, for an area,
 * without a single name. `LeaderToday` is its head, on the leader's home.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { SelectField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { query } from '../../lib/api.ts';
import type { CaseStats, GraphData, StaffUser, VenueStats } from '../../lib/api-types.ts';
import { CASE_DASHBOARD_ROLES, grantHasRole, hasRole, VENUE_STATS_ROLES } from '../../lib/roles.ts';
import { Link } from '../../lib/router.tsx';
import { useApiGet } from '../../lib/useApiGet.ts';
import './home.css';
import './texts.ts';

/** The area a dashboard opens on: the first area the user's figures cover (none for a national grant). */
function defaultUnit(user: StaffUser): PickedUnit | null {
  const grant = user.grants.find((g) => grantHasRole(g, CASE_DASHBOARD_ROLES));
  return grant?.unitCode ? { code: grant.unitCode, name: grant.unitName ?? grant.unitCode } : null;
}

/** "2026-12-04" as "04/12". */
function shortDay(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}`;
}

/** The figures of an area: cases (any area of the user's), check-ins and venues (one unit). */
function useFigures(user: StaffUser, unit: PickedUnit | null, days: number) {
  const cases = useApiGet<CaseStats>(`/cases/stats${query({ unitCode: unit?.code, days })}`);
  const venues = useApiGet<VenueStats>(
    unit && hasRole(user, VENUE_STATS_ROLES) ? `/venues/stats${query({ unitCode: unit.code, days })}` : null,
  );
  return { cases, venues };
}

function Figures({ cases, venues }: { cases?: CaseStats | undefined; venues?: VenueStats | undefined }) {
  const { t } = useTranslation();
  const figures: Array<[string, string, number | undefined]> = [
    ['open-cases', t('dashboard.openCases'), cases?.openCases],
    ['cases-today', t('dashboard.casesToday'), cases?.casesPerDay.at(-1)?.cases],
    ['under-quarantine', t('dashboard.underQuarantine'), cases?.underQuarantine],
    [
      'checkins-today',
      t('dashboard.checkinsToday'),
      venues ? (venues.checkinsPerDay.at(-1)?.checkins ?? 0) : undefined,
    ],
    ['inactive-venues', t('dashboard.inactiveVenues'), venues?.venuesWithoutCheckins24h],
  ];
  return (
    <div className="ck-figures dash-figures">
      {figures
        .filter(([, , value]) => value !== undefined)
        .map(([id, label, value]) => (
          <div className="card ck-figure" key={id}>
            <span className="ck-figure-value" data-testid={`figure-${id}`}>
              {value}
            </span>
            <span>{label}</span>
          </div>
        ))}
    </div>
  );
}

/** A per-day table with a bar beside each count. */
function PerDay({
  id,
  title,
  label,
  rows,
}: {
  id: string;
  title: string;
  label: string;
  rows: Array<[string, number]>;
}) {
  const { t } = useTranslation();
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <table className="ck-table">
        <thead>
          <tr>
            <th scope="col">{t('dashboard.day')}</th>
            <th scope="col">{label}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([day, n]) => (
            <tr key={day}>
              <td>{shortDay(day)}</td>
              <td>
                <span className="ck-bar" style={{ width: `${(n / max) * 100}%` }} aria-hidden="true" />
                {n}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The clusters of the chain graph in figures (the graph itself is a page of its own, with sigma in its chunk). */
function Chains({ unit }: { unit: PickedUnit | null }) {
  const { t } = useTranslation();
  const graph = useApiGet<GraphData>(`/cases/graph${query({ unitCode: unit?.code, limit: 2000 })}`);
  const clusters = useMemo(() => {
    const byCluster = new Map<number, { cases: number; contacts: number }>();
    for (const n of graph.data?.nodes ?? []) {
      const c = byCluster.get(n.cluster) ?? { cases: 0, contacts: 0 };
      if (n.kind === 'case') c.cases += 1;
      else c.contacts += 1;
      byCluster.set(n.cluster, c);
    }
    return [...byCluster.values()].sort((a, b) => b.cases - a.cases || b.contacts - a.contacts);
  }, [graph.data]);
  const cases = clusters.reduce((n, c) => n + c.cases, 0);
  const contacts = clusters.reduce((n, c) => n + c.contacts, 0);
  return (
    <section className="card" aria-labelledby="dashboard-chains">
      <h2 id="dashboard-chains">{t('dashboard.chainTitle')}</h2>
      <ErrorMessage error={graph.error} />
      {graph.loading && !graph.data ? <Loading /> : null}
      {graph.data ? (
        cases === 0 ? (
          <p className="muted">{t('dashboard.chainEmpty')}</p>
        ) : (
          <>
            <p data-testid="dashboard-chains">
              {t('dashboard.chainText', { clusters: clusters.length, cases, contacts })}
            </p>
            <table className="ck-table">
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.cluster')}</th>
                  <th scope="col">{t('dashboard.clusterCases')}</th>
                  <th scope="col">{t('dashboard.clusterContacts')}</th>
                </tr>
              </thead>
              <tbody>
                {clusters.slice(0, 5).map((c, i) => (
                  <tr key={i}>
                    <td>{i + 1}</td>
                    <td>{c.cases}</td>
                    <td>{c.contacts}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      ) : null}
      <p>
        <Link to="/cases-graph">{t('dashboard.chainLink')}</Link>
      </p>
    </section>
  );
}

export function DashboardPage({ user }: { user: StaffUser }) {
  const { t } = useTranslation();
  const [unit, setUnit] = useState<PickedUnit | null>(() => defaultUnit(user));
  const [days, setDays] = useState(14);
  const { cases, venues } = useFigures(user, unit, days);

  return (
    <div>
      <PageTitle>{t('dashboard.title')}</PageTitle>
      <p className="lead">{t('dashboard.intro')}</p>
      <div className="card">
        <UnitPicker label={t('dashboard.unit')} hint={t('dashboard.unitHint')} value={unit} onChange={setUnit} />
        <SelectField label={t('dashboard.days')} value={String(days)} onChange={(e) => setDays(Number(e.target.value))}>
          {[7, 14, 30].map((d) => (
            <option key={d} value={d}>
              {t('dashboard.lastDays', { count: d })}
            </option>
          ))}
        </SelectField>
      </div>
      <ErrorMessage error={cases.error ?? venues.error} />
      {cases.loading && !cases.data ? <Loading /> : null}
      <Figures cases={cases.data} venues={venues.data} />
      {cases.data ? (
        <PerDay
          id="dashboard-cases"
          title={t('dashboard.casesPerDay')}
          label={t('dashboard.cases')}
          rows={cases.data.casesPerDay.map((d) => [d.day, d.cases])}
        />
      ) : null}
      {!unit ? <p className="muted">{t('dashboard.venuesNeedUnit')}</p> : null}
      {venues.data ? (
        <>
          <PerDay
            id="dashboard-checkins"
            title={t('dashboard.checkinsPerDay')}
            label={t('dashboard.checkins')}
            rows={venues.data.checkinsPerDay.map((d) => [d.day, d.checkins])}
          />
          <section className="card" aria-labelledby="dashboard-inactive">
            <h2 id="dashboard-inactive">{t('dashboard.inactiveTitle')}</h2>
            <p>{t('dashboard.inactiveText', { count: venues.data.venuesWithoutCheckins24h })}</p>
            <p>
              <Link to="/venue-stats">{t('dashboard.inactiveLink')}</Link>
            </p>
          </section>
        </>
      ) : null}
      <Chains unit={unit} />
    </div>
  );
}

/** The leader's home: today's figures for their area (last 7 days) and the way to the whole overview. */
export function LeaderToday({ user }: { user: StaffUser }) {
  const { t } = useTranslation();
  const { cases, venues } = useFigures(user, defaultUnit(user), 7);
  return (
    <section className="card" aria-labelledby="home-leader" data-testid="role-home-leader">
      <h2 id="home-leader">{t('roleHome.leader.title')}</h2>
      <p>{t('roleHome.leader.intro')}</p>
      <ErrorMessage error={cases.error ?? venues.error} />
      {cases.loading && !cases.data ? <Loading /> : null}
      <Figures cases={cases.data} venues={venues.data} />
      <p>
        <Link to="/dashboard">{t('roleHome.leader.open')}</Link>
      </p>
    </section>
  );
}
