/**
 * The exposure module's plain data: the rules of the key server (GAEN's upload rules, our lifetimes and limits) and
 * the staff roles each action needs. It imports nothing but types, so the web app imports it at run time.
 */
import type { StaffRole } from '../../platform/roles.ts';

/** The region our exports carry (ISO 3166-1 alpha-2). */
export const EN_REGION = 'VN';
/** What clients check export signatures against: `verification_key_id` (Việt Nam's mobile country code) and version. */
export const EN_VERIFICATION_KEY_ID = '452';
export const EN_VERIFICATION_KEY_VERSION = 'v1';

/** GAEN upload rules: keys are 16 bytes, valid 1–144 intervals, at most 30 per upload, from the last 14 days. */
export const EN_MAX_KEYS_PER_UPLOAD = 30;
export const EN_MAX_ROLLING_PERIOD = 144;
export const EN_RETENTION_DAYS = 14;
export const EN_MAX_TRANSMISSION_RISK = 8;
/** Report types a phone may upload (CONFIRMED_TEST, CONFIRMED_CLINICAL_DIAGNOSIS, SELF_REPORT). */
export const EN_UPLOAD_REPORT_TYPES = [1, 2, 3] as const;
export const EN_MAX_DAYS_SINCE_ONSET = 14;
/** Transmission risk stored for a key uploaded without one (the middle of 0–8). */
export const EN_DEFAULT_TRANSMISSION_RISK = 4;

/**
 * A verification code: 8 digits, used once, valid one hour — a short code's lifetime (the GAEN reference
 * verification server keeps 6–10-digit codes under an hour): the fewer codes alive, the less a guess can hit.
 */
export const EN_CODE_DIGITS = 8;
export const EN_CODE_TTL_MINUTES = 60;
/**
 * At most this many codes waiting to be used (issued, not verified, not expired) at once: the number the global
 * limit on failed verifications is sized for (README, "Guessing codes"). 2,000 codes issued within one hour and not
 * yet used is several times Việt Nam's national peak of confirmed cases (about 15,000 a day in 2021).
 */
export const EN_MAX_LIVE_CODES = 2000;
/**
 * Failed verifications (wrong, used or expired codes) by all callers together, counted in the database: after this
 * many in the window, verify answers 429 to everyone until the window has passed.
 */
export const EN_FAILED_VERIFY_LIMIT = 20;
export const EN_FAILED_VERIFY_WINDOW_MINUTES = 10;
/** An upload token, from the moment its code is verified. */
export const EN_TOKEN_TTL_MINUTES = 60;
/** Requests per IP per minute on verify and upload; attempts per upload token per hour. */
export const EN_RATE_LIMIT_PER_MINUTE = 30;
export const EN_ATTEMPTS_PER_TOKEN = 20;
/** Match reports per citizen account per hour (a phone checks the exports about once a day). */
export const EN_MATCH_REPORTS_PER_HOUR = 10;

/** Keys are published 2 hours after the end of their validity at the earliest (the key server guide's rule). */
export const EN_EMBARGO_INTERVALS = 12;
/** A batch carries at least this many keys: random ones make up the rest, so a batch's size tells nothing. */
export const EN_MIN_BATCH_KEYS = 100;

/** The staff roles allowed each exposure action (`policy.ts`); `admin` passes every check within its scope. */
export const exposureActions = {
  /** issue a verification code for a confirmed case */
  'exposure.issueCode': ['tracer', 'health_worker'] as StaffRole[],
  /** see the Bluetooth contacts citizens reported for a case */
  'exposure.readReports': ['tracer', 'health_worker'] as StaffRole[],
  /** publish a batch now */
  'exposure.publish': [] as StaffRole[],
} as const;
