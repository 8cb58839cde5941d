/**
 * Whether a person is held by the cases module today: an open case (not recovered, not died) or an active
 * quarantine order whose days include today. Other modules ask this through the public entry (a declaration is
 * flagged whatever its answers for such a person): one statement over two person indexes — or, composed into the
 * caller's own statement (`heldCondition`: the declarations module's batched look-up of declaring citizens), none.
 */
import { type Expression, type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../../db/types.ts';

/** True when the person has an open case or an active quarantine order covering `today` (YYYY-MM-DD, local). */
export async function hasCaseOrQuarantine(db: Kysely<DB>, personId: string, today: string): Promise<boolean> {
  const { rows } = await sql<{ held: boolean }>`
    select ${heldCondition(sql`${personId}::uuid`, sql`${today}::date`)} as held`.execute(db);
  return rows[0]?.held === true;
}

/**
 * "Held today" as an SQL condition over two column references of the caller's statement (a person id and a local
 * day): for a module that answers its own look-up and this one in one statement (declarations: who a declaring
 * citizen is and whether they are held, one round trip for the requests of an event-loop turn). What "held" means
 * stays here, with the tables it reads.
 */
export function heldCondition(personId: Expression<string>, today: Expression<string>): RawBuilder<boolean> {
  return sql<boolean>`(exists (select 1 from cases c where c.person_id = ${personId} and c.status not in ('recovered', 'died'))
       or exists (select 1 from quarantine_orders q where q.person_id = ${personId} and q.status = 'active'
                    and q.starts_on <= ${today} and q.ends_on >= ${today}))`;
}
