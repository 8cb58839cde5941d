/**
 * Health declaration's daily statistics without a hot row (issue 12, bench/declarations): every declaration adds to
 * its commune's row of the day in the statement that records it, so all declarations of a commune queued on that one
 * row's lock until each commit — at a commune's morning peak the writes ran one at a time. Each (day, commune) now
 * has up to 8 rows (`shard`, chosen from the person), summed when read: writers of one commune rarely meet, and the
 * statistics still read a few rows per commune and day (never the declarations).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table declaration_daily_stats add column shard smallint not null default 0 check (shard between 0 and 63);
    alter table declaration_daily_stats drop constraint declaration_daily_stats_pkey;
    alter table declaration_daily_stats add primary key (day, commune_code, shard);
  `.execute(db);
}
