/**
 * `audit_append(entries jsonb)`: appends audit rows to the hash chain in ONE round trip. The caller computes each
 * row's canonical payload (the same text `audit verify` recomputes); the function takes the chain lock, reads the
 * last hash after the lock (each PL/pgSQL statement sees a fresh snapshot under READ COMMITTED), and chains
 * hash = sha256(prev_hash || payload) row by row. Called alone it is its own transaction; inside a transaction the
 * lock is held until that transaction ends, so id order stays chain order.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function audit_append(entries jsonb) returns void language plpgsql as $$
    declare
      prev text;
      e jsonb;
      h text;
    begin
      perform pg_advisory_xact_lock(7231001);
      select hash into prev from audit_log order by id desc limit 1;
      prev := coalesce(prev, repeat('0', 64));
      for e in select value from jsonb_array_elements(entries) loop
        h := encode(sha256(convert_to(prev || (e->>'payload'), 'UTF8')), 'hex');
        insert into audit_log (at, actor_type, actor_id, action, resource_type, resource_id, unit_code, outcome, details, prev_hash, hash)
        values ((e->>'at')::timestamptz, e->>'actor_type', e->>'actor_id', e->>'action', e->>'resource_type', e->>'resource_id',
                e->>'unit_code', e->>'outcome', coalesce(e->'details', '{}'::jsonb), prev, h);
        prev := h;
      end loop;
    end $$;
  `.execute(db);
}
