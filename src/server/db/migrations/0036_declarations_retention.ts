/**
 * Retention of health declarations (declarations/maintenance.ts, the hourly `declarations.maintain` job): the purge
 * finds the declarations and the badges of days before the window, and the follow-up tasks of the declarations it
 * deletes, without scanning the tables.
 *   - BRIN on `declarations (day)` and `declaration_badges (day)`: both are written in day order (a row is made on
 *     its local day), so a block range holds a few days and the index is a few pages that an insert rarely touches —
 *     nearly free on the write path, unlike a btree (the unused `declarations_day_commune_idx` goes in 0035).
 *   - btree on `health_tasks (declaration_id)`: deleting a declaration checks its foreign key from `health_tasks`,
 *     and the purge asks whether a declaration still has an open task; without it both scan every task per
 *     declaration. Tasks are written only for flagged declarations (a few per cent), so it costs the write path
 *     little.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index declarations_day_brin on declarations using brin (day);
    create index declaration_badges_day_brin on declaration_badges using brin (day);
    create index health_tasks_declaration_idx on health_tasks (declaration_id);
  `.execute(db);
}
