/**
 * The dose path reads a person's newest registration (their priority group) by person: an index for it (the
 * registrations' unique index covers open registrations only).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index vaccination_registrations_person_idx on vaccination_registrations (person_id, created_at desc)`.execute(
    db,
  );
}
