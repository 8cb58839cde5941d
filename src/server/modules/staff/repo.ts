/**
 * Queries for staff accounts, their grants and their credentials (password hash, sign-in lock counters, TOTP). The
 * staff list takes the actor's `AccessScope` and filters in SQL (`scoped`); the credential statements are the ones
 * the auth module reaches through the staff service, each one statement so it holds under concurrency.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type AccessScope, scoped } from '../../platform/authorize.ts';

type Q = Kysely<DB> | Transaction<DB>;

export function staffRepo(db: Kysely<DB>) {
  return {
    create: (trx: Transaction<DB>, u: { username: string; passwordHash: string; displayName: string }) =>
      trx
        .insertInto('staff_users')
        .values({ username: u.username, password_hash: u.passwordHash, display_name: u.displayName })
        .onConflict((oc) => oc.column('username').doNothing())
        .returning('id')
        .executeTakeFirst(),

    addGrant: (trx: Q, userId: string, role: string, unitCode: string | null) =>
      trx
        .insertInto('staff_grants')
        .values({ user_id: userId, role, unit_code: unitCode })
        .onConflict((oc) => oc.doNothing())
        .execute(),

    findUser: (id: string, q: Q = db) =>
      q.selectFrom('staff_users').selectAll().where('id', '=', id).executeTakeFirst(),

    findByUsername: (username: string, q: Q = db) =>
      q.selectFrom('staff_users').selectAll().where('username', '=', username).executeTakeFirst(),

    /** Grants of one user with their scope paths ('' = national) and unit names, oldest first. */
    grants: (userId: string, q: Q = db) =>
      q
        .selectFrom('staff_grants as g')
        .leftJoin('admin_units as u', 'u.code', 'g.unit_code')
        .select([
          'g.id',
          'g.role',
          'g.unit_code',
          'u.name as unit_name',
          sql<string>`coalesce(u.path, '')`.as('unit_path'),
        ])
        .where('g.user_id', '=', userId)
        .orderBy('g.created_at')
        .execute(),

    /**
     * Staff having at least one grant inside the scope (a provincial admin lists that province's officers).
     * A user with grants both inside and outside shows only once. National scope lists everyone, grants or not.
     */
    list: (scope: AccessScope, limit: number) => {
      const q = db
        .selectFrom('staff_users as s')
        .select(['s.id', 's.username', 's.display_name', 's.disabled', 's.totp_enabled', 's.password_reset_expires_at'])
        .orderBy('s.username')
        .limit(limit);
      if (scope.paths === 'all') return q.execute();
      return q
        .where(({ exists, selectFrom }) =>
          exists(
            scoped(
              selectFrom('staff_grants as g')
                .innerJoin('admin_units as u', 'u.code', 'g.unit_code')
                .select('g.id')
                .whereRef('g.user_id', '=', 's.id'),
              scope,
              'u.path',
            ),
          ),
        )
        .execute();
    },

    allGrants: (userIds: string[]) =>
      userIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('staff_grants as g')
            .leftJoin('admin_units as u', 'u.code', 'g.unit_code')
            .select(['g.id', 'g.user_id', 'g.role', 'g.unit_code', 'u.name as unit_name'])
            .where('g.user_id', 'in', userIds)
            .orderBy('g.created_at')
            .execute(),

    /** Gives a grant another role and/or place; false when the user has no such grant. */
    updateGrant: async (trx: Transaction<DB>, userId: string, grantId: string, role: string, unitCode: string | null) =>
      Number(
        (
          await trx
            .updateTable('staff_grants')
            .set({ role, unit_code: unitCode })
            .where('id', '=', grantId)
            .where('user_id', '=', userId)
            .executeTakeFirst()
        ).numUpdatedRows,
      ) === 1,

    removeGrant: (trx: Transaction<DB>, userId: string, grantId: string) =>
      trx.deleteFrom('staff_grants').where('id', '=', grantId).where('user_id', '=', userId).execute(),

    /**
     * Replaces the password with a one-time reset code's hash that works until `expiresAt`, and starts the failure
     * count afresh (the code is a new credential).
     */
    setResetCode: (trx: Transaction<DB>, id: string, codeHash: string, expiresAt: Date) =>
      trx
        .updateTable('staff_users')
        .set({ password_hash: codeHash, password_reset_expires_at: expiresAt, failed_logins: 0, locked_until: null })
        .where('id', '=', id)
        .execute(),

    /** Removes two-factor sign-in: the secret (pending or enabled), the flag and the last step used. */
    removeTotp: (trx: Transaction<DB>, id: string) =>
      trx
        .updateTable('staff_users')
        .set({ totp_enabled: false, totp_secret: null, totp_last_step: null })
        .where('id', '=', id)
        .execute(),

    setDisabled: (trx: Q, id: string, disabled: boolean) =>
      trx.updateTable('staff_users').set({ disabled }).where('id', '=', id).execute(),

    setLoginFailures: (q: Q, id: string, failed: number, lockedUntil: Date | null) =>
      q
        .updateTable('staff_users')
        .set({ failed_logins: failed, locked_until: lockedUntil })
        .where('id', '=', id)
        .execute(),

    /**
     * Reserves one password attempt before the password is checked, in one statement: the attempt counts as a
     * failure until a success resets the count. Concurrent attempts serialize on the row, so at most `maxFailures`
     * of them are ever checked per lock period; the one that reaches `maxFailures` locks the account (it is still
     * checked itself), later ones find it locked. A lock that has run out starts a fresh count.
     * Returns the attempt's number, or undefined when the account is locked (nothing is counted then).
     */
    reserveLoginAttempt: async (q: Q, id: string, maxFailures: number, now: Date, lockUntil: Date) => {
      const attempt = sql<number>`case when locked_until is null then failed_logins + 1 else 1 end`;
      const row = await q
        .updateTable('staff_users')
        .set({
          failed_logins: attempt,
          locked_until: sql<Date | null>`case when ${attempt} >= ${maxFailures} then ${lockUntil}::timestamptz else null end`,
        })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
        .returning('failed_logins')
        .executeTakeFirst();
      return row?.failed_logins;
    },

    setPassword: (trx: Transaction<DB>, id: string, passwordHash: string) =>
      trx
        .updateTable('staff_users')
        .set({ password_hash: passwordHash, password_reset_expires_at: null, failed_logins: 0, locked_until: null })
        .where('id', '=', id)
        .execute(),

    /** Accepts a TOTP time-step once: true only when it is newer than the last accepted one (atomic). */
    useTotpStep: async (q: Q, id: string, step: number) =>
      Number(
        (
          await q
            .updateTable('staff_users')
            .set({ totp_last_step: step })
            .where('id', '=', id)
            .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
            .executeTakeFirst()
        ).numUpdatedRows,
      ) === 1,

    /**
     * Switches two-factor on for the pending secret and records the confirming code's step as used, so that code
     * cannot sign in afterwards. False when the secret changed meanwhile or two-factor is already on.
     */
    enableTotp: async (trx: Transaction<DB>, id: string, secret: string, step: number) =>
      Number(
        (
          await trx
            .updateTable('staff_users')
            .set({ totp_enabled: true, totp_last_step: step })
            .where('id', '=', id)
            .where('totp_secret', '=', secret)
            .where('totp_enabled', '=', false)
            .executeTakeFirst()
        ).numUpdatedRows,
      ) === 1,

    /** Stores a new, not yet confirmed secret (two-factor stays off until `enableTotp`). */
    setPendingTotp: (q: Q, id: string, secret: string) =>
      q.updateTable('staff_users').set({ totp_secret: secret, totp_enabled: false }).where('id', '=', id).execute(),
  };
}
