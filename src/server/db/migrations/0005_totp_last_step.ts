/** The last TOTP time-step accepted per staff user, so a code cannot be used twice (RFC 6238 §5.2). */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table staff_users add column totp_last_step bigint`.execute(db);
}
