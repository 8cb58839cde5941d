-- declaration_door_checks(...): what a door needs from health declarations, for many scans at once — the venue's
-- rule ("a declaration today is required to come in"), the person's badge status of the day and, where asked (a
-- personal QR the door is shown), who the person is: name, birth year, unit path. One row per input element
-- (`i`, 1-based, in input order), primary-key reads only. The one definition of the door's look-up: the
-- declarations module's look-up of a replayed check-in (modules/declarations/repo.ts) and every check-in batch
-- (`checkins_ingest`, in the batch's own statement) read through it. What the door may see of the person is decided
-- by the caller (people's `doorPersonView`; `checkins_ingest` with the same rule as data).
--
-- The live definition: db/migrate.ts applies this file after the numbered migrations whenever its text changes.
-- Edit it here, never in a migration; a change of the parameters or the result needs `drop function if exists
-- declaration_door_checks(<the old parameter types>)` first.
create or replace function declaration_door_checks(
  venue_ids uuid[], person_ids uuid[], days date[], with_person boolean[]
) returns table (
  i bigint, required boolean, status text, person_id uuid, name text, birth_year integer, birth_date text,
  unit_path text
) language sql stable as $$
  select k.i, coalesce(r.require_today, false), b.status, p.id, p.name, p.birth_year::integer, p.birth_date::text, u.path
  from unnest(venue_ids, person_ids, days, with_person) with ordinality as k(venue_id, person_id, day, with_person, i)
  left join declaration_venue_rules r on r.venue_id = k.venue_id
  left join declaration_badges b on b.person_id = k.person_id and b.day = k.day
  left join people p on k.with_person and p.id = k.person_id
  left join admin_units u on u.code = p.unit_code
$$;
