/**
 * The declarations module's plain data: form types, question kinds, triage reasons, task statuses, risk levels and
 * the staff roles each action needs. It imports nothing but types, so the web app imports it at run time.
 */
import type { StaffRole } from '../../platform/roles.ts';

/** `domestic`: the daily declaration of residents; `entry`: travellers declaring on entry to the province. */
export const DECLARATION_TYPES = ['domestic', 'entry'] as const;
export type DeclarationType = (typeof DECLARATION_TYPES)[number];

/**
 * Question kinds (the integration contract's list: nothing else is served); `unit` answers an administrative-unit
 * code. How someone travelled is a `choice` (TRANSPORT_MODES) and `text` questions shown for the modes they apply to.
 */
export const QUESTION_KINDS = ['boolean', 'choice', 'multi', 'date', 'text', 'number', 'unit'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** The ways of travelling the default entry form offers (its `transport` choice). */
export const TRANSPORT_MODES = ['car', 'motorbike', 'coach', 'train', 'flight'] as const;
export type TransportMode = (typeof TRANSPORT_MODES)[number];

export const DECLARATION_STATUSES = ['ok', 'flagged'] as const;

/**
 * Why a declaration is flagged: a symptom, an exposure (contact with F0 / a suspected case, a listed outbreak area,
 * from abroad), entry from a listed area, or an open case / quarantine order of the person (whatever they answered).
 */
export const FLAG_REASONS = ['symptom', 'exposure', 'entry_area', 'case_or_quarantine'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

/** A follow-up task of the commune health station: new → called → tested → closed (forward only). */
export const HEALTH_TASK_STATUSES = ['new', 'called', 'tested', 'closed'] as const;
export type HealthTaskStatus = (typeof HEALTH_TASK_STATUSES)[number];

/** The badge at the door: declared today and ok (green), declared and flagged (yellow), not declared (grey). */
export const BADGE_COLOURS = ['green', 'yellow', 'grey'] as const;

export const ENTERPRISE_LEVELS = ['very_low', 'low', 'medium', 'high', 'very_high'] as const;
export type EnterpriseLevel = (typeof ENTERPRISE_LEVELS)[number];

/** Staff who declare for anyone in their area (the commune health station, the hotline). */
export const DECLARE_FOR_ROLES: StaffRole[] = ['health_worker', 'hotline_operator'];
/** Staff who work the follow-up tasks of flagged declarations. */
export const HEALTH_TASK_ROLES: StaffRole[] = ['health_worker'];
/** Staff who read the declaration statistics. */
export const DECLARATION_STATS_ROLES: StaffRole[] = ['health_worker', 'tracer', 'leader'];
/**
 * Staff who oversee enterprises (register them, see high-risk and overdue ones, inspect, require re-assessment): the
 * commune/district health staff, leaders, and the industrial-park board's officers (`park_officer`, a grant over the
 * park's district or commune).
 */
export const ENTERPRISE_OVERSIGHT_ROLES: StaffRole[] = ['health_worker', 'leader', 'park_officer'];

/**
 * Organisations whose members' daily declarations are counted: a public agency (its members are civil servants, who
 * must reach 100 %) or an enterprise registered in this module.
 */
export const ORGANISATION_KINDS = ['agency', 'enterprise'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];
/** The share of civil servants who must declare every day. */
export const CIVIL_SERVICE_TARGET = 1;
/** Staff who register public agencies and keep their member lists: the commune and district health staff, leaders. */
export const AGENCY_MANAGER_ROLES: StaffRole[] = ['health_worker', 'leader'];
/** Staff who read organisations' declaration figures (and the list of members not declared today). */
export const ORGANISATION_READ_ROLES: StaffRole[] = [...DECLARATION_STATS_ROLES, 'park_officer'];

/**
 * Look-ups that matched no one (a national ID or phone with a name not theirs, or not on record) one citizen account
 * — an enterprise's owner adding workers — may make in 24 hours; past it, 429 RATE_LIMITED before anything is looked
 * up. Each look-up tells whether a name goes with a number: unbounded, a member list would tell anyone who registers
 * an enterprise the name behind any phone or national ID. Counted in the database (all API processes together).
 */
export const MEMBER_LOOKUP_MISSES_PER_DAY = 100;
/** Requests a minute one account may send to add members one at a time, and to import a member file. */
export const MEMBER_ADDS_PER_MINUTE = 60;
export const MEMBER_IMPORTS_PER_MINUTE = 10;

/** The staff roles allowed each action (`policy.ts`); `admin` passes every check within its scope. */
export const declarationActions = {
  /** declare for someone (staff: anyone in scope; a citizen: themself or a dependant) */
  'declarations.create': DECLARE_FOR_ROLES,
  /** a person's declarations and today's badge */
  'declarations.read': [...DECLARE_FOR_ROLES, 'tracer'] as StaffRole[],
  'declarations.tasks': HEALTH_TASK_ROLES,
  'declarations.stats': DECLARATION_STATS_ROLES,
  /** publish forms and criteria, issue partner keys: admins only */
  'declarations.configure': [] as StaffRole[],
  'enterprises.create': ENTERPRISE_OVERSIGHT_ROLES,
  'enterprises.read': ENTERPRISE_OVERSIGHT_ROLES,
  'enterprises.assess': ENTERPRISE_OVERSIGHT_ROLES,
  'enterprises.inspect': ENTERPRISE_OVERSIGHT_ROLES,
  /** register an agency, keep its member list */
  'organisations.agencies': AGENCY_MANAGER_ROLES,
  /** keep an enterprise's member list (its owner too: a citizen rule) */
  'organisations.enterprises': ENTERPRISE_OVERSIGHT_ROLES,
  /** an organisation's figures and who has not declared today */
  'organisations.read': ORGANISATION_READ_ROLES,
} as const;
