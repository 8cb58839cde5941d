-- audit_append_rows(...): appends audit rows to the hash chain in one statement (platform/audit.ts). Columns arrive
-- as arrays, one element per row, each with its canonical payload computed in Node (the text `audit verify`
-- recomputes). The function takes the chain lock (a transaction-scoped advisory lock, so id order is chain order),
-- reads the last hash after the lock, chains hash = sha256(prev_hash || payload) in a loop and inserts every row
-- with ONE multi-row INSERT (per-row INSERTs made each group commit, serial by design, cost more database CPU than
-- the reads it audits).
--
-- The live definition: db/migrate.ts applies this file after the numbered migrations whenever its text changes.
-- Edit it here, never in a migration.
create or replace function audit_append_rows(
  ats timestamptz[], actor_types text[], actor_ids text[], actions text[], resource_types text[], resource_ids text[],
  unit_codes text[], outcomes text[], details text[], payloads text[]
) returns void language plpgsql as $$
    declare
      prev text;
      prevs text[] := '{}';
      hashes text[] := '{}';
      i integer;
    begin
      perform pg_advisory_xact_lock(7231001);
      select hash into prev from audit_log order by id desc limit 1;
      prev := coalesce(prev, repeat('0', 64));
      for i in 1 .. coalesce(array_length(payloads, 1), 0) loop
        prevs := prevs || prev;
        prev := encode(sha256(convert_to(prev || payloads[i], 'UTF8')), 'hex');
        hashes := hashes || prev;
      end loop;
      insert into audit_log (at, actor_type, actor_id, action, resource_type, resource_id, unit_code, outcome, details, prev_hash, hash)
      select t.at, t.actor_type, t.actor_id, t.action, t.resource_type, t.resource_id, t.unit_code, t.outcome, t.details::jsonb, t.prev_hash, t.hash
      from unnest(ats, actor_types, actor_ids, actions, resource_types, resource_ids, unit_codes, outcomes, details, prevs, hashes)
        with ordinality as t(at, actor_type, actor_id, action, resource_type, resource_id, unit_code, outcome, details, prev_hash, hash, n)
      order by t.n;
    end $$;
