/**
 * The staff module's plain data: the roles each action needs. It imports nothing but types, so the web app imports
 * it at run time (navigation) without pulling in server code; `policy.ts` uses and re-exports it.
 */
import type { StaffRole } from '../../platform/roles.ts';

/** No role but `admin` (which passes every check within its scope) manages staff. */
export const staffActions = {
  'staff.manage': [] as StaffRole[],
  'staff.list': [] as StaffRole[],
} as const;
