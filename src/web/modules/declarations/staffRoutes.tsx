/** The declaration screens for staff by path, in the staff chunk; each page is a chunk of its own. */
import { lazy, type ReactNode, Suspense } from 'react';
import { Loading } from '../../components/Loading.tsx';
import type { StaffUser } from '../../lib/api-types.ts';
import {
  AGENCY_MANAGER_ROLES,
  DECLARATION_STATS_ROLES,
  DECLARE_FOR_ROLES,
  ENTERPRISE_OVERSIGHT_ROLES,
  HEALTH_TASK_ROLES,
  ORGANISATION_READ_ROLES,
} from '../../lib/declarations-values.ts';
import { hasRole } from '../../lib/roles.ts';

const TasksPage = lazy(() => import('./TasksPage.tsx'));
const StaffDeclarePage = lazy(() => import('./StaffDeclarePage.tsx'));
const StatsPage = lazy(() => import('./StatsPage.tsx'));
const AdminPage = lazy(() => import('./AdminPage.tsx'));
const EnterprisesPage = lazy(() => import('./EnterprisesPage.tsx'));
const EnterprisePage = lazy(() => import('./EnterprisePage.tsx'));
const OrganisationsPage = lazy(() => import('./OrganisationsPage.tsx'));
const OrganisationPage = lazy(() => import('./OrganisationPage.tsx'));
const ENTERPRISE = /^\/enterprises\/([0-9a-f-]{36})$/i;
const ORGANISATION = /^\/organisations\/([0-9a-f-]{36})$/i;

const chunk = (page: ReactNode) => <Suspense fallback={<Loading />}>{page}</Suspense>;

export function declarationsStaffPage(path: string, user: StaffUser): ReactNode | null {
  if (path === '/health-tasks' && hasRole(user, HEALTH_TASK_ROLES)) return chunk(<TasksPage />);
  if (path === '/declare-for' && hasRole(user, DECLARE_FOR_ROLES)) return chunk(<StaffDeclarePage />);
  if (path === '/declaration-stats' && hasRole(user, DECLARATION_STATS_ROLES)) return chunk(<StatsPage />);
  // forms and partner keys are the admins' (the server's role list for them is empty: admin only)
  if (path === '/declaration-admin' && user.grants.some((g) => g.role === 'admin')) return chunk(<AdminPage />);
  if (path === '/enterprise-oversight' && hasRole(user, ENTERPRISE_OVERSIGHT_ROLES))
    return chunk(<EnterprisesPage staff />);
  const one = ENTERPRISE.exec(path);
  if (one?.[1] && hasRole(user, ENTERPRISE_OVERSIGHT_ROLES))
    return chunk(<EnterprisePage key={one[1]} id={one[1]} staff />);
  if (hasRole(user, ORGANISATION_READ_ROLES)) {
    const manages = [
      ...(hasRole(user, AGENCY_MANAGER_ROLES) ? (['agency'] as const) : []),
      ...(hasRole(user, ENTERPRISE_OVERSIGHT_ROLES) ? (['enterprise'] as const) : []),
    ];
    if (path === '/organisations')
      return chunk(<OrganisationsPage canCreateAgency={hasRole(user, AGENCY_MANAGER_ROLES)} />);
    const org = ORGANISATION.exec(path);
    if (org?.[1]) return chunk(<OrganisationPage key={org[1]} id={org[1]} manages={manages} />);
  }
  return null;
}
