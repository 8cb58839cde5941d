/**
 * The one typed configuration of the service. Nothing else reads `process.env`.
 * `loadConfig` validates every variable and reports all invalid ones at once, so a misconfigured
 * deployment fails at boot with one clear message instead of at the first request.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';

export type NotifyMode = 'fake' | 'webhook';
export type TrustProxy = false | number | string[];
export type Environment = 'development' | 'test' | 'production';

export interface Config {
  env: Environment;
  port: number;
  host: string;
  /** `postgres://…` for a PostgreSQL server; undefined means embedded PGlite under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  adminPassword: string | undefined;
  notify: NotifyMode;
  /** Used by the `webhook` notify adapter: every message is POSTed there as JSON. */
  notifyWebhookUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Which reverse proxies' `X-Forwarded-For` to believe for the client address (rate limits key on it): false = none,
   * a number = that many hops in front of the server, a list = proxies at these addresses or CIDR ranges.
   */
  trustProxy: TrustProxy;
  bodyLimitBytes: number;
  /** Largest lab results file (CSV) accepted (413 above). */
  labImportMaxBytes: number;
  /** Largest request carrying a photo (a vaccination card: corrections, doses given elsewhere) (413 above). */
  photoBodyLimitBytes: number;
  staffSessionHours: number;
  citizenSessionDays: number;
  otpTtlSeconds: number;
  otpMaxAttempts: number;
  otpLockMinutes: number;
  /**
   * The deployment's secret the one-time codes' HMAC keys derive from (platform/otp.ts); kept outside the database.
   * Required in production; unset elsewhere, a generated one is kept in the database.
   */
  otpSecret: string | undefined;
  authRateLimitPerMinute: number;
  /** Venue posters (PDF) one account may request per minute. */
  posterRateLimitPerMinute: number;
  cookieSecure: boolean;
  /** Size of the pg connection pool (ignored on PGlite). */
  dbPoolSize: number;
  /** Run repeated queries as server-side prepared statements (PostgreSQL only). */
  dbPrepared: boolean;
  /** Refuse the outer database handle inside one of its own transactions (db/transaction-guard.ts); off in production. */
  dbTransactionGuard: boolean;
  /** How long an authenticated session stays cached in process memory (revocation elsewhere takes this long). */
  sessionCacheSeconds: number;
  /** Days check-ins (and their idempotency records) are kept before the purge drops them. */
  checkinRetentionDays: number;
  /**
   * Days health declarations (answers: symptoms, exposure, travel) are kept before the hourly purge deletes them,
   * with their badges and their closed follow-up tasks. 42 by default: a follow-up (a task due within a day, a test,
   * the 14 days an exposure may take to show) is long over, the demo's month of declarations stays, and a citizen's
   * last answers still pre-fill the form after a few weeks away. The statistics read `declaration_daily_stats`
   * (counts per commune and day, nothing personal), which is kept. 14–365: less would cut a follow-up short.
   */
  declarationRetentionDays: number;
  /** How far back a scan from the door's offline queue may be dated (staff and verified venues only). */
  checkinBackdateHours: number;
  /** Hours an old venue QR keeps working after a rotation. */
  qrGraceHours: number;
  /** Public base URL (https://…); when set, venue QR codes encode `<url>/q/<payload>` so phone cameras open the app. */
  publicUrl: string | undefined;
  /** Size of the demo province that `truyvet start` seeds into an empty database. */
  demoPeople: number;
  /** Cases of the demo outbreak (`TRUYVET_DEMO_CASES`; unset: about one per 60 people; 0: no outbreak, as benches use). */
  demoCases: number | undefined;
  /** `truyvet users add` only: the new account's password (generated and printed when absent). */
  newUserPassword: string | undefined;
  /** Green pass: the passphrase the document-signer private keys are encrypted with at rest (PKCS#8, AES-256). */
  greenpassKeySecret: string | undefined;
  /** Green pass: a folder for the document-signer private keys (files, mode 0600) instead of the database. */
  greenpassKeyDir: string | undefined;
  /** Green pass: days a document-signer key signs before a new one takes over (the old one stays trusted). */
  greenpassKeyRotationDays: number;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

/** shortest TRUYVET_OTP_SECRET accepted: a guessable secret would let a database copy's codes be searched again */
const OTP_SECRET_MIN_LENGTH = 32;

/** Reads and validates configuration from an environment map (defaults to `process.env`). */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return def;
    }
    return n;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], def: T): T => {
    const raw = str(name);
    if (raw === undefined) return def;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return def;
    }
    return raw as T;
  };
  const bool = (name: string, def: boolean): boolean => {
    const raw = str(name);
    if (raw === undefined) return def;
    if (['1', 'true', 'yes'].includes(raw)) return true;
    if (['0', 'false', 'no'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return def;
  };

  const envName = oneOf<Environment>('NODE_ENV', ['development', 'test', 'production'], 'development');
  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const adminPassword = str('TRUYVET_ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 12) {
    problems.push('TRUYVET_ADMIN_PASSWORD must be at least 12 characters');
  }
  const notify = oneOf<NotifyMode>(
    'TRUYVET_NOTIFY',
    ['fake', 'webhook'],
    envName === 'production' ? 'webhook' : 'fake',
  );
  if (notify === 'fake' && envName === 'production') {
    // the fake adapters deliver nothing and show one-time codes to any admin: a production server must not start so
    problems.push('TRUYVET_NOTIFY=fake is not allowed when NODE_ENV=production (use webhook)');
  }
  const notifyWebhookUrl = str('TRUYVET_NOTIFY_WEBHOOK_URL');
  if (notify === 'webhook' && notifyWebhookUrl === undefined) {
    problems.push('TRUYVET_NOTIFY=webhook (the production default) needs TRUYVET_NOTIFY_WEBHOOK_URL');
  }

  const trustProxy = parseTrustProxy(str('TRUYVET_TRUST_PROXY'), problems);

  if (envName === 'production' && !str('TRUYVET_GREENPASS_KEY_SECRET')) {
    // else the signing keys would sit in plain text in the database, beside everything a dump takes along: the
    // exposure export key always lives there, and the green pass keys too unless TRUYVET_GREENPASS_KEY_DIR moves them
    problems.push(
      'NODE_ENV=production needs TRUYVET_GREENPASS_KEY_SECRET: it encrypts the green pass and exposure-export ' +
        'signing keys at rest (TRUYVET_GREENPASS_KEY_DIR may keep the green pass keys in files besides)',
    );
  }

  const otpSecret = str('TRUYVET_OTP_SECRET');
  if (otpSecret !== undefined && otpSecret.length < OTP_SECRET_MIN_LENGTH) {
    problems.push(
      `TRUYVET_OTP_SECRET must be at least ${OTP_SECRET_MIN_LENGTH} characters (e.g. \`openssl rand -base64 32\`)`,
    );
  } else if (envName === 'production' && otpSecret === undefined) {
    // six-digit codes are a million candidates: hashed under a key a database copy holds, every live one is read back
    problems.push(
      'NODE_ENV=production needs TRUYVET_OTP_SECRET (at least 32 random characters, e.g. `openssl rand -base64 32`, ' +
        'kept outside the database and its backups): one-time codes are stored as an HMAC under it',
    );
  }

  const publicUrl = str('TRUYVET_PUBLIC_URL');
  if (publicUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(publicUrl))
    problems.push('TRUYVET_PUBLIC_URL must be an http(s) URL');

  const config: Config = {
    env: envName,
    port: int('PORT', 3000, 0, 65535),
    host: str('HOST') ?? '0.0.0.0',
    databaseUrl,
    dataDir: resolve(str('TRUYVET_DATA_DIR') ?? './data'),
    adminPassword,
    notify,
    notifyWebhookUrl,
    trustProxy,
    logLevel: oneOf('TRUYVET_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    bodyLimitBytes: int('TRUYVET_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    labImportMaxBytes: int('TRUYVET_LAB_IMPORT_MAX_BYTES', 32 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    photoBodyLimitBytes: int('TRUYVET_PHOTO_BODY_LIMIT_BYTES', 3 * 1024 * 1024, 1024, 16 * 1024 * 1024),
    staffSessionHours: int('TRUYVET_STAFF_SESSION_HOURS', 12, 1, 24 * 30),
    citizenSessionDays: int('TRUYVET_CITIZEN_SESSION_DAYS', 30, 1, 365),
    otpTtlSeconds: int('TRUYVET_OTP_TTL_SECONDS', 300, 30, 3600),
    otpMaxAttempts: int('TRUYVET_OTP_MAX_ATTEMPTS', 5, 1, 20),
    otpLockMinutes: int('TRUYVET_OTP_LOCK_MINUTES', 15, 1, 24 * 60),
    otpSecret,
    authRateLimitPerMinute: int('TRUYVET_AUTH_RATE_LIMIT_PER_MINUTE', 30, 1, 100000),
    posterRateLimitPerMinute: int('TRUYVET_POSTER_RATE_LIMIT_PER_MINUTE', 20, 1, 100000),
    cookieSecure: bool('TRUYVET_COOKIE_SECURE', envName === 'production'),
    dbPoolSize: int('TRUYVET_DB_POOL_SIZE', 20, 1, 500),
    dbPrepared: bool('TRUYVET_DB_PREPARED', true),
    dbTransactionGuard: bool('TRUYVET_DB_TRANSACTION_GUARD', envName !== 'production'),
    sessionCacheSeconds: int('TRUYVET_SESSION_CACHE_SECONDS', 10, 0, 300),
    newUserPassword: str('TRUYVET_NEW_USER_PASSWORD'),
    greenpassKeySecret: str('TRUYVET_GREENPASS_KEY_SECRET'),
    greenpassKeyDir:
      str('TRUYVET_GREENPASS_KEY_DIR') === undefined ? undefined : resolve(str('TRUYVET_GREENPASS_KEY_DIR') as string),
    greenpassKeyRotationDays: int('TRUYVET_GREENPASS_KEY_ROTATION_DAYS', 90, 1, 3650),
    demoPeople: int('TRUYVET_DEMO_PEOPLE', 2000, 10, 10_000_000),
    demoCases: str('TRUYVET_DEMO_CASES') === undefined ? undefined : int('TRUYVET_DEMO_CASES', 0, 0, 100_000),
    checkinRetentionDays: int('TRUYVET_CHECKIN_RETENTION_DAYS', 21, 1, 365),
    declarationRetentionDays: int('TRUYVET_DECLARATION_RETENTION_DAYS', 42, 14, 365),
    checkinBackdateHours: int('TRUYVET_CHECKIN_BACKDATE_HOURS', 24, 1, 168),
    qrGraceHours: int('TRUYVET_QR_GRACE_HOURS', 24, 0, 24 * 30),
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    ...overrides,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** proxy-addr's names for the loopback, link-local and private (unique local) address ranges */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUYVET_TRUST_PROXY: unset or 0 = trust no proxy (the client address is the TCP peer's); a positive integer = that
 * many proxy hops; otherwise a comma-separated list of proxy addresses or CIDR ranges (and proxy-addr's names
 * loopback, linklocal, uniquelocal). `true` is refused: believing every hop lets each client choose its own address.
 */
function parseTrustProxy(raw: string | undefined, problems: string[]): TrustProxy {
  if (raw === undefined) return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 20) problems.push(`TRUYVET_TRUST_PROXY must be at most 20 hops (got "${raw}")`);
    return hops === 0 || hops > 20 ? false : hops;
  }
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const invalid = entries.filter((e) => !PROXY_RANGE_NAMES.has(e) && !isAddressOrCidr(e));
  if (entries.length === 0 || invalid.length > 0) {
    problems.push(
      `TRUYVET_TRUST_PROXY must be a hop count or a comma-separated list of IP addresses or CIDR ranges (got "${raw}")`,
    );
    return false;
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/** True when one-time codes and other messages are only recorded locally (dev, test, demos). */
export function isFakeNotify(config: Config): boolean {
  return config.notify === 'fake';
}
