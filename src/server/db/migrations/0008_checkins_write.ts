/**
 * The check-in writer's batch in ONE statement (`checkins_write`): idempotency keys, rows, audit rows and the
 * optional `checkins.late` job, atomically — as a single statement it commits on its own, so a batch is one round
 * trip instead of a transaction of five or six (each round trip cost the serial writer ~1 ms and both processes
 * a socket write and a wake-up). Columns arrive as arrays, one element per check-in; a key that another process
 * inserted meanwhile (ON CONFLICT) makes its check-in not written: its row and audit row are skipped and its
 * position (1-based) is returned.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function checkins_write(
      -- idempotency (null key = the check-in has none)
      key_scopes text[], key_keys text[], key_hashes text[], key_responses text[],
      -- the rows
      ids uuid[], venue_ids uuid[], zone_ids uuid[], person_ids uuid[], checked_in_ats timestamptz[],
      implied_out_ats timestamptz[], methods text[], actor_types text[], actor_ids text[], unit_codes text[],
      -- audit entries: a_items = the (1-based) check-in each entry belongs to; the rest as audit_append_rows takes them
      a_items integer[], a_ats timestamptz[], a_actor_types text[], a_actor_ids text[], a_actions text[],
      a_resource_types text[], a_resource_ids text[], a_unit_codes text[], a_outcomes text[], a_details text[],
      a_payloads text[],
      -- an outbox job written with the batch (null topic = none)
      job_topic text, job_payload text
    ) returns integer[] language plpgsql as $$
    declare
      lost integer[];
    begin
      with won as (
        insert into idempotency_keys (scope, key, request_hash, status_code, response)
        select k.scope, k.key, k.hash, 201, k.response::jsonb
        from unnest(key_scopes, key_keys, key_hashes, key_responses) as k(scope, key, hash, response)
        where k.key is not null
        on conflict do nothing
        returning scope, key
      )
      select coalesce(array_agg(k.n), '{}') into lost
      from unnest(key_scopes, key_keys) with ordinality as k(scope, key, n)
      where k.key is not null and not exists (select 1 from won w where w.scope = k.scope and w.key = k.key);

      insert into checkins
        (id, venue_id, zone_id, person_id, checked_in_at, implied_out_at, method, actor_type, actor_id, unit_code)
      select r.id, r.venue_id, r.zone_id, r.person_id, r.checked_in_at, r.implied_out_at, r.method, r.actor_type,
             r.actor_id, r.unit_code
      from unnest(ids, venue_ids, zone_ids, person_ids, checked_in_ats, implied_out_ats, methods, actor_types,
                  actor_ids, unit_codes)
        with ordinality as r(id, venue_id, zone_id, person_id, checked_in_at, implied_out_at, method, actor_type,
                             actor_id, unit_code, n)
      where cardinality(lost) = 0 or r.n <> all(lost);

      if cardinality(lost) > 0 and coalesce(cardinality(a_items), 0) > 0 then
        select coalesce(array_agg(a.at order by a.n), '{}'), coalesce(array_agg(a.actor_type order by a.n), '{}'),
               coalesce(array_agg(a.actor_id order by a.n), '{}'), coalesce(array_agg(a.action order by a.n), '{}'),
               coalesce(array_agg(a.resource_type order by a.n), '{}'),
               coalesce(array_agg(a.resource_id order by a.n), '{}'),
               coalesce(array_agg(a.unit_code order by a.n), '{}'), coalesce(array_agg(a.outcome order by a.n), '{}'),
               coalesce(array_agg(a.details order by a.n), '{}'), coalesce(array_agg(a.payload order by a.n), '{}')
          into a_ats, a_actor_types, a_actor_ids, a_actions, a_resource_types, a_resource_ids, a_unit_codes,
               a_outcomes, a_details, a_payloads
        from unnest(a_items, a_ats, a_actor_types, a_actor_ids, a_actions, a_resource_types, a_resource_ids,
                    a_unit_codes, a_outcomes, a_details, a_payloads)
          with ordinality as a(item, at, actor_type, actor_id, action, resource_type, resource_id, unit_code, outcome,
                               details, payload, n)
        where a.item <> all(lost);
      end if;
      if coalesce(cardinality(a_payloads), 0) > 0 then
        perform audit_append_rows(a_ats, a_actor_types, a_actor_ids, a_actions, a_resource_types, a_resource_ids,
                                  a_unit_codes, a_outcomes, a_details, a_payloads);
      end if;

      if job_topic is not null then
        insert into jobs (topic, payload) values (job_topic, job_payload::jsonb);
      end if;
      return lost;
    end $$;
  `.execute(db);
}
