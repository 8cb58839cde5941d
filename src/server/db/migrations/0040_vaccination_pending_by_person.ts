/**
 * A person may have only so many requests waiting for a decision (vaccination/service.ts `refuseTooManyPending`):
 * their pending corrections are counted by person on every new request, so they get an index of their own (the
 * declared doses are counted through `vaccination_doses_person_idx`).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index vaccination_corrections_pending_person_idx on vaccination_corrections (person_id)
      where status = 'pending';
  `.execute(db);
}
