/**
 * Each case keeps how many people its F1 and F2 count (issue 11.10): the case list shows them on every card, and
 * counting a case's distinct contacts on every page read is the one cost of a list page that grows with a case —
 * a case with 300,000 contacts (a stadium's venue alert) cost the page holding it 120–560 ms. The counts are
 * written by the cases repository in the transaction that changes the evidence (`refreshContactCounts`, under the
 * case row's lock, so concurrent writers of one case count in turn); this migration counts the cases there are.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table cases add column f1_count integer not null default 0, add column f2_count integer not null default 0;
    update cases c set f1_count = t.f1, f2_count = t.f2
    from (select case_id, count(distinct person_id) filter (where degree = 1)::int as f1,
                 count(distinct person_id) filter (where degree = 2)::int as f2
          from contacts where confirmation <> 'dismissed' group by case_id) t
    where t.case_id = c.id;
  `.execute(db);
}
