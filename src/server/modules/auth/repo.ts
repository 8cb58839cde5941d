/** Queries for sign-in: one-time codes, citizen accounts, staff credentials. */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';

type Q = Kysely<DB> | Transaction<DB>;

export function authRepo() {
  return {
    lockOtp: (trx: Transaction<DB>, phone: string) =>
      trx.selectFrom('otp_codes').selectAll().where('phone', '=', phone).forUpdate().executeTakeFirst(),

    upsertOtp: (
      trx: Transaction<DB>,
      row: { phone: string; code_hash: string; expires_at: Date; sends_in_window: number; window_started_at: Date },
    ) =>
      trx
        .insertInto('otp_codes')
        .values({ ...row, attempts: 0, locked_until: null })
        .onConflict((oc) =>
          oc.column('phone').doUpdateSet({
            code_hash: row.code_hash,
            expires_at: row.expires_at,
            attempts: 0,
            locked_until: null,
            sends_in_window: row.sends_in_window,
            window_started_at: row.window_started_at,
          }),
        )
        .execute(),

    recordOtpFailure: (trx: Transaction<DB>, phone: string, attempts: number, lockedUntil: Date | null) =>
      trx.updateTable('otp_codes').set({ attempts, locked_until: lockedUntil }).where('phone', '=', phone).execute(),

    consumeOtp: (trx: Transaction<DB>, phone: string) =>
      trx
        .updateTable('otp_codes')
        .set({ code_hash: '', expires_at: new Date(0), attempts: 0 })
        .where('phone', '=', phone)
        .execute(),

    findAccount: (q: Q, phone: string) =>
      q
        .selectFrom('citizen_accounts as a')
        .innerJoin('people as p', 'p.id', 'a.person_id')
        .select(['p.id', 'p.name', 'p.unit_code', 'a.phone'])
        .where('a.phone', '=', phone)
        .executeTakeFirst(),

    /** People registered by staff with this phone who have no account yet (the citizen may be one of them). */
    findUnclaimedByPhone: (q: Q, phone: string) =>
      q
        .selectFrom('people as p')
        .leftJoin('citizen_accounts as a', 'a.person_id', 'p.id')
        .select(['p.id', 'p.name', 'p.unit_code'])
        .where('p.phone', '=', phone)
        .where('a.phone', 'is', null)
        // never hand over a dependant record: a citizen can type any phone into a dependant, and claiming it would
        // let that guardian read the real phone owner's profile
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('dependants as d').select('d.dependant_id').whereRef('d.dependant_id', '=', 'p.id'))),
        )
        .execute(),

    createAccount: (trx: Transaction<DB>, phone: string, personId: string) =>
      trx.insertInto('citizen_accounts').values({ phone, person_id: personId }).execute(),

    createPersonForPhone: (trx: Transaction<DB>, phone: string) =>
      trx.insertInto('people').values({ phone }).returning(['id', 'name', 'unit_code']).executeTakeFirstOrThrow(),

    findPerson: (q: Q, id: string) =>
      q.selectFrom('people').select(['id', 'name', 'unit_code']).where('id', '=', id).executeTakeFirst(),

    findStaffByUsername: (q: Q, username: string) =>
      q.selectFrom('staff_users').selectAll().where('username', '=', username).executeTakeFirst(),

    findStaffById: (q: Q, id: string) =>
      q.selectFrom('staff_users').selectAll().where('id', '=', id).executeTakeFirst(),

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

    /**
     * reserveLoginAttempt for a username with no account: the same counting and lock, on login_throttle (upserted).
     * Undefined while the name is locked. Rows older than a day are dropped on the way (at most a few per call), so
     * the table holds at most a day of guessed names.
     */
    reserveUnknownLoginAttempt: async (q: Q, usernameHash: string, maxFailures: number, now: Date, lockUntil: Date) => {
      await sql`delete from login_throttle where username_hash in (
          select username_hash from login_throttle where updated_at < ${new Date(now.getTime() - 86_400_000)}
          order by updated_at limit 10)`.execute(q);
      const row = await sql<{ failed_logins: number }>`
        insert into login_throttle as t (username_hash, failed_logins, locked_until, updated_at)
        values (${usernameHash}, 1, ${maxFailures <= 1 ? lockUntil : null}::timestamptz, ${now})
        on conflict (username_hash) do update set
          failed_logins = case when t.locked_until is null then t.failed_logins + 1 else 1 end,
          locked_until = case when (case when t.locked_until is null then t.failed_logins + 1 else 1 end) >= ${maxFailures}
            then ${lockUntil}::timestamptz else null end,
          updated_at = ${now}
        where t.locked_until is null or t.locked_until <= ${now}
        returning failed_logins`.execute(q);
      return row.rows[0]?.failed_logins;
    },

    setPassword: (trx: Transaction<DB>, id: string, passwordHash: string) =>
      trx
        .updateTable('staff_users')
        .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null })
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

    grantsWithNames: (q: Q, userId: string) =>
      q
        .selectFrom('staff_grants as g')
        .leftJoin('admin_units as u', 'u.code', 'g.unit_code')
        .select(['g.role', 'g.unit_code', 'u.name'])
        .where('g.user_id', '=', userId)
        .orderBy('g.created_at')
        .execute(),
  };
}
