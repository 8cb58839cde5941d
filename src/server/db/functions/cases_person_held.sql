-- person_held(person, day): whether the cases module holds a person on a local day — an open case (not recovered,
-- not died) or an active quarantine order whose days include the day. The cases module's definition
-- (modules/cases/holds.ts documents it; its tables); other modules ask it here, inside their own statements
-- (declarations_record_many: a held person's declaration is flagged whatever its answers). Two person-index probes.
-- A set-returning SQL function (one row), called in FROM (`cross join lateral person_held(…) h`): PostgreSQL inlines
-- such a function into the caller's plan, where a scalar one with subqueries would run as a function call per row.
--
-- The live definition: db/migrate.ts applies this file after the numbered migrations whenever its text changes.
drop function if exists person_held(uuid, date);
create or replace function person_held(p_person uuid, p_day date)
returns table (held boolean)
language sql stable as $$
  select exists (select 1 from cases c where c.person_id = p_person and c.status not in ('recovered', 'died'))
      or exists (select 1 from quarantine_orders q
                 where q.person_id = p_person and q.status = 'active' and q.starts_on <= p_day and q.ends_on >= p_day)
$$;
