/** The cases module's staff pages (tracer workspace), in the staff chunk: a citizen never downloads them. */
import { lazy, type ReactNode, Suspense } from 'react';
import { Loading } from '../../components/Loading.tsx';
import type { StaffUser } from '../../lib/api-types.ts';
import { CASE_DASHBOARD_ROLES, CASE_ROLES, hasRole, QUARANTINE_ROLES } from '../../lib/roles.ts';
import { CaseListPage } from './CaseListPage.tsx';
import { CasePage } from './CasePage.tsx';
import { ContactTasksPage } from './ContactTasksPage.tsx';
import { CreateCasePage } from './CreateCasePage.tsx';
import { PrintContactsPage } from './PrintContactsPage.tsx';
import QuarantinePage from './QuarantinePage.tsx';

// sigma + graphology live in their own chunk, loaded only when a tracer opens the graph
const GraphPage = lazy(() => import('./GraphPage.tsx'));

/** The staff page for `path`, or null when it is not one of this module's (or the user may not see it). */
export function casesStaffPage(path: string, user: StaffUser): ReactNode | null {
  // quarantine officers and leaders have a page here without the case workspace
  if (path === '/quarantine') return hasRole(user, QUARANTINE_ROLES) ? <QuarantinePage /> : null;
  if (path === '/cases-graph' && hasRole(user, CASE_DASHBOARD_ROLES))
    return (
      <Suspense fallback={<Loading />}>
        <GraphPage workspace={hasRole(user, CASE_ROLES)} />
      </Suspense>
    );
  if (!hasRole(user, CASE_ROLES)) return null;
  if (path === '/cases') return <CaseListPage />;
  if (path === '/cases/new') return <CreateCasePage />;
  if (path === '/contact-tasks') return <ContactTasksPage />;
  const match = /^\/cases\/([0-9a-f-]{36})$/i.exec(path);
  if (match?.[1]) return <CasePage key={match[1]} id={match[1]} user={user} />;
  const print = /^\/cases\/([0-9a-f-]{36})\/contacts\/print$/i.exec(path);
  if (print?.[1]) {
    const degree = new URLSearchParams(window.location.search).get('degree');
    return <PrintContactsPage key={print[1]} id={print[1]} degree={degree === '1' || degree === '2' ? degree : ''} />;
  }
  return null;
}
