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

/**
 * Staff who see the outbreak's figures and the chain graph (cases per day, F1 under quarantine; the graph names cases
 * by display code and contacts not at all): the tracer workspace and the read-only leaders.
 */
export const CASE_DASHBOARD_ROLES: StaffRole[] = ['tracer', 'health_worker', 'leader'];

/** Staff who follow the quarantine orders of their area: list them, change an end date, release or cancel one. */
export const QUARANTINE_ROLES: StaffRole[] = ['quarantine_officer', 'health_worker'];

/** A quarantine order's statuses: active until released (done) or cancelled (issued in error). */
export const QUARANTINE_STATUSES = ['active', 'released', 'cancelled'] as const;
export type QuarantineStatus = (typeof QUARANTINE_STATUSES)[number];

/** The staff roles allowed each case action (`policy.ts`); `admin` passes every check within its scope. */
export const caseActions = {
  'cases.create': CASE_ROLES,
  'cases.read': CASE_ROLES,
  'cases.update': CASE_ROLES,
  /** alert everyone present at a venue during a window */
  'cases.venueAlert': ['tracer'] as StaffRole[],
  /** the outbreak's figures and the chain graph, without names */
  'cases.dashboard': CASE_DASHBOARD_ROLES,
  /** the quarantine orders of people living in the area, with who they are */
  'cases.readQuarantine': QUARANTINE_ROLES,
  /** change an order's end date, release or cancel it */
  'cases.updateQuarantine': QUARANTINE_ROLES,
} as const;
