/**
 * Cheaper tracing writes. A traced outbreak inserts tens of thousands of evidence rows (contacts), notices and
 * quarantine orders in one transaction, and each foreign key costs an index probe per row: measured, the five keys
 * of `contacts` were half the cost of inserting it. The keys that only repeat what the row was copied from are
 * dropped — `venue_id` (taken from a check-in row, itself checked against venues; venues are deactivated, never
 * deleted), `through_person_id` (an F1 of the same case, itself a checked contact) and `unit_code` (copied from the
 * person's row). The keys that matter for integrity stay: every evidence row, notice and order still references
 * an existing case and an existing person.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table contacts
      drop constraint contacts_venue_id_fkey,
      drop constraint contacts_through_person_id_fkey,
      drop constraint contacts_unit_code_fkey;
    alter table exposure_notices drop constraint exposure_notices_venue_id_fkey;
    alter table quarantine_orders drop constraint quarantine_orders_unit_code_fkey;
  `.execute(db);
}
