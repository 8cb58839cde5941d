/**
 * Exposure notices become a view over the evidence. A notice was a copy of one `contacts` row (the strongest
 * evidence of a person new to a case: its degree, venue and overlap) written next to it — in a traced burst as many
 * notice rows as new contacts, each with its own keys, foreign keys and indexes: measured, 20% of the time of 1,000
 * cases opened at once. What a citizen is told is now read from the evidence itself: per (person, case), the strongest
 * row (F1 before F2, then the earliest exposure), its kind `advisory` for F2. Nothing is lost: every notice was
 * derived from a stored evidence row. The view never exposes more than the table did (the reading code selects no
 * case identity for citizens).
 * Also dropped, for the same burst:
 *   - `contacts_case_idx (case_id, degree)`, a prefix of `contacts_evidence_uniq (case_id, person_id, degree, …)`
 *     that every by-case query can use; one index less to maintain per evidence row;
 *   - the foreign key `contacts.person_id → people`: its check locks the referenced person row (FOR KEY SHARE), a
 *     WAL record and a dirtied page of `people` per evidence row — measured, another 10% of the burst. The ids come
 *     from check-ins and households (people the platform resolved or created) and from a tracer's person lookup;
 *     people are never deleted. The case key stays (its rows are the transaction's own, and a case is what a contact
 *     belongs to).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    drop table exposure_notices;
    drop index contacts_case_idx;
    alter table contacts drop constraint contacts_person_id_fkey;
    create view exposure_notices as
      select distinct on (person_id, case_id)
             id, person_id, case_id, degree, venue_id, overlap_start as exposure_start, overlap_end as exposure_end,
             case when degree = 2 then 'advisory' else via_type end as kind, created_at
      from contacts
      order by person_id, case_id, degree, overlap_start nulls last, id;
  `.execute(db);
}
