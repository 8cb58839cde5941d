/**
 * The vaccination module's plain data: statuses, severities, correction fields and decision reasons, age bands and
 * the staff roles each action needs. It imports nothing but types, so the web app imports it at run time.
 */
import type { StaffRole } from '../../platform/roles.ts';

/** The rule violations a dose is refused for (422), in the order they are checked. */
export const DOSE_RULE_CODES = [
  'VACCINATION_DOSE_NUMBER_INVALID',
  'VACCINATION_INTERVAL_TOO_SHORT',
  'VACCINATION_MIX_NOT_ALLOWED',
  'VACCINATION_AGE_NOT_ALLOWED',
  'VACCINATION_SCREENING_NOT_PASSED',
] as const;
export type DoseRuleCode = (typeof DOSE_RULE_CODES)[number];
/** What a doctor may override with a reason (never the dose number, the lot, its site or its expiry: facts). */
export const OVERRIDABLE_RULES: readonly DoseRuleCode[] = [
  'VACCINATION_INTERVAL_TOO_SHORT',
  'VACCINATION_MIX_NOT_ALLOWED',
  'VACCINATION_AGE_NOT_ALLOWED',
  'VACCINATION_SCREENING_NOT_PASSED',
];

export const SCREENING_OUTCOMES = ['proceed', 'defer', 'refer'] as const;
export type ScreeningOutcome = (typeof SCREENING_OUTCOMES)[number];

export const AEFI_SEVERITIES = ['mild', 'moderate', 'serious'] as const;
export type AefiSeverity = (typeof AEFI_SEVERITIES)[number];
export const AEFI_SYMPTOMS = [
  'pain_swelling',
  'fever',
  'headache',
  'fatigue',
  'nausea',
  'rash',
  'dizziness',
  'breathing_difficulty',
  'anaphylaxis',
  'chest_pain',
  'seizure',
  'other',
] as const;

export const REGISTRATION_STATUSES = ['waiting', 'invited', 'done', 'cancelled'] as const;
export const DOSE_STATUSES = ['valid', 'pending', 'rejected', 'voided'] as const;
export type DoseStatus = (typeof DOSE_STATUSES)[number];

export const CORRECTION_FIELDS = ['product', 'lot', 'givenAt', 'doseNumber', 'siteId'] as const;
export type CorrectionField = (typeof CORRECTION_FIELDS)[number];
export const CORRECTION_STATUSES = ['pending', 'approved', 'rejected'] as const;
/** Why a correction (or a declared dose) is approved; `other` keeps the reviewer's words beside it. */
export const APPROVE_REASONS = ['card_matches', 'site_register_matches', 'certificate_verified', 'other'] as const;
/** Why it is rejected. */
export const REJECT_REASONS = [
  'evidence_unreadable',
  'evidence_does_not_match',
  'record_already_correct',
  'duplicate_request',
  'not_verifiable',
  'other',
] as const;
/** Why a dose is voided. */
export const VOID_REASONS = ['entered_in_error', 'duplicate_record', 'wrong_person'] as const;

/** Photos of a paper card / a certificate: the types accepted and the largest size (bytes). */
export const EVIDENCE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const EVIDENCE_MAX_BYTES = 2 * 1024 * 1024;

/** Age bands of the coverage statistics (age in years at the dose). */
export const AGE_BANDS = ['0-17', '18-49', '50-64', '65+', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** Minutes a vaccinated person is watched after the dose. */
export const OBSERVATION_MINUTES = 30;

/** Staff who record doses and screenings at a site and report AEFIs. */
export const VACCINATOR_ROLES: StaffRole[] = ['vaccinator', 'doctor'];
/** Staff who register people and plan (sites, lots, sessions, invitations) for their area. */
export const PLANNER_ROLES: StaffRole[] = ['health_worker'];
/** Staff who decide corrections and declared doses (district staff of the site's district). */
export const REVIEWER_ROLES: StaffRole[] = ['health_worker', 'doctor'];
/** Staff who read the statistics. */
export const STATS_ROLES: StaffRole[] = ['health_worker', 'leader', 'vaccinator', 'doctor'];

/** The staff roles allowed each action (`policy.ts`); `admin` passes every check within its scope. */
export const vaccinationActions = {
  /** register someone (a citizen: themself or a dependant) */
  'vaccination.register': [...PLANNER_ROLES, ...VACCINATOR_ROLES, 'hotline_operator'] as StaffRole[],
  /** read a person's vaccination record (a citizen: their own and their dependants') */
  'vaccination.read': [...PLANNER_ROLES, ...VACCINATOR_ROLES] as StaffRole[],
  'vaccination.record': VACCINATOR_ROLES,
  /** override a rule with a reason */
  'vaccination.override': ['doctor'] as StaffRole[],
  'vaccination.void': ['doctor'] as StaffRole[],
  'vaccination.plan': [...PLANNER_ROLES, ...VACCINATOR_ROLES] as StaffRole[],
  'vaccination.review': REVIEWER_ROLES,
  /** request a correction / declare a dose given elsewhere: citizens only (for themself or a dependant) */
  'vaccination.request': [] as StaffRole[],
  'vaccination.stats': STATS_ROLES,
  /** products, priority groups, CDC contacts: admins only */
  'vaccination.configure': [] as StaffRole[],
} as const;
