/**
 * The cases module's plain data: the value lists of cases and contacts and the staff roles each action needs. It
 * imports nothing but types, so the web app imports it at run time (filters, selects, navigation) without pulling
 * in server code; `schemas.ts` and `policy.ts` use and re-export it.
 */
import type { StaffRole } from '../../platform/roles.ts';

export const CASE_STATUSES = [
  'suspected',
  'confirmed',
  'isolating',
  'treated_home',
  'treated_field_hospital',
  'treated_hospital',
  'recovered',
  'died',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const FOLLOW_UPS = ['identified', 'notified', 'reached', 'tested', 'quarantined', 'released'] as const;
export type FollowUp = (typeof FOLLOW_UPS)[number];
/** Follow-up statuses a tracer sets (`identified` is where every contact starts). */
export const SETTABLE_FOLLOW_UPS = ['notified', 'reached', 'tested', 'quarantined', 'released'] as const;

/** How a contact was found. */
export const VIA_TYPES = ['venue', 'household', 'manual', 'ble'] as const;

/** A contact's standing: confirmed (acted on), pending (weak evidence, "to confirm"), dismissed (found false). */
export const CONFIRMATIONS = ['confirmed', 'pending', 'dismissed'] as const;

/** Staff who open, read and update cases and follow their contacts up (the tracer workspace). */
export const CASE_ROLES: StaffRole[] = ['tracer', 'health_worker'];

/** The staff roles allowed each case action (`policy.ts`); `admin` passes every check within its scope. */
export const caseActions = {
  'cases.create': CASE_ROLES,
  'cases.read': CASE_ROLES,
  'cases.update': CASE_ROLES,
  /** alert everyone present at a venue during a window */
  'cases.venueAlert': ['tracer'] as StaffRole[],
} as const;
