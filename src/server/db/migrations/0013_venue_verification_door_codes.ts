/**
 * Proof of presence (issue 10, forged exposures).
 *   - Venues carry their verification by the commune: `verified_at`, `verified_by` (the health worker). A citizen can
 *     register a venue in a minute, so a citizen-run venue is unverified until commune staff have checked it; only
 *     verified venues (and staff) may record people by a typed national ID or phone. Venues registered by staff were
 *     verified at creation: the backfill takes their registration time from the audit chain (`venues.create` by a
 *     staff actor), the only record of who registered them; citizen-registered venues start unverified.
 *   - `door_codes`: one-time codes the door (a venue's manager or staff) has sent by SMS to a person without a
 *     smartphone, who reads it back at the door as proof that they are there. One row per send (the send limits per
 *     phone and per venue count rows), the code stored only as an HMAC, spent on use or after too many wrong tries.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table venues
      add column verified_at timestamptz,
      add column verified_by uuid references staff_users(id);
    update venues v set verified_at = a.at, verified_by = s.id
    from (
      select resource_id, min(at) as at, min(actor_id) as actor_id from audit_log
      where action = 'venues.create' and actor_type = 'staff' and resource_type = 'venue'
      group by resource_id
    ) a
    left join staff_users s on s.id::text = a.actor_id
    where v.id::text = a.resource_id;

    create table door_codes (
      id uuid primary key default gen_random_uuid(),
      venue_id uuid not null references venues(id),
      phone text not null,
      code_hash text not null,
      expires_at timestamptz not null,
      attempts integer not null default 0,
      -- set when the code is used or spent by too many wrong tries
      spent_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index door_codes_venue_phone_idx on door_codes (venue_id, phone, created_at desc);
    create index door_codes_phone_idx on door_codes (phone, created_at);
    create index door_codes_venue_idx on door_codes (venue_id, created_at);
  `.execute(db);
}
