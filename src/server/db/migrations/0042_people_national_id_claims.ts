/**
 * A national ID a citizen types — for themself or a dependant — is a claim until staff check the card
 * (people/README.md, "National IDs: verified and claimed"):
 *   - `people.national_id` (unique) holds verified IDs only: typed by staff, or a claim staff verified;
 *   - `people.national_id_claim` holds what a citizen typed, not unique: several records may claim one number, and a
 *     claim never blocks the card's holder, nor tells a citizen whether the number is on record;
 *   - a record has one or the other, never both.
 * IDs on record before this migration stay verified: which of them a citizen typed is not recorded.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table people add column national_id_claim text check (national_id_claim ~ '^[0-9]{12}$');
    alter table people add constraint people_national_id_verified_or_claimed
      check (national_id is null or national_id_claim is null);
    create index people_national_id_claim_idx on people (national_id_claim) where national_id_claim is not null;
  `.execute(db);
}
