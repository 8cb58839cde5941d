-- declarations_record(...): one health declaration in ONE statement (modules/declarations/service.ts), the whole
-- write of POST /declarations after the checks (form, answers, who it is for) that Node makes first:
--   key given and stored already → 'stored' (response = the stored answer) or 'reused' (another request body);
--   otherwise 'written': the declaration; the person's badge of the day (the worst status); the commune's daily
--   statistics (row `shard` of 8, so writers of one commune rarely wait for each other: migration 0028); a flagged
--   one's follow-up task at the commune (unless one is open) and, when the task is new and the person has a phone,
--   the message job; the key's record with the answer (badge colour decided here: yellow when the day was flagged).
-- Requests with one key run one after the other (the same advisory lock as platform/idempotency.ts runIdempotent, so
-- the two implementations exclude each other); the rules are the same as there.
--
-- The live definition: db/migrate.ts applies this file after the numbered migrations whenever its text changes.
-- Edit it here, never in a migration; a change of the parameters needs `drop function if exists
-- declarations_record(<the old parameter types>)` first, or the old signature would live on beside the new one.
create or replace function declarations_record(
  p_scope text, p_key text, p_hash text,
  p_id uuid, p_person uuid, p_type text, p_form_version integer, p_answers jsonb, p_status text, p_reasons text[],
  p_via text, p_actor_type text, p_actor_id text, p_partner uuid, p_unit_code text, p_commune_code text,
  p_commune_path text, p_day date,
  -- the answer to give and store; its badge colour is set here
  p_response jsonb,
  -- the follow-up task of a flagged declaration (p_task_due null = none) and its message (null = none)
  p_task_unit_path text, p_task_due timestamptz, p_job_payload jsonb
) returns table (outcome text, response jsonb, badge_status text)
language plpgsql as $$
declare
  stored record;
  b_status text;
  b_first boolean;
  answer jsonb;
  task_id uuid;
  f integer := case when p_status = 'flagged' then 1 else 0 end;
begin
  if p_key is not null then
    perform pg_advisory_xact_lock(7231003, hashtext(p_scope || ':' || p_key));
    select k.request_hash, k.response into stored from idempotency_keys k where k.scope = p_scope and k.key = p_key;
    if found then
      if stored.request_hash <> p_hash then
        return query select 'reused'::text, null::jsonb, null::text;
      else
        return query select 'stored'::text, stored.response, null::text;
      end if;
      return;
    end if;
  end if;

  insert into declarations (id, person_id, type, form_version, answers, status, reasons, via, actor_type, actor_id,
                            partner_id, unit_code, commune_code, day)
  values (p_id, p_person, p_type, p_form_version, p_answers, p_status, p_reasons, p_via, p_actor_type, p_actor_id,
          p_partner, p_unit_code, p_commune_code, p_day);

  insert into declaration_badges as b (person_id, day, status, declaration_id)
  values (p_person, p_day, p_status, p_id)
  on conflict (person_id, day) do update
    set status = case when b.status = 'flagged' then 'flagged' else excluded.status end,
        declaration_id = excluded.declaration_id, updated_at = now()
  returning b.status, (xmax = 0) into b_status, b_first;

  insert into declaration_daily_stats as s
    (day, commune_code, shard, unit_path, declarations, people, flagged, symptom, exposure, entry_area,
     case_or_quarantine)
  values (p_day, p_commune_code, abs(hashtext(p_person::text)) % 8, p_commune_path, 1,
          case when b_first then 1 else 0 end, f,
          case when 'symptom' = any(p_reasons) then 1 else 0 end,
          case when 'exposure' = any(p_reasons) then 1 else 0 end,
          case when 'entry_area' = any(p_reasons) then 1 else 0 end,
          case when 'case_or_quarantine' = any(p_reasons) then 1 else 0 end)
  on conflict (day, commune_code, shard) do update
    set declarations = s.declarations + 1, people = s.people + excluded.people,
        flagged = s.flagged + excluded.flagged, symptom = s.symptom + excluded.symptom,
        exposure = s.exposure + excluded.exposure, entry_area = s.entry_area + excluded.entry_area,
        case_or_quarantine = s.case_or_quarantine + excluded.case_or_quarantine;

  if p_task_due is not null then
    insert into health_tasks (person_id, declaration_id, unit_code, unit_path, reason, reasons, notes, due_at)
    values (p_person, p_id, p_unit_code, p_task_unit_path, coalesce(p_reasons[1], 'symptom'), p_reasons, '[]', p_task_due)
    on conflict (person_id) where status <> 'closed' do nothing
    returning id into task_id;
    if task_id is not null and p_job_payload is not null then
      insert into jobs (topic, payload, max_attempts) values ('notify.send', p_job_payload, 8);
    end if;
  end if;

  answer := jsonb_set(p_response, '{badge,colour}',
                      to_jsonb(case when b_status = 'flagged' then 'yellow' else 'green' end));
  if p_key is not null then
    insert into idempotency_keys (scope, key, request_hash, status_code, response)
    values (p_scope, p_key, p_hash, 201, answer);
  end if;
  return query select 'written'::text, answer, b_status;
end;
$$;

-- declarations_record_many(items): the declarations of many requests in ONE statement and one commit (the module's
-- serial writer gathers what arrived while the previous batch was being written), each decided by declarations_record
-- in turn. No savepoint per item (they cost as much as the rest): when an item fails (a person deleted meanwhile, a
-- deadlock with a staff member's transaction), the whole batch rolls back and the writer records its items one by one
-- (declarations_record each), so only the failing one fails. Items come in as a JSON array of objects keyed like
-- declarations_record's parameters without the `p_`; the answer is one row per item, `i` its 1-based position.
-- (its answer lost the failed_state column of its first version: a changed result type needs the drop)
drop function if exists declarations_record_many(jsonb);
create or replace function declarations_record_many(p_items jsonb)
returns table (i integer, outcome text, response jsonb)
language plpgsql as $$
declare
  it jsonb;
  n integer := 0;
  r record;
begin
  for it in select value from jsonb_array_elements(p_items) loop
    n := n + 1;
    select * into r from declarations_record(
      it->>'scope', it->>'key', it->>'hash', (it->>'id')::uuid, (it->>'person')::uuid, it->>'type',
      (it->>'form_version')::integer, it->'answers', it->>'status',
      array(select jsonb_array_elements_text(it->'reasons')), it->>'via', it->>'actor_type', it->>'actor_id',
      (it->>'partner')::uuid, it->>'unit_code', it->>'commune_code', it->>'commune_path', (it->>'day')::date,
      it->'response', it->>'task_unit_path', (it->>'task_due')::timestamptz,
      case when jsonb_typeof(it->'job_payload') = 'object' then it->'job_payload' end);
    i := n; outcome := r.outcome; response := r.response;
    return next;
  end loop;
end;
$$;
