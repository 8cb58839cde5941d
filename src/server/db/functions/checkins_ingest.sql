-- checkins_ingest(...): a check-in batch in ONE statement (modules/checkins/writer.ts): it looks up what is stored
-- already and what the door must know, and writes the rest, so the serial writer's cycle is one round trip whatever
-- the batch's size.
--
-- Columns arrive as arrays, one element per check-in, in arrival order; the writer never sends two check-ins of the
-- same batch that could affect each other (same idempotency key, or same person, venue and zone within the
-- duplicate window: the later one waits for the next batch), so each is decided on its own:
--   key stored already          → 'stored' (ref = the stored response) or 'reused' (another request body)
--   a live scan (door_enforce) at a venue that requires a declaration today, and the person has none for the day
--                               → 'declaration_required' (nothing written)
--   an open check-in it repeats → 'duplicate' (ref = that check-in's id)
--   otherwise                   → 'written': key, row (with its evidence), audit rows (and, for late ones, the
--                                 checkins.late job)
--   key inserted meanwhile by another process (ON CONFLICT) → 'raced', nothing written for it
-- The door's look-up (`declaration_door_checks`, db/functions/declaration_door_checks.sql: the venue's rule, the
-- person's badge status of the day, and — door_persons — who the person is) is read for every check-in with a
-- door_day, and returned: statuses (null = nothing declared that day), and for a person shown, `shown` — 'full' when
-- the actor may read the person (a read_paths element of the check-in ('' = everywhere) is a prefix of the person's
-- unit path, or door_selves is the person: people's `doorPersonView` rule, as data), 'masked' otherwise, 'no-name'
-- for a blank name, null when there is no such person — with the name, birth year and birth date. An audit entry
-- marked in a_shown holds shown_token (a JSON string) where its details say what was shown, in the details and in
-- the chain payload alike: the statement writes the check-in's `shown` there ('none' when there is no such person;
-- an entry marked 'door' is then not written at all, one marked 'door-always' is), so the audit row says what the
-- door was shown, in the check-in's commit.
-- Returns the outcome and ref of every check-in. The look-ups are LIMIT 1 index probes and primary-key reads per
-- check-in, never joins the planner could run as a scan of a table that has grown since the plan was made.
--
-- The live definition: db/migrate.ts applies this file after the numbered migrations whenever its text changes.
-- Edit it here, never in a migration; a change of the parameters or the result needs `drop function if exists
-- checkins_ingest(<the old parameter types>)` first, or the old signature would live on beside the new one.
drop function if exists checkins_ingest(text[], text[], text[], text[], uuid[], uuid[], uuid[], uuid[],
  timestamptz[], timestamptz[], text[], text[], text[], text[], text[], interval, integer[], timestamptz[], text[],
  text[], text[], text[], text[], text[], text[], text[], text[], text, timestamptz);
create or replace function checkins_ingest(
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
  -- the door's look-up (see above): the local day (null = none), live scan, person shown, whom the actor reads in
  -- full (read_items = the 1-based check-in each read_paths element belongs to); a_shown per audit entry (null,
  -- 'door' or 'door-always') and the token its details hold
  door_days date[], door_enforce boolean[], door_persons boolean[], door_selves uuid[], read_items integer[],
  read_paths text[], a_shown text[], shown_token text,
  out outcomes text[], out refs text[], out statuses text[], out shown text[], out names text[],
  out birth_years integer[], out birth_dates text[]
) language plpgsql as $$
    declare
      n integer := coalesce(cardinality(ids), 0);
      lost integer[];
      lost_item integer;
    begin
      -- what is stored already: each check-in's idempotency record, and an open check-in it would repeat; and what
      -- the door must know (its rule refuses a live scan before anything is written)
      select array_agg(case
               when s.request_hash is not null and s.request_hash = i.hash then 'stored'
               when s.request_hash is not null then 'reused'
               when i.enforce and d.required and d.status is null then 'declaration_required'
               when c.id is not null then 'duplicate'
               else 'written' end order by i.n),
             array_agg(case
               when s.request_hash is not null and s.request_hash = i.hash then s.response::text
               when s.request_hash is null and c.id is not null then c.id::text end order by i.n),
             array_agg(d.status order by i.n),
             array_agg(case
               when d.person_id is null then null
               when btrim(d.name) = '' then 'no-name'
               when d.person_id = i.self or exists (
                 select 1 from unnest(read_items, read_paths) as rp(item, path)
                 where rp.item = i.n and (rp.path = '' or starts_with(d.unit_path, rp.path))
               ) then 'full'
               else 'masked' end order by i.n),
             array_agg(d.name order by i.n), array_agg(d.birth_year order by i.n),
             array_agg(d.birth_date order by i.n)
        into outcomes, refs, statuses, shown, names, birth_years, birth_dates
      from unnest(key_scopes, key_keys, key_hashes, person_ids, venue_ids, zone_ids, checked_in_ats, door_enforce,
                  door_selves)
        with ordinality as i(scope, key, hash, person_id, venue_id, zone_id, at, enforce, self, n)
      left join declaration_door_checks(venue_ids, person_ids, door_days, door_persons) d on d.i = i.n
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
               coalesce(array_agg(case when a.shown_as is null then a.details
                                       else replace(a.details, shown_token, to_json(coalesce(shown[a.item], 'none'))::text)
                                       end order by a.e), '{}'),
               coalesce(array_agg(case when a.shown_as is null then a.payload
                                       else replace(a.payload, shown_token, to_json(coalesce(shown[a.item], 'none'))::text)
                                       end order by a.e), '{}')
          into a_ats, a_actor_types, a_actor_ids, a_actions, a_resource_types, a_resource_ids, a_unit_codes,
               a_outcomes, a_details, a_payloads
        from unnest(a_items, a_ats, a_actor_types, a_actor_ids, a_actions, a_resource_types, a_resource_ids,
                    a_unit_codes, a_outcomes, a_details, a_payloads, a_shown)
          with ordinality as a(item, at, actor_type, actor_id, action, resource_type, resource_id, unit_code, outcome,
                               details, payload, shown_as, e)
        where outcomes[a.item] = 'written'
          and (a.shown_as is null or a.shown_as = 'door-always' or shown[a.item] is not null);
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
