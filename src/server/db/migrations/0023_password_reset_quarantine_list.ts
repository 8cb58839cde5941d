/**
 * Issue 11, items 13-14:
 *   - a staff password reset by an administrator: `staff_users.password_reset_expires_at` set means the password
 *     hash is a one-time reset code's, which signs in only to choose a new password, and only until then (the new
 *     password clears it);
 *   - the quarantine officer's list of active orders in their area, soonest end first: a partial index over the
 *     active orders (released and cancelled ones pile up and are never listed by default).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table staff_users add column password_reset_expires_at timestamptz`.execute(db);
  await sql`
    create index quarantine_orders_active_idx on quarantine_orders (ends_on, unit_code) where status = 'active'
  `.execute(db);
}
