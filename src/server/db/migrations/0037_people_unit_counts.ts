/**
 * Residents per administrative unit, counted by the people module once an hour (`people.count-units`): the
 * denominators of "the share of residents declaring" (declaration statistics), which counted `people` on every call —
 * a scan of the province's people per statistics page at national scale.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table people_unit_counts (
      unit_code text primary key references admin_units(code) on delete cascade,
      unit_path text not null,
      people integer not null,
      counted_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index people_unit_counts_path_idx on people_unit_counts (unit_path text_pattern_ops)`.execute(db);
}
