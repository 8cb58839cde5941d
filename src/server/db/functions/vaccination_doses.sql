-- The dose writer's two statements (modules/vaccination/writer.ts): a batch of doses is one transaction of
--   BEGIN; select vaccination_dose_state(...); <the rules, decided in Node>; select vaccination_doses_write(...); COMMIT
-- so the serial writer's cycle is four round trips whatever the batch's size (it was sixteen as Kysely statements,
-- and under load the round trips, not the work, made the cycle). The rules stay in Node (rules.ts): these functions
-- only lock, read and write.
--
-- The live definition: db/migrate.ts applies this file after the numbered migrations whenever its text changes.
-- Edit it here, never in a migration; a change of the parameters needs `drop function if exists
-- name(<the old parameter types>)` first, or the old signature would live on beside the new one.

-- vaccination_dose_state(...): locks a batch's idempotency keys (the lock platform/idempotency.ts runIdempotent
-- takes) and its people (the per-person lock of every change to a person's doses), each in one order — keys first,
-- then people, as runIdempotent's work does — and then, in a statement of its own (so it sees everything committed
-- before the locks were granted: a volatile function's statements each take a new snapshot in READ COMMITTED),
-- reads what the rules need, as one JSON object:
--   stored      the keys stored already: [{scope, key, hash, response}]
--   doses       the people's valid doses in order of time, then of recording, with their coverage key
--   lots        per (site, lot number) asked: the lot there (null if none) and, when none, whether the number exists
--               at another site
--   screenings  per dose (its 1-based position n): the screening it names, else the person's newest since `since`
--   groups      per person: the priority group of their newest registration
-- Every read is an index probe per item (a lateral subquery), never a join the planner could turn into a scan: the
-- people's doses were once a plain join, and this function's cached generic plan hashed them against a sequential
-- scan of every dose (the table's statistics still those of a small one): 14 ms a batch, half the database's CPU per
-- dose under bench/vaccination.
create or replace function vaccination_dose_state(
  k_scopes text[], k_keys text[],
  -- one element per dose
  d_people uuid[], d_sites uuid[], d_lots text[], d_screenings uuid[], d_since timestamptz[]
) returns jsonb
language plpgsql as $$
begin
  perform pg_advisory_xact_lock(7231003, l.h)
  from (select distinct hashtext(x.s || ':' || x.k) as h from unnest(k_scopes, k_keys) as x(s, k) order by 1) l;
  perform pg_advisory_xact_lock(7231013, l.h)
  from (select distinct hashtext(p::text) as h from unnest(d_people) as p order by 1) l;

  return jsonb_build_object(
    'stored', coalesce((
      select jsonb_agg(jsonb_build_object('scope', x.s, 'key', x.k, 'hash', i.request_hash, 'response', i.response))
      from unnest(k_scopes, k_keys) as x(s, k)
      join lateral (
        select request_hash, response from idempotency_keys where scope = x.s and key = x.k limit 1
      ) i on true), '[]'::jsonb),
    'doses', coalesce((
      select jsonb_agg(jsonb_build_object(
               'person_id', d.person_id, 'product_code', d.product_code, 'dose_number', d.dose_number,
               'given_at', d.given_at, 'commune_code', d.commune_code, 'unit_path', d.unit_path,
               'age_band', d.age_band, 'priority_group', d.priority_group)
             order by d.person_id, d.given_at, d.created_at)
      from (select distinct p from unnest(d_people) as p) x
      cross join lateral (
        -- the order by keeps the planner from flattening this into a join (see the header)
        select * from vaccination_doses where person_id = x.p and status = 'valid' order by given_at, created_at
      ) d), '[]'::jsonb),
    'lots', coalesce((
      select jsonb_agg(jsonb_build_object(
               'site_id', x.site, 'lot_number', x.lot,
               'lot', case when l.id is not null then jsonb_build_object(
                        'id', l.id, 'product_code', l.product_code, 'lot_number', l.lot_number,
                        'expires_on', l.expires_on, 'quantity', l.quantity, 'used', l.used) end,
               'elsewhere', l.id is null and exists (select 1 from vaccine_lots e where e.lot_number = x.lot)))
      from (select distinct site, lot from unnest(d_sites, d_lots) as u(site, lot)) x
      left join lateral (
        -- (site, lot number) is unique; the limit keeps this a probe, as the doses' order by does
        select * from vaccine_lots where site_id = x.site and lot_number = x.lot limit 1
      ) l on true), '[]'::jsonb),
    'screenings', coalesce((
      select jsonb_agg(jsonb_build_object('n', x.n, 'id', s.id, 'person_id', s.person_id, 'outcome', s.outcome))
      from unnest(d_screenings, d_people, d_since) with ordinality as x(sid, person, since, n)
      join lateral (
        select v.id, v.person_id, v.outcome from vaccination_screenings v
        -- a screening named by id counts only within the day before the dose, like the latest one: an old `proceed`
        -- cannot stand in for this morning's `defer` (the writer then refuses the id)
        where x.sid is not null and v.id = x.sid and v.created_at >= x.since
        union all
        (select v.id, v.person_id, v.outcome from vaccination_screenings v
         where x.sid is null and v.person_id = x.person and v.created_at >= x.since
         order by v.created_at desc limit 1)
      ) s on true), '[]'::jsonb),
    'groups', coalesce((
      select jsonb_agg(jsonb_build_object('person_id', x.p, 'priority_group', r.priority_group))
      from (select distinct p from unnest(d_people) as p) x
      join lateral (
        select priority_group from vaccination_registrations
        where person_id = x.p order by created_at desc limit 1
      ) r on true), '[]'::jsonb));
end;
$$;

-- vaccination_doses_write(...): writes the doses the writer accepted, after vaccination_dose_state in the same
-- transaction: the keys' records with their answers, the doses, the people's open registrations done, one
-- `p_topic` job per dose (payloads checked against the topic in Node), then the rows other writers share, so their
-- locks are held only for the last statements and the commit: the coverage counters (summed per key and sent in key
-- order by the caller, the order of repo.ts mergedCoverage that every writer of the counters uses),
-- each lot's stock (in id order; false, having written the rest, when a lot no longer has the doses — another process
-- took them since the read: the caller rolls back), the audit rows (audit_append_rows, the chain's lock).
create or replace function vaccination_doses_write(
  -- [{scope, key, hash, response}]
  p_answers jsonb,
  -- [{id, person_id, product_code, lot_id, lot_number, dose_number, site_id, given_at, commune_code, unit_path,
  --   age_band, priority_group, screening_id, recorded_by, override_reason}]
  p_doses jsonb,
  p_people uuid[], p_topic text, p_events jsonb,
  -- [{commune_code, unit_path, age_band, priority_group, people_dose1, people_full, people_booster, doses}]
  p_coverage jsonb,
  p_lot_ids uuid[], p_lot_takes integer[],
  a_ats timestamptz[], a_actor_types text[], a_actor_ids text[], a_actions text[], a_resource_types text[],
  a_resource_ids text[], a_unit_codes text[], a_outcomes text[], a_details text[], a_payloads text[]
) returns boolean
language plpgsql as $$
begin
  insert into idempotency_keys (scope, key, request_hash, status_code, response)
  select a.scope, a.key, a.hash, 201, a.response
  from jsonb_to_recordset(p_answers) as a(scope text, key text, hash text, response jsonb);

  insert into vaccination_doses (id, person_id, product_code, lot_id, lot_number, dose_number, site_id, given_at,
    country, place, source, status, commune_code, unit_path, age_band, priority_group, screening_id, evidence_id,
    recorded_by, override_reason)
  select d.id, d.person_id, d.product_code, d.lot_id, d.lot_number, d.dose_number, d.site_id, d.given_at, 'VN', null,
         'site', 'valid', d.commune_code, d.unit_path, d.age_band, d.priority_group, d.screening_id, null,
         d.recorded_by, d.override_reason
  from jsonb_to_recordset(p_doses) as d(id uuid, person_id uuid, product_code text, lot_id uuid, lot_number text,
    dose_number integer, site_id uuid, given_at timestamptz, commune_code text, unit_path text, age_band text,
    priority_group text, screening_id uuid, recorded_by text, override_reason text);

  update vaccination_registrations set status = 'done'
  where person_id = any(p_people) and status in ('waiting', 'invited');

  insert into jobs (topic, payload) select p_topic, e from jsonb_array_elements(p_events) as e;

  insert into vaccination_coverage as c (commune_code, unit_path, age_band, priority_group, people_dose1, people_full,
    people_booster, doses)
  select x.commune_code, x.unit_path, x.age_band, x.priority_group, x.people_dose1, x.people_full, x.people_booster,
         x.doses
  from jsonb_to_recordset(p_coverage) as x(commune_code text, unit_path text, age_band text, priority_group text,
    people_dose1 integer, people_full integer, people_booster integer, doses integer)
  on conflict (commune_code, age_band, priority_group) do update
    set people_dose1 = c.people_dose1 + excluded.people_dose1, people_full = c.people_full + excluded.people_full,
        people_booster = c.people_booster + excluded.people_booster, doses = c.doses + excluded.doses;

  for i in 1 .. coalesce(cardinality(p_lot_ids), 0) loop
    update vaccine_lots set used = used + p_lot_takes[i]
    where id = p_lot_ids[i] and used + p_lot_takes[i] <= quantity;
    if not found then
      return false;
    end if;
  end loop;

  if coalesce(cardinality(a_payloads), 0) > 0 then
    perform audit_append_rows(a_ats, a_actor_types, a_actor_ids, a_actions, a_resource_types, a_resource_ids,
                              a_unit_codes, a_outcomes, a_details, a_payloads);
  end if;
  return true;
end;
$$;
