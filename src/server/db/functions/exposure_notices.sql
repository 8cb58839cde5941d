-- exposure_notices: what a citizen is told, read from the evidence itself (cases/service.ts). Per (person, case) the
-- strongest confirmed `contacts` row: F1 before F2, then the earliest exposure; its kind is `advisory` for F2.
-- Pending and dismissed evidence (resting on a typed, unproven check-in) is never shown. The view exposes no more
-- than the table does, and the reading code selects no case identity for citizens.
--
-- The live definition: db/migrate.ts applies this file after the numbered migrations whenever its text changes.
-- Edit it here, never in a migration; `create or replace view` may only add columns at the end, so renaming,
-- removing or retyping one needs `drop view if exists exposure_notices;` first.
create or replace view exposure_notices as
  select distinct on (person_id, case_id)
         id, person_id, case_id, degree, venue_id, overlap_start as exposure_start, overlap_end as exposure_end,
         case when degree = 2 then 'advisory' else via_type end as kind, created_at
  from contacts
  where confirmation = 'confirmed'
  order by person_id, case_id, degree, overlap_start nulls last, id;
