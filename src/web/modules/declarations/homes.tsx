/**
 * What the declarations module puts on staff homes: the commune health worker's follow-up tasks (open, overdue) with
 * the ways to work them; the industrial-park officer's enterprises at high risk or overdue; and, for everyone who
 * reads the declaration statistics (leaders first), a tile with the last 14 days at a glance.
 */
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './declarations.css';
import type { StaffUser } from '../../lib/api-types.ts';
import type { EnterpriseList, OrganisationList, StatsResponse, TaskList } from '../../lib/declarations-types.ts';
import { DECLARATION_STATS_ROLES, ORGANISATION_READ_ROLES } from '../../lib/declarations-values.ts';
import { formatNumber, formatPercent } from '../../lib/numbers.ts';
import { hasRole } from '../../lib/roles.ts';
import { Link } from '../../lib/router.tsx';
import { useApiGet } from '../../lib/useApiGet.ts';

/** The health worker's home: follow-up tasks of flagged declarations. */
export function HealthTasksHome() {
  const { t } = useTranslation();
  const { data } = useApiGet<TaskList>('/health-tasks?status=open');
  const open = data?.items.length ?? null;
  const overdue = data ? data.items.filter((x) => new Date(x.dueAt).getTime() < Date.now()).length : null;
  return (
    <section className="card" aria-labelledby="home-health_worker" data-testid="role-home-health_worker">
      <h2 id="home-health_worker">{t('declarations.home.health.title')}</h2>
      <p>
        {open === null
          ? t('declarations.home.health.intro')
          : t('declarations.home.health.counts', { open, overdue: overdue ?? 0 })}
      </p>
      <ul className="tool-list">
        <li>
          <Link className="tool-link" to="/health-tasks">
            {t('declarations.nav.tasks')}
          </Link>
        </li>
        <li>
          <Link className="tool-link" to="/declare-for">
            {t('declarations.nav.declareFor')}
          </Link>
        </li>
        <li>
          <Link className="tool-link" to="/enterprise-oversight">
            {t('declarations.nav.oversight')}
          </Link>
        </li>
        <li>
          <Link className="tool-link" to="/organisations">
            {t('declarations.nav.organisations')}
          </Link>
        </li>
      </ul>
    </section>
  );
}

/** The industrial-park officer's home: enterprises at high risk and overdue. */
export function ParkHome() {
  const { t } = useTranslation();
  const high = useApiGet<EnterpriseList>('/enterprises?filter=high_risk');
  const overdue = useApiGet<EnterpriseList>('/enterprises?filter=overdue');
  return (
    <section className="card" aria-labelledby="home-park_officer" data-testid="role-home-park_officer">
      <h2 id="home-park_officer">{t('declarations.home.park.title')}</h2>
      <p>
        {high.data && overdue.data
          ? t('declarations.home.park.counts', { high: high.data.items.length, overdue: overdue.data.items.length })
          : t('declarations.home.park.intro')}
      </p>
      <ul className="tool-list">
        <li>
          <Link className="tool-link" to="/enterprise-oversight">
            {t('declarations.nav.oversight')}
          </Link>
        </li>
      </ul>
    </section>
  );
}

/** The declarations tile (leaders' dashboard and everyone who reads the statistics): the last 14 days. */
export function DeclarationsTile({ user }: { user: StaffUser }) {
  const { t, i18n } = useTranslation();
  const allowed = hasRole(user, DECLARATION_STATS_ROLES);
  const { data } = useApiGet<StatsResponse>(allowed ? '/declaration-stats' : null);
  const orgs = useApiGet<OrganisationList>(
    allowed && hasRole(user, ORGANISATION_READ_ROLES) ? '/organisations?civilService=true' : null,
  );
  if (!allowed || !data) return null;
  const cs = orgs.data?.civilService;
  return (
    <section className="card" aria-labelledby="dc-tile" data-testid="declarations-tile">
      <h2 id="dc-tile">{t('declarations.tile.title')}</h2>
      <p>
        {t('declarations.tile.summary', {
          declarations: formatNumber(data.totals.declarations, i18n.language),
          flagged: formatNumber(data.totals.flagged, i18n.language),
          open: data.tasksOpenByAge.under1d + data.tasksOpenByAge.d1to3 + data.tasksOpenByAge.over3d,
          high: data.enterprises.highRisk,
        })}
      </p>
      {cs && cs.agencies > 0 ? (
        <p data-testid="civil-service-tile">
          {t('declarations.tile.civilServants', {
            share: formatPercent(cs.share, i18n.language),
            atTarget: cs.agenciesAtTarget,
            agencies: cs.agencies,
          })}{' '}
          <Link to="/organisations">{t('declarations.nav.organisations')}</Link>
        </p>
      ) : null}
      <Link to="/declaration-stats">{t('declarations.nav.stats')}</Link>
    </section>
  );
}
