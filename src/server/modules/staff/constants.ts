/**
 * The staff module's plain data: the roles each action needs. It imports nothing but types, so the web app imports
 * it at run time (navigation) without pulling in server code; `policy.ts` uses and re-exports it.
 */
import type { StaffRole } from '../../platform/roles.ts';

/** No role but `admin` (which passes every check within its scope) manages staff. */
export const STAFF_ADMIN_ROLES: StaffRole[] = [];

export const staffActions = {
  'staff.manage': STAFF_ADMIN_ROLES,
  'staff.list': STAFF_ADMIN_ROLES,
} as const;
