/**
 * Venues (with zones and managers) and check-ins. Check-ins are range-partitioned by day on `checked_in_at`
 * (UTC days), so the retention purge drops whole partitions instead of deleting rows. Partitions are created
 * ahead of time by the `checkins.maintain` job (and at start); a default partition catches anything outside them.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table venues (
      id uuid primary key default gen_random_uuid(),
      short_code text not null unique,
      name text not null,
      category text not null,
      unit_code text not null references admin_units(code),
      address text not null,
      lat double precision check (lat between -90 and 90),
      lng double precision check (lng between -180 and 180),
      default_stay_minutes integer not null default 60 check (default_stay_minutes between 1 and 1440),
      capacity integer check (capacity > 0),
      qr_mode text not null default 'static' check (qr_mode in ('static', 'rotating')),
      rotating_minutes integer not null default 5 check (rotating_minutes between 1 and 60),
      qr_version integer not null default 1,
      -- after a rotation the previous version stays valid until qr_grace_until
      qr_previous_version integer,
      qr_grace_until timestamptz,
      -- time-bounded venues: a bus/coach trip, a wedding, a funeral, a conference
      starts_at timestamptz,
      ends_at timestamptz,
      vehicle_plate text,
      route text,
      parent_venue_id uuid references venues(id),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (ends_at is null or starts_at is null or ends_at > starts_at)
    );
    create index venues_unit_idx on venues (unit_code);
    create index venues_category_idx on venues (category);

    create table venue_zones (
      id uuid primary key default gen_random_uuid(),
      venue_id uuid not null references venues(id),
      name text not null,
      unique (venue_id, name)
    );

    -- citizens (signed in by phone) who manage a venue: they registered it or were added by its managers/staff
    create table venue_managers (
      venue_id uuid not null references venues(id),
      person_id uuid not null references people(id),
      created_at timestamptz not null default now(),
      primary key (venue_id, person_id)
    );
    create index venue_managers_person_idx on venue_managers (person_id);

    create table checkins (
      id uuid not null default gen_random_uuid(),
      venue_id uuid not null,
      zone_id uuid,
      person_id uuid not null,
      checked_in_at timestamptz not null,
      checked_out_at timestamptz,
      -- when the stay ends if nobody checks out: checked_in_at + the venue's default stay
      implied_out_at timestamptz not null,
      method text not null check (method in ('citizen_scan', 'short_code', 'staff_scan', 'staff_manual', 'bulk')),
      actor_type text not null,
      actor_id text,
      -- the venue's unit, for jurisdiction and distribution by province
      unit_code text not null,
      created_at timestamptz not null default now(),
      primary key (id, checked_in_at)
    ) partition by range (checked_in_at);
    create index checkins_venue_time_idx on checkins (venue_id, checked_in_at);
    create index checkins_person_time_idx on checkins (person_id, checked_in_at);
    create index checkins_id_idx on checkins (id);
    create table checkins_default partition of checkins default;
  `.execute(db);
}
