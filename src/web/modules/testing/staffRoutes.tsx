/**
 * The testing screens for staff by path, in the staff chunk; each page is a chunk of its own (the label printer's
 * barcode encoder included).
 */
import { lazy, type ReactNode, Suspense } from 'react';
import { Loading } from '../../components/Loading.tsx';
import type { StaffUser } from '../../lib/api-types.ts';
import { hasRole } from '../../lib/roles.ts';
import { COLLECT_ROLES, LAB_ROLES, TESTING_STATS_ROLES } from '../../lib/testing-values.ts';

const CollectPage = lazy(() => import('./CollectPage.tsx').then((m) => ({ default: m.CollectPage })));
const LabelsPage = lazy(() => import('./LabelsPage.tsx'));
const LabPage = lazy(() => import('./LabPage.tsx'));
const OverviewPage = lazy(() => import('./OverviewPage.tsx'));
const CampaignPage = lazy(() => import('./CampaignPage.tsx'));
const AdminPage = lazy(() => import('./AdminPage.tsx'));
const CAMPAIGN = /^\/testing\/campaigns\/([0-9a-f-]{36})$/i;

const chunk = (page: ReactNode) => <Suspense fallback={<Loading />}>{page}</Suspense>;

export function testingStaffPage(path: string, user: StaffUser): ReactNode | null {
  if (path === '/testing/collect' && hasRole(user, COLLECT_ROLES)) return chunk(<CollectPage />);
  if (path === '/testing/labels' && hasRole(user, [...COLLECT_ROLES, ...LAB_ROLES])) return chunk(<LabelsPage />);
  if (path === '/lab' && hasRole(user, LAB_ROLES)) return chunk(<LabPage />);
  // labs, their keys and the settings are the admins' (the server's role list for them is empty: admin only)
  if (path === '/testing/admin' && user.grants.some((g) => g.role === 'admin')) return chunk(<AdminPage />);
  if (path === '/testing' && hasRole(user, TESTING_STATS_ROLES)) return chunk(<OverviewPage user={user} />);
  const campaign = CAMPAIGN.exec(path);
  if (campaign?.[1] && hasRole(user, TESTING_STATS_ROLES)) {
    return chunk(<CampaignPage key={campaign[1]} id={campaign[1]} canPlan={hasRole(user, COLLECT_ROLES)} />);
  }
  return null;
}
