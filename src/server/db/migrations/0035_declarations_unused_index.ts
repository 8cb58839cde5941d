/**
 * `declarations_day_commune_idx` served no query: the statistics per day and commune are kept in
 * `declaration_daily_stats` as declarations are written (migration 0022, db/functions/declarations_record.sql) and
 * never counted from `declarations`; the person's history uses `declarations_person_idx`. It cost every declaration
 * an index entry on the write path (bench/declarations).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists declarations_day_commune_idx`.execute(db);
}
