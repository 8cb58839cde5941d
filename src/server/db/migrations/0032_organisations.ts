/**
 * Organisations and their members, for "the share of each organisation's members declaring" (issue 12, item 6) and
 * the civil servants' 100 % daily declaration target; both tables belong to the declarations module.
 *   - `organisations`: a public agency (its members are civil servants: `civil_service`) placed in the unit whose
 *     staff manage it, or an enterprise already registered in the module (at most one organisation each, placed
 *     where the enterprise is);
 *   - `organisation_members`: who belongs (people, found or registered through the people module). The statistics
 *     join members to `declaration_badges` on its primary key (person, day): one indexed probe per member, never a
 *     scan of the declarations. `organisation_members_person_idx` answers "which organisations is this person in".
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table organisations (
      id uuid primary key default gen_random_uuid(),
      kind text not null check (kind in ('agency', 'enterprise')),
      name text not null check (length(name) between 1 and 200),
      enterprise_id uuid unique references enterprises(id),
      unit_code text not null references admin_units(code),
      unit_path text not null,
      civil_service boolean not null default false,
      created_by text not null,
      created_at timestamptz not null default now(),
      check ((kind = 'enterprise') = (enterprise_id is not null)),
      check (kind = 'agency' or not civil_service)
    );
    create index organisations_path_idx on organisations (unit_path text_pattern_ops);

    create table organisation_members (
      organisation_id uuid not null references organisations(id),
      person_id uuid not null references people(id),
      added_by text not null,
      added_at timestamptz not null default now(),
      primary key (organisation_id, person_id)
    );
    create index organisation_members_person_idx on organisation_members (person_id);
  `.execute(db);
}
