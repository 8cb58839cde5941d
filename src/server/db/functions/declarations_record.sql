-- declarations_record_many(items, held): the declarations of many requests — one request alone too — written by one
-- statement per table, not one per declaration (modules/declarations/repo.ts: the serial writer of citizens'
-- declarations batches what arrives while the previous batch commits; a staff or partner declaration is a batch of one
-- in the transaction that also writes its audit row). Node has made the checks first (form, answers, who may declare
-- for whom) and triaged the answers. This function reads who each item is for: the person (an item whose person is
-- not on record answers 'missing' and nothing of it is written), their unit and phone, the commune it counts in
-- (declaration_commune below), and whether the cases module holds them today (person_held,
-- cases_person_held.sql) — a held person's item is flagged whatever its answers: `case_or_quarantine` added to its
-- reasons, the answer given `held`'s advice ({adviceVi, adviceEn, messageText}), the task due at `held_due`, the
-- message `held`'s text. The message of a new task goes to the phone on record (none without one).
-- Per item, by its idempotency key:
--   key stored already (or used by an earlier item of this batch) → 'stored' (answer = the stored / earlier answer)
--   or 'reused' (another request body: the caller answers 422);
--   otherwise 'written': the declaration; the person's badge of the day (the worst status of the day); the commune's
--   daily statistics (row `shard` of up to 64, summed when read, so writers of one commune rarely wait for each other:
--   migration 0028 — a lone declaration adds to row hash(person) % 8, a batch of the module's writer to the items'
--   `shard`, one drawn for the batch from 8–63, so batches of other processes rarely wait on each other there; the
--   rows of one batch are summed per row before they are added); a flagged one's follow-up task at the commune (unless one
--   is open, or an earlier item of the batch opened it) and, when the task is new and has a message, the message job;
--   the key's record with the answer, whose badge colour is decided here: yellow when the day is flagged so far —
--   by an earlier declaration or an earlier item of the batch.
-- Items come in as a JSON array of objects (repo.ts `itemOf`); the answer is one row per item, `i` its 1-based
-- position, `messaged` true when its message job was queued (the caller wakes the job worker only then), `unit_code`
-- the person's unit (the staff audit row's). Requests with one key run one after the other: the keys' advisory locks (the lock of
-- platform/idempotency.ts runIdempotent, so the two implementations exclude each other) are taken first, in one order,
-- in a statement of their own, so the writing statement's snapshot sees what an earlier holder committed. Rows that
-- two transactions may both lock (badges, statistics) are locked in key order, so batches in flight together wait for
-- each other rather than deadlock.
-- A batch is all or nothing: when it fails (a person deleted meanwhile, a deadlock), the writer records its items one
-- by one so only the failing one fails. One race is not decided exactly: when another transaction writes the person's
-- first badge of the day between this function's two statements, the colour of this batch's items before its own
-- first flagged item comes from this batch alone (the badge row itself and the statistics stay exact).
--
-- The live definition: db/migrate.ts applies this file after the numbered migrations whenever its text changes.
-- Edit it here, never in a migration; a change of the parameters or the result needs `drop function if exists
-- <name>(<the old parameter types>)` first, or the old signature would live on beside the new one.

-- the one-declaration function of earlier versions: its rules are this file's batch of one now
drop function if exists declarations_record(text, text, text, uuid, uuid, text, integer, jsonb, text, text[], text,
  text, text, uuid, text, text, text, date, jsonb, text, timestamptz, jsonb);
-- (its answer lost the failed_state column of its first version and gained `messaged`: a changed result type needs
-- the drop)
drop function if exists declarations_record_many(jsonb);
-- (session 17: it reads who each item is for itself, takes the held answer and answers the unit)
drop function if exists declarations_record_many(jsonb, jsonb);
create or replace function declarations_record_many(p_items jsonb, p_held jsonb)
returns table (i integer, outcome text, response jsonb, messaged boolean, unit_code text)
language plpgsql as $$
#variable_conflict use_column
begin
  perform pg_advisory_xact_lock(7231003, s.h)
  from (select distinct hashtext((x->>'scope') || ':' || (x->>'key')) as h
        from jsonb_array_elements(p_items) as x
        where x->>'key' is not null
        order by 1) as s;

  return query
  with raw as (
    select t.*
    from rows from (jsonb_to_recordset(p_items) as (
      scope text, key text, hash text, id uuid, person uuid, type text, form_version integer, answers jsonb,
      status text, reasons text[], via text, actor_type text, actor_id text, partner uuid, day date, response jsonb,
      task_due timestamptz, held_due timestamptz, message_text text, shard smallint)) with ordinality as t(
      scope, key, hash, id, person, type, form_version, answers, status, reasons, via, actor_type, actor_id, partner,
      day, response, task_due, held_due, message_text, shard, i)
  ),
  -- who each item is for (an item whose person is not on record drops out here: 'missing', nothing written), where
  -- it counts, and whether the cases module holds them today (person_held, db/functions/cases_person_held.sql).
  -- Materialized: read once by `items`, this CTE would be inlined there, and each of the seven uses of `held` below
  -- would run person_held's probes again (session 27: a batch of 32 in the demo province with its outbreak, 440
  -- active quarantine orders and its tables not yet analyzed, took 69 ms of the database's CPU; 9 ms materialized)
  looked as materialized (
    select r.*, p.unit_code, p.phone, u.path as unit_path, c.code as commune_code, c.path as commune_path, ph.held
    from raw r
    -- one primary-key probe per item: a join would be planned for the function's guess of 100 items, a hash over the
    -- whole people table wherever it is small (the demo's, a benchmark's: 0.4 ms a batch of ~3,000 people)
    cross join lateral (select p.unit_code, p.phone from people p where p.id = r.person limit 1) p
    left join admin_units u on u.code = p.unit_code
    left join lateral declaration_commune(u.path) c on true
    cross join lateral person_held(r.person, r.day) ph
  ),
  -- a held person's declaration is flagged whatever its answers: case_or_quarantine added to the reasons (the last
  -- of their order), the held advice in the answer, the urgent due time, the held message
  items as (
    select l.scope, l.key, l.hash, l.id, l.person, l.type, l.form_version, l.answers,
           case when l.held then 'flagged' else l.status end as status,
           h.reasons, l.via, l.actor_type, l.actor_id, l.partner, l.unit_code, l.commune_code, l.commune_path, l.day,
           case when l.held
                then l.response || jsonb_build_object('status', 'flagged', 'reasons', to_jsonb(h.reasons),
                                                      'adviceVi', p_held->'adviceVi', 'adviceEn', p_held->'adviceEn')
                else l.response end as response,
           case when h.due is not null then l.unit_path end as task_unit_path,
           h.due as task_due,
           case when l.phone is not null and h.text is not null
                then jsonb_build_object('channel', 'sms', 'to', l.phone, 'text', h.text) end as job_payload,
           l.shard, l.i
    from looked l
    cross join lateral (
      select case when not l.held then coalesce(l.reasons, '{}')
                  when 'case_or_quarantine' = any(l.reasons) then l.reasons
                  else coalesce(l.reasons, '{}') || 'case_or_quarantine'::text end as reasons,
             case when l.held then l.held_due else l.task_due end as due,
             case when l.held then p_held->>'messageText' else l.message_text end as text
    ) h
  ),
  -- keys recorded before this batch
  prior as (
    select it.i, k.request_hash, k.response
    from items it
    -- one index look-up per item (a lateral with a limit is never turned into a join over the whole table)
    cross join lateral (
      select k.request_hash, k.response from idempotency_keys k where k.scope = it.scope and k.key = it.key limit 1
    ) k
  ),
  -- the first item of each key that is new: it is written, later items with its key answer like a retry of it
  firsts as (
    select distinct on (it.scope, it.key) it.i, it.scope, it.key, it.hash
    from items it
    where it.key is not null and not exists (select 1 from prior p where p.i = it.i)
    order by it.scope, it.key, it.i
  ),
  fresh as (
    select it.*
    from items it
    where it.key is null or exists (select 1 from firsts f where f.i = it.i)
  ),
  declared as (
    insert into declarations (id, person_id, type, form_version, answers, status, reasons, via, actor_type, actor_id,
                              partner_id, unit_code, commune_code, day)
    select f.id, f.person, f.type, f.form_version, f.answers, f.status, coalesce(f.reasons, '{}'), f.via,
           f.actor_type, f.actor_id, f.partner, f.unit_code, f.commune_code, f.day
    from fresh f
    order by f.i
  ),
  -- the day's badges as they were, locked (they are updated below) in one order: person, day
  before as (
    select b.person_id, b.day, b.status
    from (select distinct f.person, f.day from fresh f order by 1, 2) d
    cross join lateral (
      select b.person_id, b.day, b.status from declaration_badges b
      where b.person_id = d.person and b.day = d.day
      limit 1
      for update
    ) b
  ),
  per_day as (
    select f.person, f.day, bool_or(f.status = 'flagged') as flagged, (array_agg(f.id order by f.i desc))[1] as last_id
    from fresh f
    group by f.person, f.day
  ),
  badge as (
    insert into declaration_badges as b (person_id, day, status, declaration_id)
    select d.person, d.day, case when d.flagged then 'flagged' else 'ok' end, d.last_id
    from per_day d
    order by d.person, d.day
    on conflict (person_id, day) do update
      set status = case when b.status = 'flagged' then 'flagged' else excluded.status end,
          declaration_id = excluded.declaration_id, updated_at = now()
    returning b.person_id, b.day, (xmax = 0) as first_of_day
  ),
  answered as (
    select f.i, f.scope, f.key, f.hash,
           jsonb_set(f.response, '{badge,colour}',
                     to_jsonb(case when coalesce(o.status = 'flagged', false)
                                        or bool_or(f.status = 'flagged') over w
                                   then 'yellow' else 'green' end)) as answer,
           row_number() over w = 1 as first_in_batch
    from fresh f
    left join before o on o.person_id = f.person and o.day = f.day
    window w as (partition by f.person, f.day order by f.i)
  ),
  counted as (
    insert into declaration_daily_stats as s
      (day, commune_code, shard, unit_path, declarations, people, flagged, symptom, exposure, entry_area,
       case_or_quarantine)
    select f.day, f.commune_code, coalesce(f.shard, abs(hashtext(f.person::text)) % 8), max(f.commune_path), count(*),
           count(*) filter (where a.first_in_batch and b.first_of_day),
           count(*) filter (where f.status = 'flagged'),
           count(*) filter (where 'symptom' = any(f.reasons)),
           count(*) filter (where 'exposure' = any(f.reasons)),
           count(*) filter (where 'entry_area' = any(f.reasons)),
           count(*) filter (where 'case_or_quarantine' = any(f.reasons))
    from fresh f
    join answered a on a.i = f.i
    join badge b on b.person_id = f.person and b.day = f.day
    group by f.day, f.commune_code, coalesce(f.shard, abs(hashtext(f.person::text)) % 8)
    order by 1, 2, 3
    on conflict (day, commune_code, shard) do update
      set declarations = s.declarations + excluded.declarations, people = s.people + excluded.people,
          flagged = s.flagged + excluded.flagged, symptom = s.symptom + excluded.symptom,
          exposure = s.exposure + excluded.exposure, entry_area = s.entry_area + excluded.entry_area,
          case_or_quarantine = s.case_or_quarantine + excluded.case_or_quarantine
  ),
  tasked as (
    insert into health_tasks (person_id, declaration_id, unit_code, unit_path, reason, reasons, notes, due_at)
    select distinct on (f.person) f.person, f.id, f.unit_code, f.task_unit_path, coalesce(f.reasons[1], 'symptom'),
           coalesce(f.reasons, '{}'), '[]', f.task_due
    from fresh f
    where f.task_due is not null
    order by f.person, f.i
    on conflict (person_id) where status <> 'closed' do nothing
    returning declaration_id
  ),
  to_message as (
    select f.i, f.job_payload
    from fresh f
    join tasked t on t.declaration_id = f.id
    where jsonb_typeof(f.job_payload) = 'object'
  ),
  messaged as (
    insert into jobs (topic, payload, max_attempts)
    select 'notify.send', m.job_payload, 8
    from to_message m
    order by m.i
  ),
  keyed as (
    insert into idempotency_keys (scope, key, request_hash, status_code, response)
    select a.scope, a.key, a.hash, 201, a.answer
    from answered a
    where a.key is not null
  )
  select r.i::integer,
         case when it.i is null then 'missing'
              when a.i is not null then 'written'
              when coalesce(p.request_hash, f1.hash) = it.hash then 'stored'
              else 'reused' end,
         case when it.i is null then null
              when a.i is not null then a.answer
              when coalesce(p.request_hash, f1.hash) = it.hash then coalesce(p.response, a1.answer) end,
         m.i is not null,
         it.unit_code
  from raw r
  left join items it on it.i = r.i
  left join to_message m on m.i = it.i
  left join answered a on a.i = it.i
  left join prior p on p.i = it.i
  left join firsts f1 on p.i is null and f1.scope = it.scope and f1.key = it.key
  left join answered a1 on a1.i = f1.i
  order by r.i;
end;
$$;

-- declaration_commune(path): the commune of a unit path — its last segment that is not a hamlet (hamlet codes are
-- `<commune>-NN`; the first segment counts whatever it is) — and that commune's path; no place → code '-', path null.
-- The twin of modules/declarations/service.ts `communeOf` (a test holds them to the same answers): the declaration
-- statement of modules/declarations/repo.ts (`recordMany`) places a declaration by the person's unit it reads itself.
-- Set-returning (one row), called in FROM: inlined into the caller's plan, not a function call per row.
drop function if exists declaration_commune(text);
create or replace function declaration_commune(p_path text)
returns table (code text, path text)
language sql immutable as $$
  select coalesce(s.segs[s.n], '-'),
         case when coalesce(p_path, '') = '' then null else array_to_string(s.segs[1:s.n], '.') || '.' end
  from (
    select a.segs,
           coalesce((select max(t.o) from unnest(a.segs) with ordinality as t(seg, o)
                     where t.o = 1 or strpos(t.seg, '-') = 0), 1) as n
    from (select array_remove(string_to_array(coalesce(p_path, ''), '.'), '') as segs) a
  ) s
$$;
