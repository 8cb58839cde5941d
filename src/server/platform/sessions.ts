/**
 * Opaque bearer tokens. The client holds 32 random bytes; the database holds only their SHA-256, so a leaked
 * database copy cannot be replayed as sessions. A resolved session is cached in memory for a few seconds
 * (config.sessionCacheSeconds) to keep the hot path at one query per request; revocation through this process
 * takes effect at once, through another replica within that window.
 *
 * "At once" holds against in-flight requests too: every cache invalidation bumps an epoch, and a resolve that
 * read the database before an invalidation does not cache what it read (it may have seen the session before the
 * revoking transaction committed).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/types.ts';
import type { Actor, Grant, StaffRole } from './access.ts';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export type ResolvedSession = { actor: Actor; expiresAt: Date } | 'expired' | null;

export interface Sessions {
  create(
    trx: Transaction<DB> | Kysely<DB>,
    who: { kind: 'staff'; userId: string } | { kind: 'citizen'; personId: string },
    ttlSeconds: number,
  ): Promise<{ token: string; sessionId: string; expiresAt: Date }>;
  resolve(token: string): Promise<ResolvedSession>;
  revoke(token: string): Promise<void>;
  /**
   * Revokes every live session of a staff user except `keepSessionId` (the caller's own), inside the caller's
   * transaction. The caller must call `forgetUser(userId)` after that transaction commits.
   */
  revokeOtherSessions(trx: Transaction<DB>, userId: string, keepSessionId: string): Promise<void>;
  /**
   * Revokes every live session of a staff user (an account being disabled), inside the caller's transaction. The
   * caller must drop the cached sessions (`forgetUser` or `clearCache`) after that transaction commits.
   */
  revokeAllSessions(trx: Transaction<DB>, userId: string): Promise<void>;
  /** Drops a staff user's cached sessions, so a revocation committed just before is seen by the next request. */
  forgetUser(userId: string): void;
  /** Drops every cached session (after grants change). */
  clearCache(): void;
}

/** Loads a staff user's grants with their scope paths. */
export async function loadGrants(db: Kysely<DB> | Transaction<DB>, userId: string): Promise<Grant[]> {
  const rows = await db
    .selectFrom('staff_grants as g')
    .leftJoin('admin_units as u', 'u.code', 'g.unit_code')
    .select(['g.role', 'g.unit_code', 'u.path'])
    .where('g.user_id', '=', userId)
    .execute();
  return rows.map((r) => ({
    role: r.role as StaffRole,
    unitCode: r.unit_code,
    unitPath: r.unit_code ? (r.path ?? '\u0000') : '',
  }));
}

export function createSessions(db: Kysely<DB>, cacheSeconds: number): Sessions {
  const cache = new Map<string, { value: { actor: Actor; expiresAt: Date }; cachedAt: number }>();
  const MAX_CACHE = 50_000;
  let epoch = 0;

  return {
    async create(trx, who, ttlSeconds) {
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      const row = await trx
        .insertInto('sessions')
        .values({
          token_hash: hashToken(token),
          kind: who.kind,
          user_id: who.kind === 'staff' ? who.userId : null,
          person_id: who.kind === 'citizen' ? who.personId : null,
          expires_at: expiresAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { token, sessionId: row.id, expiresAt };
    },

    async resolve(token) {
      const key = hashToken(token);
      const now = Date.now();
      const startEpoch = epoch;
      const hit = cache.get(key);
      if (hit && now - hit.cachedAt < cacheSeconds * 1000) {
        return hit.value.expiresAt.getTime() > now ? hit.value : 'expired';
      }
      const s = await db
        .selectFrom('sessions as s')
        .leftJoin('staff_users as u', 'u.id', 's.user_id')
        .leftJoin('citizen_accounts as c', 'c.person_id', 's.person_id')
        .select([
          's.id',
          's.kind',
          's.user_id',
          's.person_id',
          's.expires_at',
          's.revoked_at',
          'u.username',
          'u.display_name',
          'u.disabled',
          'c.phone',
        ])
        .where('s.token_hash', '=', key)
        .executeTakeFirst();
      if (!s) return null;
      if (s.revoked_at || s.disabled) return null;
      if (s.expires_at.getTime() <= now) return 'expired';
      let actor: Actor;
      if (s.kind === 'staff' && s.user_id) {
        actor = {
          kind: 'staff',
          userId: s.user_id,
          username: s.username ?? '',
          displayName: s.display_name ?? '',
          grants: await loadGrants(db, s.user_id),
          sessionId: s.id,
        };
      } else if (s.kind === 'citizen' && s.person_id) {
        actor = { kind: 'citizen', personId: s.person_id, phone: s.phone ?? '', sessionId: s.id };
      } else {
        return null;
      }
      const value = { actor, expiresAt: s.expires_at };
      if (cacheSeconds > 0 && epoch === startEpoch) {
        if (cache.size >= MAX_CACHE) cache.clear();
        cache.set(key, { value, cachedAt: now });
      }
      return value;
    },

    async revoke(token) {
      const key = hashToken(token);
      await db.updateTable('sessions').set({ revoked_at: new Date() }).where('token_hash', '=', key).execute();
      epoch++;
      cache.delete(key);
    },

    async revokeOtherSessions(trx, userId, keepSessionId) {
      await trx
        .updateTable('sessions')
        .set({ revoked_at: new Date() })
        .where('user_id', '=', userId)
        .where('id', '!=', keepSessionId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    async revokeAllSessions(trx, userId) {
      await trx
        .updateTable('sessions')
        .set({ revoked_at: new Date() })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    forgetUser(userId) {
      epoch++;
      for (const [key, entry] of cache) {
        if (entry.value.actor.kind === 'staff' && entry.value.actor.userId === userId) cache.delete(key);
      }
    },

    clearCache() {
      epoch++;
      cache.clear();
    },
  };
}
