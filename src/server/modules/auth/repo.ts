/**
 * Queries on the tables sign-in owns: one-time codes (`otp_codes`) and the failure counts of usernames without an
 * account (`login_throttle`). Citizen accounts are the people module's, staff credentials the staff module's: the
 * service reaches them through those services.
 */
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

    /**
     * The staff service's `reserveLoginAttempt` for a username with no account: the same counting and lock, on
     * login_throttle (upserted).
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
  };
}
