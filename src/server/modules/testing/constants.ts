/**
 * The testing module's plain data: value lists of tubes, results and tasks, and the staff roles each action needs.
 * It imports nothing but types, so the web app imports it at run time (selects, navigation) without server code;
 * `schemas.ts` and `policy.ts` use and re-export it.
 */
import type { StaffRole } from '../../platform/roles.ts';

/** Tube kinds: individual RT-PCR, pooled RT-PCR (2..pool maximum people), rapid antigen (individual). */
export const SAMPLE_KINDS = ['rt-pcr', 'rt-pcr-pool', 'antigen'] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

export const RESULTS = ['positive', 'negative', 'invalid'] as const;
export type ResultValue = (typeof RESULTS)[number];

/** A tube's way: collected → shipped → received (or rejected by the lab) → resulted. */
export const SAMPLE_STATUSES = ['collected', 'shipped', 'received', 'rejected', 'resulted'] as const;

/** A person's standing in a tube; `retest` after a positive pool (test them individually). */
export const MEMBER_STATUSES = ['pending', 'negative', 'positive', 'retest', 'invalid', 'rejected'] as const;

/** Why a lab refuses a tube at intake. */
export const REJECT_REASONS = ['leaked', 'unlabelled', 'too_old', 'insufficient', 'other'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Why someone is to be tested: a positive pool, a tube to collect again, an F1's quarantine test day. */
export const TASK_REASONS = ['pool_positive', 'invalid_result', 'rejected_sample', 'quarantine'] as const;

/** Default pool maximum (people per pooled tube); the settings change it, a campaign may lower it. */
export const DEFAULT_POOL_MAX = 10;
/** The largest pool any setting may allow. */
export const POOL_MAX_LIMIT = 50;
/** Barcodes reserved in one request (a sheet of pre-printed labels). */
export const MAX_BARCODES = 500;
/** Tubes packed into one shipment. */
export const MAX_SHIPMENT = 2000;
/** Refused lines a results import lists (the first ones, by line; `rejectedCount` counts them all). */
export const IMPORT_REJECTED_LISTED = 1000;

// The role lists are named one by one so the web app takes only those it shows.
/** Staff who collect samples at test points, pack shipments and follow re-test tasks. */
export const COLLECT_ROLES: StaffRole[] = ['health_worker'];
/** Staff of a laboratory: intake, results, imports (for the labs in their area). */
export const LAB_ROLES: StaffRole[] = ['lab'];
/** Staff who plan campaigns (targets, test points). */
export const CAMPAIGN_ROLES: StaffRole[] = ['health_worker'];
/** Staff who see testing statistics (and the leader's tile). */
export const TESTING_STATS_ROLES: StaffRole[] = ['health_worker', 'tracer', 'lab', 'leader'];

/** The staff roles allowed each testing action (`policy.ts`); `admin` passes every check within its scope. */
export const testingActions = {
  /** collect a tube at a place (the tube's unit) */
  'samples.collect': COLLECT_ROLES,
  /** read a tube and who is in it */
  'samples.read': ['health_worker', 'tracer', 'lab'] as StaffRole[],
  /** pack tubes into a shipment to a lab */
  'samples.ship': COLLECT_ROLES,
  /** register labs and their API keys: admins only */
  'labs.manage': [] as StaffRole[],
  /** a lab's work: intake, results, imports, corrections (the lab's unit) */
  'labs.work': LAB_ROLES,
  'campaigns.manage': CAMPAIGN_ROLES,
  'campaigns.read': ['health_worker', 'tracer', 'lab', 'leader'] as StaffRole[],
  'testing.stats': TESTING_STATS_ROLES,
  /** people to test again (their commune) */
  'tasks.read': ['health_worker', 'tracer'] as StaffRole[],
  /** the pool maximum, antigen rule and F1 test days: admins only */
  'testing.settings': [] as StaffRole[],
} as const;
