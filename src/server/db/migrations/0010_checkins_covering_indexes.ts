/**
 * Covering check-in indexes. The contact finder reads, for each stay of an index person, every stay at the same
 * venue in the 24 hours before it: with `(venue_id, checked_in_at)` alone each of those rows was a heap fetch on a
 * random page of a table of tens of millions of rows (the tail of tracing latency, and most of a traced burst's
 * reading). With the columns the finder needs (person, zone, check-out and implied check-out) in the index, the scans
 * are index-only wherever the visibility map allows (every day partition but the freshest part of today's, once
 * autovacuum has passed). The person index gets the same columns for the person's own stays and for the ingest
 * writer's duplicate check. The write cost is wider index tuples, not more indexes.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    drop index checkins_venue_time_idx;
    create index checkins_venue_time_idx on checkins (venue_id, checked_in_at)
      include (person_id, zone_id, checked_out_at, implied_out_at);
    drop index checkins_person_time_idx;
    create index checkins_person_time_idx on checkins (person_id, checked_in_at)
      include (venue_id, zone_id, checked_out_at, implied_out_at);
  `.execute(db);
}
