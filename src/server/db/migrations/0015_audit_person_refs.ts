/**
 * Who saw whom (issue 10, findings 5 and 10).
 *   - Audit rows of searches and lists name the people they returned in `details.personIds` (inside the hashed
 *     payload). "Who viewed person X" reads them through a GIN index over that array; the index is partial, so the
 *     rows that name no list (check-ins, sign-ins: most of the log) cost it nothing.
 *   - Contacts are found by where the contact lives (`contacts.unit_code`): the contact tasks of a district — other
 *     areas' cases' contacts who live there — are read by index, not by scanning every case's evidence.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index audit_log_person_ids_idx on audit_log using gin ((details -> 'personIds') jsonb_path_ops)
      where details ? 'personIds';
    create index contacts_unit_idx on contacts (unit_code);
  `.execute(db);
}
