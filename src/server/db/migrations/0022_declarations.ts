/**
 * Electronic health declaration and the enterprise COVID-risk self-assessment (issue 12); every table belongs to the
 * declarations module.
 *   - `declaration_forms`: versioned forms (`domestic`, `entry`) as data — typed questions and triage rules (JSON),
 *     and how long the previous version stays accepted after this one is published (`grace_hours`);
 *   - `declarations`: one declaration (who, for whom, which form version, the answers, ok/flagged with reasons,
 *     through what: the app, staff, a partner), with its local day (Asia/Ho_Chi_Minh);
 *   - `declaration_badges`: one row per person and local day, the day's worst status — the one indexed look-up the
 *     check-in path and the citizen's home read;
 *   - `health_tasks`: a flagged declaration's follow-up for the commune health station (new → called → tested →
 *     closed), at most one open per person;
 *   - `declaration_daily_stats`: declarations, people and flagged counts per day and commune, maintained in the
 *     transaction that records a declaration (statistics never scan the declarations);
 *   - `declaration_venue_rules`: venues that require a declaration today to check in;
 *   - `declaration_partners`, `partner_phone_codes`, `partner_verified_phones`: partner systems (Zalo OA, SMS
 *     gateways) with their API key (SHA-256 only) and rate limit, and the phones each verified by a one-time code;
 *   - `enterprise_criteria` (versioned criteria, score bands, validity), `enterprises`, `enterprise_assessments`,
 *     `enterprise_inspections`.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table declaration_forms (
      type text not null check (type in ('domestic', 'entry')),
      version integer not null check (version > 0),
      questions jsonb not null,
      rules jsonb not null,
      grace_hours integer not null default 48 check (grace_hours between 0 and 720),
      published_at timestamptz not null default now(),
      published_by text,
      primary key (type, version)
    );

    create table declarations (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references people(id),
      type text not null check (type in ('domestic', 'entry')),
      form_version integer not null,
      answers jsonb not null,
      status text not null check (status in ('ok', 'flagged')),
      reasons text[] not null default '{}',
      via text not null check (via in ('app', 'staff', 'partner')),
      actor_type text not null,
      actor_id text not null,
      partner_id uuid,
      unit_code text,
      commune_code text,
      day date not null,
      declared_at timestamptz not null default now()
    );
    create index declarations_person_idx on declarations (person_id, declared_at desc);
    create index declarations_day_commune_idx on declarations (day, commune_code);

    create table declaration_badges (
      person_id uuid not null,
      day date not null,
      status text not null check (status in ('ok', 'flagged')),
      declaration_id uuid not null,
      updated_at timestamptz not null default now(),
      primary key (person_id, day)
    );

    create table health_tasks (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references people(id),
      declaration_id uuid not null references declarations(id),
      unit_code text,
      unit_path text,
      reason text not null,
      reasons text[] not null,
      status text not null default 'new' check (status in ('new', 'called', 'tested', 'closed')),
      assigned_to text,
      notes jsonb not null default '[]',
      due_at timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      closed_at timestamptz
    );
    create unique index health_tasks_one_open_idx on health_tasks (person_id) where status <> 'closed';
    create index health_tasks_path_idx on health_tasks (unit_path text_pattern_ops, status);
    create index health_tasks_open_idx on health_tasks (created_at) where status <> 'closed';

    create table declaration_daily_stats (
      day date not null,
      commune_code text not null,
      unit_path text,
      declarations integer not null default 0,
      people integer not null default 0,
      flagged integer not null default 0,
      symptom integer not null default 0,
      exposure integer not null default 0,
      entry_area integer not null default 0,
      case_or_quarantine integer not null default 0,
      primary key (day, commune_code)
    );
    create index declaration_daily_stats_path_idx on declaration_daily_stats (unit_path text_pattern_ops, day);

    create table declaration_venue_rules (
      venue_id uuid primary key,
      require_today boolean not null,
      set_by text not null,
      set_at timestamptz not null default now()
    );

    create table declaration_partners (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 1 and 200),
      key_hash text not null unique,
      rate_per_minute integer not null check (rate_per_minute between 1 and 100000),
      unit_code text references admin_units(code),
      active boolean not null default true,
      created_by text,
      created_at timestamptz not null default now()
    );

    create table partner_phone_codes (
      id uuid primary key default gen_random_uuid(),
      partner_id uuid not null references declaration_partners(id),
      phone text not null,
      code_hash text not null,
      expires_at timestamptz not null,
      attempts integer not null default 0,
      spent_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index partner_phone_codes_idx on partner_phone_codes (partner_id, phone, created_at desc);

    create table partner_verified_phones (
      partner_id uuid not null references declaration_partners(id),
      phone text not null,
      verified_at timestamptz not null default now(),
      primary key (partner_id, phone)
    );

    create table enterprise_criteria (
      version integer primary key check (version > 0),
      questions jsonb not null,
      bands jsonb not null,
      valid_days integer not null check (valid_days between 1 and 365),
      published_at timestamptz not null default now(),
      published_by text
    );

    create table enterprises (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 1 and 200),
      tax_code text not null unique,
      unit_code text not null references admin_units(code),
      unit_path text not null,
      industrial_park text,
      address text,
      workers integer not null check (workers >= 0),
      shifts integer not null default 1 check (shifts between 1 and 4),
      owner_person_id uuid references people(id),
      created_by text not null,
      reassess_required_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index enterprises_path_idx on enterprises (unit_path text_pattern_ops);
    create index enterprises_owner_idx on enterprises (owner_person_id);

    create table enterprise_assessments (
      id uuid primary key default gen_random_uuid(),
      enterprise_id uuid not null references enterprises(id),
      criteria_version integer not null,
      answers jsonb not null,
      score double precision not null check (score between 0 and 100),
      level text not null check (level in ('very_low', 'low', 'medium', 'high', 'very_high')),
      valid_until timestamptz not null,
      actor_type text not null,
      actor_id text not null,
      created_at timestamptz not null default now()
    );
    create index enterprise_assessments_idx on enterprise_assessments (enterprise_id, created_at desc);

    create table enterprise_inspections (
      id uuid primary key default gen_random_uuid(),
      enterprise_id uuid not null references enterprises(id),
      inspector_id text not null,
      findings text not null,
      passed boolean not null,
      require_reassessment boolean not null default false,
      created_at timestamptz not null default now()
    );
    create index enterprise_inspections_idx on enterprise_inspections (enterprise_id, created_at desc);
  `.execute(db);
}
