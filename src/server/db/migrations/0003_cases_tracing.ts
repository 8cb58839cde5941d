/**
 * Cases (F0) and automatic contact tracing: versioned tracing rules, cases with a per-province display code,
 * contacts (F1/F2) with their evidence, quarantine orders, and exposure notices shown to citizens.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table tracing_rules (
      version integer primary key,
      -- exposure window starts this many days before onset (or sample date, or confirmation)
      lookback_days integer not null check (lookback_days between 0 and 30),
      -- two stays at a venue make a contact when they overlap at least this long
      min_overlap_minutes integer not null check (min_overlap_minutes between 1 and 1440),
      include_f2 boolean not null,
      f1_quarantine_days integer not null check (f1_quarantine_days between 0 and 60),
      f1_quarantine_kind text not null check (f1_quarantine_kind in ('home', 'facility')),
      created_at timestamptz not null default now(),
      created_by text
    );
    insert into tracing_rules (version, lookback_days, min_overlap_minutes, include_f2, f1_quarantine_days, f1_quarantine_kind, created_by)
      values (1, 2, 15, true, 14, 'home', 'migration');

    create table case_counters (
      province_code text primary key,
      last_number integer not null
    );

    create table cases (
      id uuid primary key default gen_random_uuid(),
      display_code text not null unique,
      person_id uuid not null references people(id),
      unit_code text references admin_units(code),
      status text not null check (status in ('suspected', 'confirmed', 'isolating', 'treated_home', 'treated_field_hospital',
                                             'treated_hospital', 'recovered', 'died')),
      confirmed_at timestamptz,
      onset_at timestamptz,
      sample_at timestamptz,
      isolated_at timestamptz,
      closed_at timestamptz,
      source_case_id uuid references cases(id),
      source_note text,
      origin text not null check (origin in ('tracer', 'test_result')),
      origin_ref text,
      rule_version integer not null references tracing_rules(version),
      traced_at timestamptz,
      created_by text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    -- one open episode per person: a new case for the same person needs the previous one closed
    create unique index cases_one_open_per_person on cases (person_id) where status not in ('recovered', 'died');
    create unique index cases_origin_ref_idx on cases (origin, origin_ref) where origin_ref is not null;
    create index cases_unit_idx on cases (unit_code);
    create index cases_confirmed_idx on cases (confirmed_at);

    create table contacts (
      id uuid primary key default gen_random_uuid(),
      case_id uuid not null references cases(id),
      person_id uuid not null references people(id),
      degree smallint not null check (degree in (1, 2)),
      via_type text not null check (via_type in ('venue', 'household', 'manual', 'ble')),
      venue_id uuid references venues(id),
      zone_id uuid,
      overlap_start timestamptz,
      overlap_end timestamptz,
      overlap_minutes integer,
      -- F2: the F1 through whom the exposure happened
      through_person_id uuid references people(id),
      note text,
      rule_version integer not null,
      unit_code text references admin_units(code),
      follow_up text not null default 'identified'
        check (follow_up in ('identified', 'notified', 'reached', 'tested', 'quarantined', 'released')),
      assigned_tracer_id uuid references staff_users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index contacts_evidence_uniq on contacts
      (case_id, person_id, degree, via_type, venue_id, overlap_start, through_person_id) nulls not distinct;
    create index contacts_case_idx on contacts (case_id, degree);
    create index contacts_person_idx on contacts (person_id);

    create table quarantine_orders (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references people(id),
      case_id uuid not null references cases(id),
      kind text not null check (kind in ('home', 'facility')),
      starts_on date not null,
      ends_on date not null,
      status text not null default 'active' check (status in ('active', 'released', 'cancelled')),
      unit_code text references admin_units(code),
      created_at timestamptz not null default now(),
      unique (person_id, case_id)
    );
    create index quarantine_orders_person_idx on quarantine_orders (person_id);

    -- what a citizen is told: "you were at venue X at the same time as a confirmed case" (never who)
    create table exposure_notices (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references people(id),
      case_id uuid not null references cases(id),
      degree smallint not null,
      venue_id uuid references venues(id),
      exposure_start timestamptz,
      exposure_end timestamptz,
      kind text not null check (kind in ('venue', 'household', 'manual', 'ble', 'advisory', 'venue_alert')),
      created_at timestamptz not null default now(),
      unique (person_id, case_id, kind, venue_id, exposure_start)
    );
    create index exposure_notices_person_idx on exposure_notices (person_id, created_at desc);
  `.execute(db);
}
