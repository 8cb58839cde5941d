/**
 * Whether a person is held by the cases module today: an open case (not recovered, not died) or an active
 * quarantine order whose days include today. Other modules ask this through the public entry (a declaration is
 * flagged whatever its answers for such a person); one statement over two person indexes — or, for many people at
 * once (`heldAmong`: a caller that batches concurrent requests), one statement for all of them.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.ts';

/** True when the person has an open case or an active quarantine order covering `today` (YYYY-MM-DD, local). */
export async function hasCaseOrQuarantine(db: Kysely<DB>, personId: string, today: string): Promise<boolean> {
  const { rows } = await sql<{ held: boolean }>`
    select exists (select 1 from cases where person_id = ${personId} and status not in ('recovered', 'died'))
        or exists (select 1 from quarantine_orders where person_id = ${personId} and status = 'active'
                     and starts_on <= ${today}::date and ends_on >= ${today}::date) as held`.execute(db);
  return rows[0]?.held === true;
}

/**
 * `hasCaseOrQuarantine` for many people at once, each with their own local day: the indexes (into `people`) of those
 * held. One statement, whatever the number.
 */
export async function heldAmong(
  db: Kysely<DB>,
  people: ReadonlyArray<{ personId: string; today: string }>,
): Promise<Set<number>> {
  if (people.length === 0) return new Set();
  const { rows } = await sql<{ i: string }>`
    select k.i from unnest(${people.map((p) => p.personId)}::uuid[], ${people.map((p) => p.today)}::date[])
      with ordinality as k(person_id, today, i)
    where exists (select 1 from cases c where c.person_id = k.person_id and c.status not in ('recovered', 'died'))
       or exists (select 1 from quarantine_orders q where q.person_id = k.person_id and q.status = 'active'
                    and q.starts_on <= k.today and q.ends_on >= k.today)`.execute(db);
  return new Set(rows.map((r) => Number(r.i) - 1));
}
