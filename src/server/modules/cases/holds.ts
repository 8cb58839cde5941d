/**
 * Whether a person is held by the cases module today: an open case (not recovered, not died) or an active
 * quarantine order whose days include today. Other modules ask this through the public entry (a declaration is
 * flagged whatever its answers for such a person); one statement over two person indexes.
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
