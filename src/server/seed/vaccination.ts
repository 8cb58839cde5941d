/**
 * The demo's vaccination campaign (issue 13), written set-based for speed (it runs at every e2e server start): a
 * site per district (Biên Hòa's at its first commune) with lots of three products (and one expired lot), today's
 * and tomorrow's sessions, a realistic coverage by commune (55–95 % of adults with dose 1, about four in five of
 * them with dose 2 after the product's interval), the coverage counters and residents recounted from those doses,
 * waiting registrations by priority, and Biên Hòa's CDC phone for serious AEFIs.
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + 7 * 3_600_000 + offset * DAY).toISOString().slice(0, 10);

export interface VaccinationSeedResult {
  sites: number;
  doses: number;
  registrations: number;
}

export async function seedVaccination(
  ctx: AppContext,
  opts: { province: string; firstCommune: string; log?: (line: string) => void },
): Promise<VaccinationSeedResult> {
  const db = ctx.db;
  const districts = await db
    .selectFrom('admin_units')
    .select(['code', 'name', 'path'])
    .where('parent_code', '=', opts.province)
    .orderBy('code')
    .execute();
  const first = await db
    .selectFrom('admin_units')
    .select(['code', 'path', 'parent_code'])
    .where('code', '=', opts.firstCommune)
    .executeTakeFirst();
  const sites = districts.map((d) =>
    d.code === first?.parent_code
      ? { name: 'Trạm Y tế phường — điểm tiêm cố định', unit_code: first.code, unit_path: first.path, address: null }
      : { name: `Trung tâm Y tế ${d.name}`, unit_code: d.code, unit_path: d.path, address: null },
  );
  if (sites.length === 0) return { sites: 0, doses: 0, registrations: 0 };
  const created = await db.insertInto('vaccination_sites').values(sites).returning(['id', 'unit_path']).execute();
  await db
    .insertInto('vaccine_lots')
    .values(
      created.flatMap((s, i) => [
        {
          site_id: s.id,
          product_code: 'comirnaty',
          lot_number: `FK${String(5100 + i)}`,
          expires_on: day(180),
          quantity: 20_000,
        },
        {
          site_id: s.id,
          product_code: 'vero_cell',
          lot_number: `VC${String(2100 + i)}`,
          expires_on: day(120),
          quantity: 20_000,
        },
        {
          site_id: s.id,
          product_code: 'vaxzevria',
          lot_number: `AZ${String(7100 + i)}`,
          expires_on: day(90),
          quantity: 20_000,
        },
        {
          site_id: s.id,
          product_code: 'comirnaty',
          lot_number: `FK${String(4100 + i)}X`,
          expires_on: day(-10),
          quantity: 500,
        },
      ]),
    )
    .execute();
  await db
    .insertInto('vaccination_sessions')
    .values(
      created.flatMap((s) => [
        { site_id: s.id, day: day(0), capacity: 200, product_code: 'comirnaty' },
        { site_id: s.id, day: day(1), capacity: 200, product_code: 'comirnaty' },
      ]),
    )
    .execute();

  // doses: each adult of a commune with dose 1 at the commune's rate (55–95 %), 80 % of them dose 2 after 28–47 days;
  // the product and the site of their district's lots; age band and priority group as the service would store them
  const year = new Date().getUTCFullYear();
  const inserted = await sql<{ n: number }>`
    with adults as (
      select p.id, p.birth_year, u.path,
             case when u.is_hamlet then u.parent_code else u.code end as commune,
             split_part(u.path, '.', 2) as district,
             abs(hashtext(p.id::text)) % 1000 as h
      from people p join admin_units u on u.code = p.unit_code
      where u.path like ${`${opts.province}.%`} and p.birth_year <= ${year - 18}
    ), chosen as (
      select a.*, (array['comirnaty', 'vero_cell', 'vaxzevria'])[1 + a.h % 3] as product,
             now() - make_interval(days => 60 + a.h % 120, hours => 1 + a.h % 9) as d1_at,
             a.h < (550 + abs(hashtext(a.commune)) % 400) * 0.8 as two
      from adults a where a.h < 550 + abs(hashtext(a.commune)) % 400
    ), placed as (
      select c.*, s.id as site_id, l.id as lot_id, l.lot_number
      from chosen c
      join vaccination_sites s on s.unit_path like (${opts.province} || '.' || c.district || '.%')
      join vaccine_lots l on l.site_id = s.id and l.product_code = c.product and l.expires_on > current_date
    ), written as (
      insert into vaccination_doses (person_id, product_code, lot_id, lot_number, dose_number, site_id, given_at,
        country, source, status, commune_code, unit_path, age_band, priority_group, recorded_by)
      select p.id, p.product, p.lot_id, p.lot_number, v.n, p.site_id,
             case when v.n = 1 then p.d1_at else p.d1_at + make_interval(days => 28 + p.h % 20) end,
             'VN', 'site', 'valid', p.commune, p.path,
             case when extract(year from p.d1_at)::int - p.birth_year < 50 then '18-49'
                  when extract(year from p.d1_at)::int - p.birth_year < 65 then '50-64' else '65+' end,
             case when extract(year from p.d1_at)::int - p.birth_year >= 65 then 'age_65_plus'
                  when p.h % 10 = 0 then 'health_workers' when p.h % 10 = 1 then 'industrial_workers'
                  else 'general' end,
             'system:seed-demo'
      from placed p cross join lateral (values (1), (2)) v(n)
      where v.n = 1 or p.two
      returning 1
    )
    select count(*)::int as n from written`.execute(db);
  const doses = Number(inserted.rows[0]?.n ?? 0);

  await sql`
    update vaccine_lots l set used = c.n
    from (select lot_id, count(*)::int as n from vaccination_doses where lot_id is not null group by lot_id) c
    where c.lot_id = l.id`.execute(db);
  // the counters, as the dose transactions would have left them (every demo product has a two-dose series)
  await sql`
    insert into vaccination_coverage (commune_code, unit_path, age_band, priority_group, people_dose1, people_full,
      people_booster, doses)
    select commune_code, max(unit_path), age_band, priority_group, count(*), count(*) filter (where n >= 2),
           count(*) filter (where n > 2), sum(n)
    from (select person_id, min(commune_code) as commune_code, min(unit_path) as unit_path, min(age_band) as age_band,
                 min(priority_group) as priority_group, count(*) as n
          from vaccination_doses where status = 'valid' group by person_id) per_person
    group by commune_code, age_band, priority_group
    on conflict (commune_code, age_band, priority_group) do update
      set people_dose1 = excluded.people_dose1, people_full = excluded.people_full,
          people_booster = excluded.people_booster, doses = excluded.doses`.execute(db);
  await ctx.services.vaccination.refreshPopulation();

  // waiting registrations: unvaccinated adults of Biên Hòa (those without a phone too), by priority
  const district = first?.parent_code ?? '';
  const registered = await sql<{ n: number }>`
    with waiting as (
      insert into vaccination_registrations (person_id, priority_group, priority_rank, site_id, unit_code, unit_path,
        has_phone, registered_by)
      select p.id, g.code, g.rank, null, p.unit_code, u.path, p.phone is not null, 'system:seed-demo'
      from people p join admin_units u on u.code = p.unit_code
      join vaccination_priority_groups g
        on g.code = case when ${year} - p.birth_year >= 65 then 'age_65_plus' else 'general' end
      where u.path like ${`${opts.province}.${district}.%`} and p.birth_year <= ${year - 18}
        and not exists (select 1 from vaccination_doses d where d.person_id = p.id)
      order by p.id limit 150
      returning 1
    )
    select count(*)::int as n from waiting`.execute(db);
  if (district) {
    await db
      .insertInto('vaccination_cdc_contacts')
      .values({ district_code: district, phone: '+84251381115' })
      .onConflict((oc) => oc.column('district_code').doNothing())
      .execute();
  }
  const registrations = Number(registered.rows[0]?.n ?? 0);
  opts.log?.(`vaccination: ${created.length} sites, ${doses} doses, ${registrations} registrations waiting`);
  return { sites: created.length, doses, registrations };
}
