/**
 * Which screens a staff member sees, from the role lists the server's policies are made of (plain data in the
 * modules' `constants.ts`): a role the server refuses never gets a link here, and a role it allows always does.
 */
import { peopleActions } from '../../server/modules/people/constants.ts';
import type { StaffRole, StaffUser } from './api-types.ts';

/** CASE_DASHBOARD_ROLES: the outbreak's figures and the chain graph; QUARANTINE_ROLES: the quarantine orders. */
export { CASE_DASHBOARD_ROLES, CASE_ROLES, QUARANTINE_ROLES } from '../../server/modules/cases/constants.ts';
/** Search and register people. */
export { PEOPLE_FIELD_ROLES as PEOPLE_ROLES } from '../../server/modules/people/constants.ts';
/** Correct a person's record, and verify the national ID a citizen gave by checking the ID card. */
export const PEOPLE_UPDATE_ROLES: readonly StaffRole[] = peopleActions['people.update'];
/** Staff accounts: admins only (the list is empty). */
export { STAFF_ADMIN_ROLES } from '../../server/modules/staff/constants.ts';
/** VENUE_STAFF_ROLES: register venues and check people in at their door. */
export {
  VENUE_DOOR_ROLES as VENUE_STAFF_ROLES,
  VENUE_STATS_ROLES,
  VENUE_VERIFY_ROLES,
} from '../../server/modules/venues/constants.ts';

/** Whether this grant's role is one of `roles`; `admin` always counts, as on the server. */
export function grantHasRole(grant: { role: string }, roles: readonly StaffRole[]): boolean {
  return grant.role === 'admin' || (roles as readonly string[]).includes(grant.role);
}

/**
 * The one unit within which the staff user holds one of `roles` — what a list's unit filter may offer — or undefined
 * when that is not one unit (a grant without a unit, or grants in several places): the server keeps to the area
 * either way, this only spares the user choices it would refuse.
 */
export function areaOf(user: StaffUser, roles: readonly StaffRole[]): string | undefined {
  const units = new Set(user.grants.filter((g) => grantHasRole(g, roles)).map((g) => g.unitCode));
  const [only] = units;
  return units.size === 1 && only ? only : undefined;
}

/** Whether the staff user holds one of `roles` anywhere; `admin` always counts, as on the server. */
export function hasRole(user: StaffUser, roles: readonly StaffRole[]): boolean {
  return user.grants.some((g) => grantHasRole(g, roles));
}
