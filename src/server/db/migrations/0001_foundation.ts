/**
 * Foundation: administrative units, people and households, staff and grants, sessions, one-time codes,
 * the hash-chained audit log, the job queue / outbox, recorded fake notifications, idempotency keys and
 * signing keys.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table admin_units (
      code text primary key,
      parent_code text references admin_units(code),
      level smallint not null check (level between 1 and 6),
      type text not null,
      name text not null,
      -- lower-case name without diacritics, for search ("dong nai" finds "Tỉnh Đồng Nai")
      name_search text not null,
      -- materialized path of codes, each followed by '.', e.g. '75.731.26080.'; jurisdiction = path prefix
      path text not null,
      is_hamlet boolean not null default false,
      created_at timestamptz not null default now()
    );
    create index admin_units_parent_idx on admin_units (parent_code);
    create index admin_units_path_idx on admin_units (path text_pattern_ops);

    create table households (
      id uuid primary key default gen_random_uuid(),
      unit_code text not null references admin_units(code),
      address text,
      created_at timestamptz not null default now()
    );
    create index households_unit_idx on households (unit_code);

    create table people (
      id uuid primary key default gen_random_uuid(),
      national_id text unique check (national_id ~ '^[0-9]{12}$'),
      phone text check (phone ~ '^\\+[1-9][0-9]{7,14}$'),
      name text not null default '',
      birth_year smallint check (birth_year between 1880 and 2200),
      birth_date date,
      sex text check (sex in ('male', 'female', 'other')),
      -- null until a self-registered citizen states where they live; such rows are visible to national scope only
      unit_code text references admin_units(code),
      address text,
      household_id uuid references households(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index people_phone_idx on people (phone);
    create index people_unit_idx on people (unit_code);
    create index people_household_idx on people (household_id);

    -- the phone number a citizen signs in with, and the person it belongs to
    create table citizen_accounts (
      phone text primary key,
      person_id uuid not null unique references people(id),
      created_at timestamptz not null default now()
    );

    -- people a citizen manages: children, elderly parents without phones
    create table dependants (
      guardian_id uuid not null references people(id),
      dependant_id uuid not null references people(id),
      relation text not null,
      created_at timestamptz not null default now(),
      primary key (guardian_id, dependant_id),
      check (guardian_id <> dependant_id)
    );
    create index dependants_dependant_idx on dependants (dependant_id);

    create table staff_users (
      id uuid primary key default gen_random_uuid(),
      username text not null unique check (username ~ '^[a-z0-9._-]{3,64}$'),
      display_name text not null default '',
      password_hash text not null,
      totp_secret text,
      totp_enabled boolean not null default false,
      disabled boolean not null default false,
      failed_logins integer not null default 0,
      locked_until timestamptz,
      created_at timestamptz not null default now()
    );

    create table staff_grants (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references staff_users(id),
      role text not null,
      -- null = national scope
      unit_code text references admin_units(code),
      created_at timestamptz not null default now(),
      unique (user_id, role, unit_code)
    );
    create index staff_grants_user_idx on staff_grants (user_id);

    create table sessions (
      id uuid primary key default gen_random_uuid(),
      token_hash text not null unique,
      kind text not null check (kind in ('staff', 'citizen')),
      user_id uuid references staff_users(id),
      person_id uuid references people(id),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz,
      check ((kind = 'staff' and user_id is not null) or (kind = 'citizen' and person_id is not null))
    );

    create table otp_codes (
      phone text primary key,
      code_hash text not null,
      expires_at timestamptz not null,
      attempts integer not null default 0,
      locked_until timestamptz,
      -- sends in the current hour, to stop SMS pumping
      sends_in_window integer not null default 0,
      window_started_at timestamptz not null default now()
    );

    create table audit_log (
      id bigserial primary key,
      at timestamptz not null,
      actor_type text not null,
      actor_id text,
      action text not null,
      resource_type text,
      resource_id text,
      unit_code text,
      outcome text not null,
      details jsonb not null default '{}'::jsonb,
      prev_hash text not null,
      hash text not null
    );
    create index audit_log_resource_idx on audit_log (resource_type, resource_id);
    create index audit_log_actor_idx on audit_log (actor_id);

    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end $$;
    create trigger audit_log_no_update before update or delete on audit_log
      for each row execute function audit_log_append_only();
    create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_append_only();

    create table jobs (
      id bigserial primary key,
      topic text not null,
      payload jsonb not null,
      run_at timestamptz not null default now(),
      attempts integer not null default 0,
      max_attempts integer not null default 10,
      status text not null default 'pending' check (status in ('pending', 'running', 'done', 'failed')),
      locked_at timestamptz,
      last_error text,
      created_at timestamptz not null default now(),
      done_at timestamptz
    );
    create index jobs_pending_idx on jobs (run_at) where status = 'pending';

    -- messages recorded by the fake notification adapters (dev, tests, demos)
    create table notify_fake_messages (
      id bigserial primary key,
      channel text not null,
      recipient text not null,
      text text not null,
      created_at timestamptz not null default now()
    );
    create index notify_fake_recipient_idx on notify_fake_messages (recipient, id desc);

    create table idempotency_keys (
      scope text not null,
      key text not null,
      request_hash text not null,
      status_code integer not null,
      response jsonb not null,
      created_at timestamptz not null default now(),
      primary key (scope, key)
    );

    create table signing_keys (
      kid text primary key,
      purpose text not null,
      secret text not null,
      created_at timestamptz not null default now(),
      retired_at timestamptz
    );
  `.execute(db);
}
