/** Queries for staff accounts and their grants. */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Scope } from '../../platform/access.ts';

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
      q.selectFrom('staff_users').select('id').where('username', '=', username).executeTakeFirst(),

    /** Grants of one user with their scope paths ('' = national). */
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
     * A user with grants both inside and outside shows only once.
     */
    list: (scope: Scope, limit: number) => {
      let q = db
        .selectFrom('staff_users as s')
        .select(['s.id', 's.username', 's.display_name', 's.disabled', 's.totp_enabled'])
        .orderBy('s.username')
        .limit(limit);
      if (scope !== 'all') {
        if (scope.length === 0) return Promise.resolve([]);
        q = q.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('staff_grants as g')
              .innerJoin('admin_units as u', 'u.code', 'g.unit_code')
              .select('g.id')
              .whereRef('g.user_id', '=', 's.id')
              .where((eb) => eb.or(scope.map((p) => eb('u.path', 'like', `${p}%`)))),
          ),
        );
      }
      return q.execute();
    },

    allGrants: (userIds: string[]) =>
      userIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('staff_grants as g')
            .leftJoin('admin_units as u', 'u.code', 'g.unit_code')
            .select(['g.user_id', 'g.role', 'g.unit_code', 'u.name as unit_name'])
            .where('g.user_id', 'in', userIds)
            .orderBy('g.created_at')
            .execute(),

    setDisabled: (trx: Q, id: string, disabled: boolean) =>
      trx.updateTable('staff_users').set({ disabled }).where('id', '=', id).execute(),

    revokeSessions: (trx: Q, userId: string) =>
      trx
        .updateTable('sessions')
        .set({ revoked_at: new Date() })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute(),
  };
}
