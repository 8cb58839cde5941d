/**
 * Bluetooth exposure notification (issue 14), the key server of the GAEN protocol; all tables belong to the exposure
 * module (`en_` = Exposure Notification, not to be confused with cases' `exposure_notices`).
 *   - `en_verification_codes`: one-time codes a tracer issues for a confirmed case, stored as SHA-256 only; a code is
 *     exchanged once for an upload token (`verified_at`), the token uploads once (`uploaded_at`, with the body's hash
 *     and answer so a retried upload gets the same answer). The case link is what turns a phone's consented match
 *     into a contact of that F0.
 *   - `en_diagnosis_keys`: uploaded Temporary Exposure Keys (primary key: the key itself, so a key uploaded twice is
 *     stored once), arrival time rounded down to the hour, the batch that published them; deleted 14 days after
 *     their last interval.
 *   - `en_export_batches`: the signed zips clients download (export.bin + export.sig), kept 14 days.
 *   - `en_signing_keys`: the ECDSA P-256 key pair exports are signed with, generated on first use; one active.
 *   - `en_match_reports`: what a citizen chose to report after a match (the F0's case, when, how long, how near).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table en_verification_codes (
      id uuid primary key default gen_random_uuid(),
      code_hash text not null unique,
      case_id uuid not null references cases(id),
      person_id uuid not null,
      unit_code text,
      issued_by uuid references staff_users(id),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      verified_at timestamptz,
      token_expires_at timestamptz,
      uploaded_at timestamptz,
      upload_hash text,
      upload_inserted integer
    );
    create index en_verification_codes_case_idx on en_verification_codes (case_id);
    create index en_verification_codes_created_idx on en_verification_codes (created_at);

    create table en_diagnosis_keys (
      key_data bytea primary key check (length(key_data) = 16),
      rolling_start_interval integer not null,
      rolling_period smallint not null check (rolling_period between 1 and 144),
      transmission_risk smallint not null check (transmission_risk between 0 and 8),
      report_type smallint not null check (report_type between 1 and 3),
      days_since_onset smallint check (days_since_onset between -14 and 14),
      region text not null,
      verification_id uuid not null references en_verification_codes(id) on delete cascade,
      received_at timestamptz not null,
      batch_id integer
    );
    create index en_diagnosis_keys_unpublished_idx on en_diagnosis_keys (rolling_start_interval) where batch_id is null;
    create index en_diagnosis_keys_expiry_idx on en_diagnosis_keys ((rolling_start_interval + rolling_period));
    create index en_diagnosis_keys_verification_idx on en_diagnosis_keys (verification_id);

    create table en_export_batches (
      id serial primary key,
      path text not null unique,
      region text not null,
      start_timestamp timestamptz not null,
      end_timestamp timestamptz not null,
      key_count integer not null,
      padding_count integer not null,
      zip bytea not null,
      created_at timestamptz not null default now()
    );
    create index en_export_batches_created_idx on en_export_batches (created_at);

    create table en_signing_keys (
      id serial primary key,
      key_id text not null,
      key_version text not null,
      private_key_pem text not null,
      public_key_pem text not null,
      created_at timestamptz not null default now(),
      retired_at timestamptz
    );
    create unique index en_signing_keys_one_active on en_signing_keys ((true)) where retired_at is null;

    create table en_match_reports (
      id uuid primary key default gen_random_uuid(),
      case_id uuid not null references cases(id),
      person_id uuid not null,
      verification_id uuid,
      first_seen_at timestamptz not null,
      last_seen_at timestamptz not null,
      minutes real not null,
      risk real not null,
      min_attenuation smallint,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (case_id, person_id)
    );
  `.execute(db);
}
