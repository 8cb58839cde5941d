/**
 * Every staff screen by path, loaded as its own chunk the first time a staff member signs in: a citizen's phone
 * never downloads the tracer workspace, venue statistics or staff management.
 */
import type { StaffUser } from '../lib/api-types.ts';
import { CASE_DASHBOARD_ROLES, hasRole, PEOPLE_ROLES, PEOPLE_UPDATE_ROLES, STAFF_ADMIN_ROLES } from '../lib/roles.ts';
import { AuditPage } from './audit/AuditPage.tsx';
import { casesStaffPage } from './cases/staffRoutes.tsx';
import { checkinsStaffPage } from './checkins/staffRoutes.tsx';
import { declarationsStaffPage } from './declarations/staffRoutes.tsx';
import { OutboxPage } from './dev/OutboxPage.tsx';
import { exposureStaffPage } from './exposure/routes.tsx';
import { greenpassStaffPage } from './greenpass/routes.tsx';
import { DashboardPage } from './home/DashboardPage.tsx';
import { StaffHome } from './home/StaffHome.tsx';
import { NotFound } from './NotFound.tsx';
import { NATIONAL_ID_CLAIMS_PATH, NationalIdClaimsPage } from './people/NationalIdClaimsPage.tsx';
import { PeoplePage } from './people/PeoplePage.tsx';
import { PersonPage } from './people/PersonPage.tsx';
import { StaffPage } from './staff/StaffPage.tsx';
import { testingStaffPage } from './testing/staffRoutes.tsx';
import { vaccinationStaffPage } from './vaccination/staffRoutes.tsx';

// the first sign-in after a password reset: the sign-in page loads it from this chunk (see LoginPage.tsx)
export { default as SetPassword } from './auth/SetPassword.tsx';

export default function StaffPages({ user, path }: { user: StaffUser; path: string }) {
  const canPeople = hasRole(user, PEOPLE_ROLES);
  const isAdmin = hasRole(user, STAFF_ADMIN_ROLES);
  if (path === '/') return <StaffHome user={user} />;
  const casesPage = casesStaffPage(path, user);
  if (casesPage) return casesPage;
  const checkinsPage = checkinsStaffPage(path, user);
  if (checkinsPage) return checkinsPage;
  const testingPage = testingStaffPage(path, user);
  if (testingPage) return testingPage;
  const vaccinationPage = vaccinationStaffPage(path, user);
  if (vaccinationPage) return vaccinationPage;
  const exposurePage = exposureStaffPage(path, user);
  if (exposurePage) return exposurePage;
  const declarationsPage = declarationsStaffPage(path, user);
  if (declarationsPage) return declarationsPage;
  const greenpassPage = greenpassStaffPage(path);
  if (greenpassPage) return greenpassPage;
  if (path === '/people' && canPeople) return <PeoplePage />;
  if (path === NATIONAL_ID_CLAIMS_PATH && hasRole(user, PEOPLE_UPDATE_ROLES)) return <NationalIdClaimsPage />;
  const person = /^\/people\/([0-9a-f-]{36})$/i.exec(path);
  if (person?.[1] && canPeople) return <PersonPage key={person[1]} id={person[1]} />;
  if (path === '/staff' && isAdmin) return <StaffPage me={user} />;
  if (path === '/outbox' && isAdmin) return <OutboxPage />;
  if (path === '/audit' && isAdmin) return <AuditPage />;
  if (path === '/dashboard' && hasRole(user, CASE_DASHBOARD_ROLES)) return <DashboardPage user={user} />;
  return <NotFound />;
}
