/**
 * Household contacts: the members of each index person's household (the people module's table, read set-based in
 * the tracing transaction). Venue co-presence is found by the check-ins module's finder (`../checkins/index.ts`).
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';

type Q = Kysely<DB> | Transaction<DB>;

/** Household members of each index person (same household, not the person). */
export async function findHouseholdContacts(
  db: Q,
  personIds: string[],
): Promise<Array<{ indexPersonId: string; personId: string }>> {
  if (personIds.length === 0) return [];
  const rows = await db
    .selectFrom('people as i')
    .innerJoin('people as m', 'm.household_id', 'i.household_id')
    .select(['i.id as index_person_id', 'm.id as person_id'])
    .where('i.id', 'in', personIds)
    .whereRef('m.id', '<>', 'i.id')
    .execute();
  return rows.map((r) => ({ indexPersonId: r.index_person_id, personId: r.person_id }));
}
