/**
 * Bookkeeping for the SQL function sources (`db/functions/*.sql`): the checksum (SHA-256 of the text) of each file
 * as last applied, so db/migrate.ts re-applies a file exactly when its text changes. The functions and the view
 * themselves are not touched here: their definitions now live in those files, which apply after the numbered
 * migrations and, on a database that had them from 0001, 0006, 0011 and 0014, replace them with the same text.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table schema_functions (
      name text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`.execute(db);
}
