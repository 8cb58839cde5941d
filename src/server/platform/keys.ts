/**
 * HMAC signing keys for compact signed payloads (personal QR, venue QR). Keys live in the database, each with an id
 * (`kid`) carried in the payload, so keys can be rotated: new payloads use the newest key, old payloads verify until
 * their key is retired. A key is generated on first use.
 *
 * Keys are cached in memory for the hot paths (every check-in verifies a signature), but only for `ttlMs`
 * (KEY_CACHE_MS, a minute, by default): a key retired in the database (`signing_keys.retired_at`) stops verifying —
 * and stops signing — within that time in every process, with no restart. Concurrent misses of one key share one
 * read, so an expiring entry under load costs one query, not one per request; an unknown kid is remembered as
 * unknown for the same time (a forged code with a made-up kid costs no query per scan). At most MAX_KIDS kids are
 * remembered.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';

export interface SigningKeys {
  sign(purpose: string, message: string): Promise<{ kid: string; signature: string }>;
  verify(purpose: string, kid: string, message: string, signature: string): Promise<boolean>;
}

const SIGNATURE_BYTES = 16;
/** how long a key read from the database is trusted before it is read again (a retirement takes effect by then) */
export const KEY_CACHE_MS = 60_000;
/** kids remembered at once (known or unknown); the oldest entry leaves first */
const MAX_KIDS = 1000;

function mac(secret: string, message: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'base64url')).update(message).digest().subarray(0, SIGNATURE_BYTES);
}

interface KeyRow {
  purpose: string;
  secret: string;
  retired: boolean;
}

export interface SigningKeysOptions {
  /** how long a key read from the database is used before it is read again (default KEY_CACHE_MS) */
  ttlMs?: number;
  /** the clock (tests move it) */
  now?: () => number;
}

export function createSigningKeys(db: Kysely<DB>, options: SigningKeysOptions = {}): SigningKeys {
  const ttl = options.ttlMs ?? KEY_CACHE_MS;
  const now = options.now ?? (() => Date.now());
  /** kid → the key as read (undefined: no such kid), until `expires` */
  const byKid = new Map<string, { key: KeyRow | undefined; expires: number }>();
  const loading = new Map<string, Promise<KeyRow | undefined>>();
  /** purpose → the key new payloads are signed with, until `expires` */
  const active = new Map<string, { kid: string; secret: string; expires: number }>();

  function remember(kid: string, key: KeyRow | undefined) {
    byKid.delete(kid);
    if (byKid.size >= MAX_KIDS) {
      const oldest = byKid.keys().next().value;
      if (oldest !== undefined) byKid.delete(oldest);
    }
    byKid.set(kid, { key, expires: now() + ttl });
  }

  /** The key `kid` as the database has it now, or as read less than `ttl` ago. */
  function keyOf(kid: string): Promise<KeyRow | undefined> {
    const hit = byKid.get(kid);
    if (hit && hit.expires > now()) return Promise.resolve(hit.key);
    const pending = loading.get(kid);
    if (pending) return pending;
    const load = (async () => {
      try {
        const row = await db
          .selectFrom('signing_keys')
          .select(['purpose', 'secret', 'retired_at'])
          .where('kid', '=', kid)
          .executeTakeFirst();
        const key = row && { purpose: row.purpose, secret: row.secret, retired: row.retired_at !== null };
        remember(kid, key);
        return key;
      } finally {
        loading.delete(kid);
      }
    })();
    loading.set(kid, load);
    return load;
  }

  const newest = (purpose: string) =>
    db
      .selectFrom('signing_keys')
      .select(['kid', 'secret'])
      .where('purpose', '=', purpose)
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();

  async function activeKey(purpose: string): Promise<{ kid: string; secret: string }> {
    const cached = active.get(purpose);
    if (cached && cached.expires > now()) return cached;
    let row = await newest(purpose);
    if (!row) {
      const kid = randomBytes(3).toString('base64url');
      await db
        .insertInto('signing_keys')
        .values({ kid, purpose, secret: randomBytes(32).toString('base64url') })
        .onConflict((oc) => oc.doNothing())
        .execute();
      row = await newest(purpose);
      if (!row) throw new Error(`no signing key for ${purpose}`);
    }
    remember(row.kid, { purpose, secret: row.secret, retired: false });
    active.set(purpose, { ...row, expires: now() + ttl });
    return row;
  }

  return {
    async sign(purpose, message) {
      const key = await activeKey(purpose);
      return { kid: key.kid, signature: mac(key.secret, message).toString('base64url') };
    },
    async verify(purpose, kid, message, signature) {
      const key = await keyOf(kid);
      if (!key || key.purpose !== purpose || key.retired) return false;
      // compare the canonical text: base64url decoders ignore the spare bits of the last character, so a changed
      // final character can decode to the same bytes — such a code is still not one we issued
      const given = Buffer.from(signature);
      const expected = Buffer.from(mac(key.secret, message).toString('base64url'));
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
