/**
 * A phone a citizen types for a dependant is a claim unless it is the guardian's own — the phone they proved by
 * signing in (people/README.md, "Phones: trusted and claimed"): `people.phone_claimed`. A claimed phone never stands
 * for its owner on its own: a look-up by phone alone (a door, a lab's collection point, a hotline's declaration, a
 * tracer's contact) finds the phone's account holder or a record staff wrote, never a claim; by phone and name, a
 * claim answers only when no trusted record of that phone has that name and one claim has it. Without this a citizen
 * could type a stranger's phone into a dependant and receive that stranger's test results and declarations.
 * Records on file before this migration: a dependant without an account of its own whose phone is none of its
 * guardians' account phones is claimed (no one proved it); every other phone stays as it was.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table people add column phone_claimed boolean not null default false;
    update people p set phone_claimed = true
    where p.phone is not null
      and exists (select 1 from dependants d where d.dependant_id = p.id)
      and not exists (select 1 from citizen_accounts a where a.person_id = p.id)
      and not exists (
        select 1 from dependants d join citizen_accounts a on a.person_id = d.guardian_id
        where d.dependant_id = p.id and a.phone = p.phone);
  `.execute(db);
}
