/**
 * The people module's plain data: sexes, dependants' relations and the staff roles each action needs. It imports
 * nothing but types, so the web app imports it at run time (its forms and navigation) without pulling in server
 * code; `schemas.ts` and `policy.ts` use and re-export it.
 */
import type { StaffRole } from '../../platform/roles.ts';

export const SEXES = ['male', 'female', 'other'] as const;
export type Sex = (typeof SEXES)[number];

/** How a dependant is related to the citizen who manages them. */
export const RELATIONS = ['child', 'parent', 'grandparent', 'spouse', 'sibling', 'other'] as const;
export type Relation = (typeof RELATIONS)[number];

/** Staff who find, read and register people in the field; `leader` and `venue_manager` never read person records. */
export const PEOPLE_FIELD_ROLES: StaffRole[] = [
  'health_worker',
  'tracer',
  'lab',
  'vaccinator',
  'doctor',
  'quarantine_officer',
  'welfare_officer',
  'hotline_operator',
];

/** The staff roles allowed each people action (`policy.ts`); `admin` passes every check within its scope. */
export const peopleActions = {
  'people.read': PEOPLE_FIELD_ROLES,
  'people.create': PEOPLE_FIELD_ROLES,
  'people.update': ['health_worker', 'tracer'] as StaffRole[],
  'households.manage': ['health_worker', 'welfare_officer'] as StaffRole[],
} as const;
