/**
 * Failed sign-ins for usernames that have no account, counted like an account's: without it, ten wrong passwords
 * lock a real account (429) but never an unknown name (always 401), which tells an attacker which usernames exist.
 * Rows are keyed by SHA-256 of the lower-cased name, so a typo of a real username is not stored in clear.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table login_throttle (
      username_hash text primary key,
      failed_logins integer not null default 0,
      locked_until timestamptz,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index login_throttle_updated_idx on login_throttle (updated_at)`.execute(db);
}
