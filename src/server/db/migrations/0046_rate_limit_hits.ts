/**
 * Rate limits counted in the database (platform/rate-limit-store.ts): one row per limited key (the route, then the
 * client address or the account) with the requests of its current window and when that window ends, so every API
 * process of a deployment counts against the same limits. Unlogged: a counter is worth no WAL, and a crash that
 * empties the table only restarts the windows. Rows whose window ended are deleted by the hourly jobs purge.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create unlogged table rate_limit_hits (
      key text primary key,
      hits integer not null,
      window_ends timestamptz not null
    );
    create index rate_limit_hits_window_ends_idx on rate_limit_hits (window_ends);
  `.execute(db);
}
