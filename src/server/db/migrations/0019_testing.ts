/**
 * Testing platform (issue 16); every table belongs to the testing module.
 *   - `labs` and `lab_api_keys` (a lab system's key, stored as SHA-256 only, revocable);
 *   - `testing_settings`: one row — the pool maximum, whether a positive antigen test opens a case, the days of an
 *     F1's quarantine on which they are tested;
 *   - `test_campaigns` (a round for an area and dates), `test_campaign_targets` (target population per commune,
 *     computed from the people registered there, adjustable), `test_points` (where a team collects);
 *   - `samples` (one tube: individual RT-PCR, pooled RT-PCR or rapid antigen; its barcode, where and when it was
 *     collected, the shipment and lab that received or rejected it, its current result) and `sample_members` (the
 *     people in the tube, each with their own status: a positive pool makes every member `retest`);
 *   - `sample_results`: every result ever recorded for a tube, corrections included (with their reason);
 *   - `shipments`: tubes packed for a lab, scanned in on arrival;
 *   - `test_tasks`: someone to test — pool members to re-test individually, tubes to collect again, and the test days
 *     of an F1 under quarantine;
 *   - `testing_daily_stats`: results per collection day (Asia/Ho_Chi_Minh), commune and kind, maintained in the
 *     transaction that records or corrects a result (positivity by commune reads it, not millions of tubes).
 * Barcodes the server makes are 12 digits: an 11-digit serial from `sample_barcode_seq` and a Luhn check digit.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table labs (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 1 and 200),
      unit_code text not null references admin_units(code),
      active boolean not null default true,
      created_at timestamptz not null default now()
    );
    create index labs_unit_idx on labs (unit_code);

    create table lab_api_keys (
      id uuid primary key default gen_random_uuid(),
      lab_id uuid not null references labs(id),
      key_hash text not null unique,
      label text not null,
      created_by text,
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      last_used_at timestamptz
    );
    create index lab_api_keys_lab_idx on lab_api_keys (lab_id);

    create table testing_settings (
      id smallint primary key default 1 check (id = 1),
      pool_max smallint not null default 10 check (pool_max between 2 and 50),
      antigen_opens_case boolean not null default false,
      f1_test_days smallint[] not null default '{1,7}',
      updated_at timestamptz not null default now(),
      updated_by text
    );
    insert into testing_settings (id) values (1);

    create table test_campaigns (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 1 and 200),
      unit_code text not null references admin_units(code),
      starts_on date not null,
      ends_on date not null,
      round smallint not null default 1 check (round between 1 and 100),
      pool_max smallint check (pool_max between 2 and 50),
      created_by text,
      created_at timestamptz not null default now(),
      check (ends_on >= starts_on)
    );
    create index test_campaigns_unit_idx on test_campaigns (unit_code, starts_on);

    create table test_campaign_targets (
      campaign_id uuid not null references test_campaigns(id),
      unit_code text not null references admin_units(code),
      target integer not null check (target >= 0),
      adjusted boolean not null default false,
      primary key (campaign_id, unit_code)
    );

    create table test_points (
      id uuid primary key default gen_random_uuid(),
      campaign_id uuid not null references test_campaigns(id),
      name text not null check (length(name) between 1 and 200),
      unit_code text not null references admin_units(code),
      address text,
      team text,
      created_at timestamptz not null default now()
    );
    create index test_points_campaign_idx on test_points (campaign_id);

    create sequence sample_barcode_seq;

    create table shipments (
      id uuid primary key default gen_random_uuid(),
      lab_id uuid not null references labs(id),
      unit_code text not null references admin_units(code),
      status text not null default 'sent' check (status in ('sent', 'received')),
      created_by text,
      created_at timestamptz not null default now(),
      received_at timestamptz
    );
    create index shipments_lab_idx on shipments (lab_id, status);

    create table samples (
      id uuid primary key default gen_random_uuid(),
      barcode text not null unique,
      kind text not null check (kind in ('rt-pcr', 'rt-pcr-pool', 'antigen')),
      status text not null default 'collected'
        check (status in ('collected', 'shipped', 'received', 'rejected', 'resulted')),
      unit_code text not null references admin_units(code),
      campaign_id uuid references test_campaigns(id),
      point_id uuid references test_points(id),
      member_count smallint not null check (member_count between 1 and 50),
      collected_at timestamptz not null,
      collected_by text,
      created_at timestamptz not null default now(),
      shipment_id uuid references shipments(id),
      lab_id uuid references labs(id),
      received_at timestamptz,
      rejected_reason text check (rejected_reason in ('leaked', 'unlabelled', 'too_old', 'insufficient', 'other')),
      rejected_note text,
      result text check (result in ('positive', 'negative', 'invalid')),
      ct real check (ct between 0 and 60),
      tested_at timestamptz,
      resulted_at timestamptz,
      result_id uuid
    );
    create index samples_unit_collected_idx on samples (unit_code, collected_at);
    create index samples_campaign_idx on samples (campaign_id) where campaign_id is not null;
    create index samples_shipment_idx on samples (shipment_id) where shipment_id is not null;
    create index samples_backlog_idx on samples (lab_id, status) where status in ('shipped', 'received');
    create index samples_resulted_idx on samples (resulted_at) where resulted_at is not null;

    create table sample_members (
      sample_id uuid not null references samples(id),
      person_id uuid not null references people(id),
      position smallint not null,
      unit_code text references admin_units(code),
      status text not null default 'pending'
        check (status in ('pending', 'negative', 'positive', 'retest', 'invalid', 'rejected')),
      primary key (sample_id, person_id)
    );
    create index sample_members_person_idx on sample_members (person_id);

    create table sample_results (
      id uuid primary key default gen_random_uuid(),
      sample_id uuid not null references samples(id),
      result text not null check (result in ('positive', 'negative', 'invalid')),
      ct real check (ct between 0 and 60),
      tested_at timestamptz not null,
      lab_id uuid not null references labs(id),
      source text not null check (source in ('entry', 'import', 'api', 'correction')),
      corrects_id uuid references sample_results(id),
      reason text,
      recorded_by text,
      recorded_at timestamptz not null default now(),
      notified_at timestamptz
    );
    create index sample_results_sample_idx on sample_results (sample_id);

    create table test_tasks (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references people(id),
      unit_code text references admin_units(code),
      reason text not null check (reason in ('pool_positive', 'invalid_result', 'rejected_sample', 'quarantine')),
      due_on date not null,
      source_sample_id uuid references samples(id),
      quarantine_order_id uuid,
      day smallint,
      status text not null default 'open' check (status in ('open', 'done', 'cancelled')),
      done_sample_id uuid references samples(id),
      created_at timestamptz not null default now(),
      done_at timestamptz
    );
    create unique index test_tasks_sample_uq on test_tasks (source_sample_id, person_id)
      where source_sample_id is not null;
    create unique index test_tasks_quarantine_uq on test_tasks (quarantine_order_id, day)
      where quarantine_order_id is not null;
    create index test_tasks_open_idx on test_tasks (person_id) where status = 'open';
    create index test_tasks_unit_idx on test_tasks (unit_code, due_on) where status = 'open';

    create table testing_daily_stats (
      day date not null,
      unit_code text not null references admin_units(code),
      kind text not null check (kind in ('rt-pcr', 'rt-pcr-pool', 'antigen')),
      tubes integer not null default 0,
      people integer not null default 0,
      positive_tubes integer not null default 0,
      positive_people integer not null default 0,
      invalid_tubes integer not null default 0,
      primary key (day, unit_code, kind)
    );
  `.execute(db);
}
