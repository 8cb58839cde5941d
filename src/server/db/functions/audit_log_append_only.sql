-- audit_log_append_only(): the trigger function that makes `audit_log` append-only. The triggers that call it
-- (`audit_log_no_update` before UPDATE/DELETE, `audit_log_no_truncate` before TRUNCATE) are part of the table and
-- stay in migration 0001.
--
-- The live definition: db/migrate.ts applies this file after the numbered migrations whenever its text changes.
-- Edit it here, never in a migration.
create or replace function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end $$;
