/**
 * Evidence of presence (issue 10, forged exposures).
 *   - Every check-in says how it proves the person was there (`checkins.evidence`): `qr_self` (the person scanned the
 *     venue's code or typed its short code on their own phone), `qr_personal` (the door scanned the person's signed
 *     QR), `otp` (the person read back a one-time code sent to their phone), `typed_staff` (a staff account, or the
 *     manager of a commune-verified venue, typed a national ID or phone) and `typed_unverified` (typed with nothing
 *     behind it). Rows written before this migration get what their method and writer tell: citizen scans and short
 *     codes `qr_self`, staff scans `qr_personal`, typed or listed entries by a staff account `typed_staff`, and typed or
 *     listed entries by a citizen manager (the forged-exposure hole) `typed_unverified`. The column is added with
 *     the default `qr_self` (a fast default: no rewrite of the majority, citizen scans), the rest are updated, then the
 *     default becomes `typed_unverified`: a writer that does not say how it knows is never trusted.
 *   - The check-in indexes carry the evidence (INCLUDE) so the contact finder keeps reading index-only.
 *   - `checkins_ingest(...)` takes the evidence per check-in; otherwise 0012's function unchanged (one statement per
 *     batch).
 *   - Contacts carry their confirmation: `confirmed` (strong evidence, or confirmed by a tracer: ordered and told),
 *     `pending` (found only through weak evidence: listed for the tracer "to confirm", no order, no message) or
 *     `dismissed` (a tracer found it false). Stored contacts were all acted on already: `confirmed`.
 *   - `exposure_notices` shows citizens only confirmed evidence.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table checkins add column evidence text not null default 'qr_self'
      check (evidence in ('qr_self', 'qr_personal', 'otp', 'typed_staff', 'typed_unverified'));
    update checkins set evidence = case
        when method = 'staff_scan' then 'qr_personal'
        when actor_type = 'citizen' then 'typed_unverified'
        else 'typed_staff' end
      where method in ('staff_scan', 'staff_manual', 'bulk');
    alter table checkins alter column evidence set default 'typed_unverified';

    drop index checkins_venue_time_idx;
    create index checkins_venue_time_idx on checkins (venue_id, checked_in_at)
      include (person_id, zone_id, checked_out_at, implied_out_at, evidence);
    drop index checkins_person_time_idx;
    create index checkins_person_time_idx on checkins (person_id, checked_in_at)
      include (venue_id, zone_id, checked_out_at, implied_out_at, evidence);

    alter table contacts add column confirmation text not null default 'confirmed'
      check (confirmation in ('confirmed', 'pending', 'dismissed'));
    alter table contacts alter column confirmation drop default;

    create or replace view exposure_notices as
      select distinct on (person_id, case_id)
             id, person_id, case_id, degree, venue_id, overlap_start as exposure_start, overlap_end as exposure_end,
             case when degree = 2 then 'advisory' else via_type end as kind, created_at
      from contacts
      where confirmation = 'confirmed'
      order by person_id, case_id, degree, overlap_start nulls last, id;

    drop function checkins_ingest(text[], text[], text[], text[], uuid[], uuid[], uuid[], uuid[], timestamptz[],
      timestamptz[], text[], text[], text[], text[], interval, integer[], timestamptz[], text[], text[], text[], text[],
      text[], text[], text[], text[], text[], text, timestamptz);
  `.execute(db);
  await sql`
    create function checkins_ingest(
      -- idempotency (null key = the check-in has none); key_responses = the answer to store if written
      key_scopes text[], key_keys text[], key_hashes text[], key_responses text[],
      -- the rows
      ids uuid[], venue_ids uuid[], zone_ids uuid[], person_ids uuid[], checked_in_ats timestamptz[],
      implied_out_ats timestamptz[], methods text[], actor_types text[], actor_ids text[], unit_codes text[],
      -- how each check-in proves the person was there (checkins.evidence)
      evidences text[],
      -- same person, venue and zone within this of an open check-in = a double scan
      duplicate_window interval,
      -- audit entries: a_items = the (1-based) check-in each entry belongs to; the rest as audit_append_rows takes them
      a_items integer[], a_ats timestamptz[], a_actor_types text[], a_actor_ids text[], a_actions text[],
      a_resource_types text[], a_resource_ids text[], a_unit_codes text[], a_outcomes text[], a_details text[],
      a_payloads text[],
      -- written check-ins at or before late_before go into one late_topic job (null topic = never)
      late_topic text, late_before timestamptz,
      out outcomes text[], out refs text[]
    ) language plpgsql as $$
    declare
      n integer := coalesce(cardinality(ids), 0);
      lost integer[];
      lost_item integer;
    begin
      -- what is stored already: each check-in's idempotency record, and an open check-in it would repeat
      select array_agg(case
               when s.request_hash is not null and s.request_hash = i.hash then 'stored'
               when s.request_hash is not null then 'reused'
               when c.id is not null then 'duplicate'
               else 'written' end order by i.n),
             array_agg(case
               when s.request_hash is not null and s.request_hash = i.hash then s.response::text
               when s.request_hash is null and c.id is not null then c.id::text end order by i.n)
        into outcomes, refs
      from unnest(key_scopes, key_keys, key_hashes, person_ids, venue_ids, zone_ids, checked_in_ats)
        with ordinality as i(scope, key, hash, person_id, venue_id, zone_id, at, n)
      left join lateral (
        -- one primary-key probe per check-in, never a scan of the key table: planned while the table was small (a
        -- fresh database, or statistics not yet caught up), a hash join read the whole table for every batch
        select k.request_hash, k.response from idempotency_keys k where k.scope = i.scope and k.key = i.key limit 1
      ) s on true
      left join lateral (
        -- the venue is deliberately not an index condition: the person's index is the selective one (a venue may
        -- hold thousands of check-ins within minutes), whatever the statistics of a fresh day partition say
        select c.id from checkins c
        where c.person_id = i.person_id
          and c.checked_in_at >= i.at - duplicate_window and c.checked_in_at <= i.at + duplicate_window
          and (c.venue_id, c.zone_id) is not distinct from (i.venue_id, i.zone_id)
          and c.checked_out_at is null
        limit 1
      ) c on true;
      if n = 0 or not ('written' = any(outcomes)) then
        return;
      end if;

      with won as (
        insert into idempotency_keys (scope, key, request_hash, status_code, response)
        select key_scopes[k], key_keys[k], key_hashes[k], 201, key_responses[k]::jsonb
        from generate_subscripts(ids, 1) as k
        where outcomes[k] = 'written' and key_keys[k] is not null
        on conflict do nothing
        returning scope, key
      )
      select array_agg(k) into lost
      from generate_subscripts(ids, 1) as k
      where outcomes[k] = 'written' and key_keys[k] is not null
        and not exists (select 1 from won w where w.scope = key_scopes[k] and w.key = key_keys[k]);
      if lost is not null then
        foreach lost_item in array lost loop
          outcomes[lost_item] := 'raced';
        end loop;
      end if;

      insert into checkins
        (id, venue_id, zone_id, person_id, checked_in_at, implied_out_at, method, actor_type, actor_id, unit_code,
         evidence)
      select ids[k], venue_ids[k], zone_ids[k], person_ids[k], checked_in_ats[k], implied_out_ats[k], methods[k],
             actor_types[k], actor_ids[k], unit_codes[k], evidences[k]
      from generate_subscripts(ids, 1) as k
      where outcomes[k] = 'written';

      if coalesce(cardinality(a_items), 0) > 0 then
        select coalesce(array_agg(a.at order by a.e), '{}'), coalesce(array_agg(a.actor_type order by a.e), '{}'),
               coalesce(array_agg(a.actor_id order by a.e), '{}'), coalesce(array_agg(a.action order by a.e), '{}'),
               coalesce(array_agg(a.resource_type order by a.e), '{}'),
               coalesce(array_agg(a.resource_id order by a.e), '{}'),
               coalesce(array_agg(a.unit_code order by a.e), '{}'), coalesce(array_agg(a.outcome order by a.e), '{}'),
               coalesce(array_agg(a.details order by a.e), '{}'), coalesce(array_agg(a.payload order by a.e), '{}')
          into a_ats, a_actor_types, a_actor_ids, a_actions, a_resource_types, a_resource_ids, a_unit_codes,
               a_outcomes, a_details, a_payloads
        from unnest(a_items, a_ats, a_actor_types, a_actor_ids, a_actions, a_resource_types, a_resource_ids,
                    a_unit_codes, a_outcomes, a_details, a_payloads)
          with ordinality as a(item, at, actor_type, actor_id, action, resource_type, resource_id, unit_code, outcome,
                               details, payload, e)
        where outcomes[a.item] = 'written';
        if cardinality(a_payloads) > 0 then
          perform audit_append_rows(a_ats, a_actor_types, a_actor_ids, a_actions, a_resource_types, a_resource_ids,
                                    a_unit_codes, a_outcomes, a_details, a_payloads);
        end if;
      end if;

      -- delayed syncs may reveal contacts of cases traced already: tell the tracing side, in this commit
      if late_topic is not null then
        insert into jobs (topic, payload)
        select late_topic, jsonb_build_object('items', jsonb_agg(jsonb_build_object(
                 'venueId', l.venue_id,
                 'from', to_char(l.f at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                 'to', to_char(l.t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))))
        from (
          select venue_ids[k] as venue_id, min(checked_in_ats[k]) as f, max(implied_out_ats[k]) as t
          from generate_subscripts(ids, 1) as k
          where outcomes[k] = 'written' and checked_in_ats[k] <= late_before
          group by venue_ids[k]
        ) l
        having count(*) > 0;
      end if;
    end $$;
  `.execute(db);
}
