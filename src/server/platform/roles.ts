/**
 * The roles, as plain data. This file imports nothing: the web app imports it at run time (navigation, the staff
 * form), so it must stay free of server code. `access.ts` re-exports it.
 */

export const ROLES = [
  'citizen',
  'venue_manager',
  'health_worker',
  'lab',
  'vaccinator',
  'doctor',
  'tracer',
  'quarantine_officer',
  'welfare_officer',
  'hotline_operator',
  'park_officer',
  'leader',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];
/** Roles a staff grant may carry (citizens sign in by phone, not by grant). */
export const STAFF_ROLES = ROLES.filter((r) => r !== 'citizen') as Exclude<Role, 'citizen'>[];
export type StaffRole = Exclude<Role, 'citizen'>;
