/**
 * One-time codes sent by SMS: citizens' sign-in codes (auth), the codes a venue's door sends to a person without a
 * smartphone (checkins) and the codes a declaration partner has sent to verify a phone (declarations). Six digits,
 * drawn from the CSPRNG; stored only as an HMAC under a key of their purpose, so a code of one purpose never verifies
 * as another (a code read out at a door must never sign anyone in). The exposure module's eight-digit verification
 * codes (drawn there, one hour) are stored under a purpose key of their own too.
 *
 * The purpose keys derive (HKDF-SHA256, the purpose as info) from the deployment's secret, TRUYVET_OTP_SECRET, which
 * lives outside the database: six digits are only 10^6 candidates, so a hash keyed by something a copy of the
 * database (or this repository) holds would give every live code away to a million HMACs offline. Production refuses
 * to start without the secret (config.ts). Without it (development, tests, the demo) a random secret is generated
 * once and kept in `signing_keys`, like the platform's other keys, so every process on the database agrees on it.
 * Codes stored under an earlier key (before the secret was introduced, or changed) no longer match: a code lives a
 * few minutes (TRUYVET_OTP_TTL_SECONDS), so at worst a person asks for a fresh one after an upgrade.
 */
import { createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DB } from '../db/types.ts';

/** A fresh six-digit code, zero-padded. */
export function newOneTimeCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** The key of one purpose: hashes codes and checks them, synchronously (inside a transaction, with no query). */
export interface OneTimeCodeKey {
  /** The stored form of `code` for `subject` (a phone, or venue + phone). */
  hash(subject: string, code: string): string;
  /** Whether `code` (surrounding spaces ignored) is the one stored as `storedHash` for `subject` (constant time). */
  matches(storedHash: string, subject: string, code: string): boolean;
}

/** The key of `purpose` under the deployment's `secret`: a different secret or purpose hashes every code differently. */
export function oneTimeCodeKey(secret: string, purpose: string): OneTimeCodeKey {
  const key = Buffer.from(hkdfSync('sha256', secret, 'truyvet one-time codes', purpose, 32));
  const hash = (subject: string, code: string) => createHmac('sha256', key).update(`${subject}:${code}`).digest('hex');
  return {
    hash,
    matches(storedHash, subject, code) {
      const given = Buffer.from(hash(subject, code.trim()), 'hex');
      const stored = Buffer.from(storedHash, 'hex');
      return stored.length === given.length && timingSafeEqual(stored, given);
    },
  };
}

export interface OneTimeCodes {
  /**
   * The key of `purpose`. Take it before opening the transaction that stores or checks a code: without
   * TRUYVET_OTP_SECRET the first call reads (or creates) the generated secret on the outer database handle.
   */
  key(purpose: string): Promise<OneTimeCodeKey>;
}

/** `signing_keys` row holding the generated secret when TRUYVET_OTP_SECRET is unset (never in production) */
const GENERATED_KID = 'one-time-codes';

export function createOneTimeCodes(db: Kysely<DB>, config: Pick<Config, 'env' | 'otpSecret'>): OneTimeCodes {
  let secret: Promise<string> | undefined;
  const keys = new Map<string, OneTimeCodeKey>();

  async function generatedSecret(): Promise<string> {
    // config.ts refuses production without the secret; this guards an app built from a hand-made config
    if (config.env === 'production') throw new Error('NODE_ENV=production needs TRUYVET_OTP_SECRET');
    // a fixed kid: processes starting together insert one row between them and all read the same secret
    await db
      .insertInto('signing_keys')
      .values({ kid: GENERATED_KID, purpose: GENERATED_KID, secret: randomBytes(32).toString('base64url') })
      .onConflict((oc) => oc.column('kid').doNothing())
      .execute();
    const row = await db
      .selectFrom('signing_keys')
      .select('secret')
      .where('kid', '=', GENERATED_KID)
      .executeTakeFirstOrThrow();
    return row.secret;
  }

  return {
    async key(purpose) {
      const cached = keys.get(purpose);
      if (cached) return cached;
      if (config.otpSecret !== undefined) secret ??= Promise.resolve(config.otpSecret);
      secret ??= generatedSecret().catch((err: unknown) => {
        secret = undefined; // a failed read is tried again on the next code
        throw err;
      });
      const key = oneTimeCodeKey(await secret, purpose);
      keys.set(purpose, key);
      return key;
    },
  };
}
