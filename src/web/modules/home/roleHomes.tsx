/**
 * What each role finds first on its home page (issue 11, item 13): the work it can do now, growing as each module
 * arrives. A module with a home for a role of its own replaces that role's entry here. Roles without an entry
 * (tracers, health workers, venue managers, admins) start from the list of their screens below it.
 */
import type { ReactNode } from 'react';
import type { StaffRole, StaffUser } from '../../lib/api-types.ts';
import { QuarantineDue } from '../cases/QuarantinePage.tsx';
import { HealthTasksHome, ParkHome } from '../declarations/homes.tsx';
import { VaccinationHome } from '../vaccination/VaccinationHome.tsx';
import { LeaderToday } from './DashboardPage.tsx';
import { LabHome } from './LabHome.tsx';
import { RoleTasks } from './RoleTasks.tsx';

type RoleHome = (props: { user: StaffUser }) => ReactNode;

export const ROLE_HOMES: Partial<Record<StaffRole, RoleHome>> = {
  quarantine_officer: () => <QuarantineDue />,
  leader: ({ user }) => <LeaderToday user={user} />,
  lab: ({ user }) => <LabHome user={user} />,
  vaccinator: ({ user }) => <VaccinationHome user={user} />,
  doctor: ({ user }) => <VaccinationHome user={user} />,
  welfare_officer: ({ user }) => <RoleTasks user={user} staffRole="welfare_officer" paths={['/people']} />,
  hotline_operator: ({ user }) => <RoleTasks user={user} staffRole="hotline_operator" paths={['/people']} />,
  park_officer: () => <ParkHome />,
  health_worker: () => <HealthTasksHome />,
};

/** The user's role homes, once per role, in the order of their grants. */
export function roleHomesOf(user: StaffUser): Array<{ role: StaffRole; home: RoleHome }> {
  const roles = [...new Set(user.grants.map((g) => g.role as StaffRole))];
  return roles.flatMap((role) => {
    const home = ROLE_HOMES[role];
    return home ? [{ role, home }] : [];
  });
}
