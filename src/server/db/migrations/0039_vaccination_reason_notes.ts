/**
 * A decision on a correction or on a dose declared as given elsewhere gives a reason from a fixed list, and the list
 * ends with `other`: then the reviewer's own words are kept beside it (`reason_note` on the correction,
 * `status_note` on the dose), never in place of the code.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table vaccination_corrections add column reason_note text check (char_length(reason_note) <= 500);
    alter table vaccination_doses add column status_note text check (char_length(status_note) <= 500);
  `.execute(db);
}
