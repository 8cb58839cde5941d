/** The vaccination screens for staff by path, in the staff chunk; each page is a chunk of its own. */
import { lazy, type ReactNode, Suspense } from 'react';
import { Loading } from '../../components/Loading.tsx';
import type { StaffUser } from '../../lib/api-types.ts';
import { hasRole } from '../../lib/roles.ts';
import {
  PLANNER_ROLES,
  REVIEWER_ROLES,
  VACCINATION_STATS_ROLES,
  VACCINATOR_ROLES,
} from '../../lib/vaccination-values.ts';

const SitePage = lazy(() => import('./SitePage.tsx'));
const PlanningPage = lazy(() => import('./PlanningPage.tsx'));
const ReviewPage = lazy(() => import('./ReviewPage.tsx'));
const StatsPage = lazy(() => import('./StatsPage.tsx'));

const chunk = (page: ReactNode) => <Suspense fallback={<Loading />}>{page}</Suspense>;

export function vaccinationStaffPage(path: string, user: StaffUser): ReactNode | null {
  if (path === '/vaccination/site' && hasRole(user, VACCINATOR_ROLES)) return chunk(<SitePage user={user} />);
  if (path === '/vaccination/planning' && hasRole(user, [...PLANNER_ROLES, ...VACCINATOR_ROLES])) {
    return chunk(<PlanningPage />);
  }
  if (path === '/vaccination/corrections' && hasRole(user, REVIEWER_ROLES)) return chunk(<ReviewPage />);
  if (path === '/vaccination/stats' && hasRole(user, VACCINATION_STATS_ROLES)) return chunk(<StatsPage />);
  return null;
}
