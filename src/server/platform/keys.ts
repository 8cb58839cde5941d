/**
 * HMAC signing keys for compact signed payloads (personal QR now; venue QR later). Keys live in the database,
 * each with an id (`kid`) carried in the payload, so keys can be rotated: new payloads use the newest key,
 * old payloads verify until their key is retired. A key is generated on first use.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';

export interface SigningKeys {
  sign(purpose: string, message: string): Promise<{ kid: string; signature: string }>;
  verify(purpose: string, kid: string, message: string, signature: string): Promise<boolean>;
}

const SIGNATURE_BYTES = 16;

function mac(secret: string, message: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'base64url')).update(message).digest().subarray(0, SIGNATURE_BYTES);
}

export function createSigningKeys(db: Kysely<DB>): SigningKeys {
  const byKid = new Map<string, { purpose: string; secret: string; retired: boolean }>();
  const active = new Map<string, string>();

  async function activeKey(purpose: string): Promise<{ kid: string; secret: string }> {
    const cachedKid = active.get(purpose);
    const cached = cachedKid ? byKid.get(cachedKid) : undefined;
    if (cachedKid && cached) return { kid: cachedKid, secret: cached.secret };
    let row = await db
      .selectFrom('signing_keys')
      .select(['kid', 'secret'])
      .where('purpose', '=', purpose)
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) {
      const kid = randomBytes(3).toString('base64url');
      await db
        .insertInto('signing_keys')
        .values({ kid, purpose, secret: randomBytes(32).toString('base64url') })
        .onConflict((oc) => oc.doNothing())
        .execute();
      row = await db
        .selectFrom('signing_keys')
        .select(['kid', 'secret'])
        .where('purpose', '=', purpose)
        .where('retired_at', 'is', null)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
    }
    byKid.set(row.kid, { purpose, secret: row.secret, retired: false });
    active.set(purpose, row.kid);
    return row;
  }

  return {
    async sign(purpose, message) {
      const key = await activeKey(purpose);
      return { kid: key.kid, signature: mac(key.secret, message).toString('base64url') };
    },
    async verify(purpose, kid, message, signature) {
      let key = byKid.get(kid);
      if (!key) {
        const row = await db
          .selectFrom('signing_keys')
          .select(['purpose', 'secret', 'retired_at'])
          .where('kid', '=', kid)
          .executeTakeFirst();
        if (!row) return false;
        key = { purpose: row.purpose, secret: row.secret, retired: row.retired_at !== null };
        byKid.set(kid, key);
      }
      if (key.purpose !== purpose || key.retired) return false;
      // compare the canonical text: base64url decoders ignore the spare bits of the last character, so a changed
      // final character can decode to the same bytes — such a code is still not one we issued
      const given = Buffer.from(signature);
      const expected = Buffer.from(mac(key.secret, message).toString('base64url'));
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
