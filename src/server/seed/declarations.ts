/**
 * The demo's health declarations and enterprise self-assessments (issue 12): a month of daily declarations by the
 * demo province's adults (about 45 % of them each day, more on weekdays), about 3 % flagged for a symptom or an
 * exposure, with follow-up tasks at their commune's health station in every state (older ones closed, then tested,
 * called and new), a few flagged people guaranteed in the first commune of Biên Hòa (where `health.commune` works);
 * the badges and the per-commune daily statistics the writes would have kept; and enterprises in Biên Hòa's
 * industrial parks with assessments — some high risk, some overdue, one whose failed inspection requires a new
 * assessment, one never assessed — two of them owned by a demo citizen (printed in the start banner); member lists
 * for the share of each organisation's members declaring: five civil-service agencies of the district (one at 100 %
 * today, the others near it) and each enterprise's workers (declaring at the residents' own rate).
 *
 * Seeds write the tables directly (not a module): a handful of set-based statements, never a statement per row. Measured
 * (PGlite, the shared 2-core machine at load ≈ 8): 15,754 declarations for the default 2,000 people in 5.3 s; the e2e
 * servers seed 300 people, about a seventh of that. The forms and criteria are the module's own version 1, published
 * through its service.
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { scoreAssessment } from '../modules/declarations/index.ts';

const DAY = 86_400_000;
const DAYS = 30;

export interface DeclarationsSeedResult {
  /** organisations with member lists: civil-service agencies and the enterprises */
  organisations: number;
  declarations: number;
  flagged: number;
  tasks: number;
  enterprises: number;
  /** a demo citizen who owns two enterprises (local format, to sign in with) */
  ownerPhone: string | null;
  ms: number;
}

const localDay = (offset: number) => new Date(Date.now() + 7 * 3_600_000 + offset * DAY).toISOString().slice(0, 10);

/** The answers of the default domestic form: all "no", or one symptom / exposure. */
function answers(flag: 'none' | 'symptom' | 'exposure') {
  return {
    fever: flag === 'symptom',
    cough: false,
    breath: false,
    sore_throat: false,
    taste_smell: false,
    fatigue: false,
    contact_f0: flag === 'exposure',
    outbreak_area: false,
    from_abroad: false,
    vaccine_doses: '2',
  };
}

export async function seedDeclarations(
  ctx: AppContext,
  opts: { province: string; district: string; commune: string; log?: (line: string) => void },
): Promise<DeclarationsSeedResult> {
  const started = Date.now();
  const db = ctx.db;
  const service = ctx.services.declarations;
  const domestic = await service.currentForm('domestic');
  await service.currentForm('entry');
  const today = localDay(0);
  const first = localDay(-(DAYS - 1));
  const ok = JSON.stringify(answers('none'));
  const symptom = JSON.stringify(answers('symptom'));
  const exposure = JSON.stringify(answers('exposure'));

  // a month of declarations: adults of the province, each day with a deterministic chance (hash of person and day);
  // 3 % flagged; the time of day between 06:00 and 21:00 local, never after now
  await sql`
    insert into declarations (person_id, type, form_version, answers, status, reasons, via, actor_type, actor_id,
                              unit_code, commune_code, day, declared_at)
    select p.id, 'domestic', ${domestic.version},
           case when x.flag = 1 then ${symptom}::jsonb when x.flag = 2 then ${exposure}::jsonb else ${ok}::jsonb end,
           case when x.flag > 0 then 'flagged' else 'ok' end,
           case when x.flag = 1 then array['symptom'] when x.flag = 2 then array['exposure'] else '{}'::text[] end,
           'app', 'citizen', p.id::text, p.unit_code, split_part(p.unit_code, '-', 1), d.day,
           least(now() - interval '1 minute',
                 (d.day + interval '6 hours' + (x.h % 900) * interval '1 minute') at time zone 'Asia/Ho_Chi_Minh')
    from people p
    join admin_units u on u.code = p.unit_code and u.path like ${`${opts.province}.%`}
    cross join lateral (select g::date as day from generate_series(${first}::date, ${today}::date, interval '1 day') g) d
    cross join lateral (select abs(hashtext(p.id::text || d.day::text)) as h) hh
    cross join lateral (
      select hh.h as h, case when hh.h % 1000 < 20 then 1 when hh.h % 1000 < 30 then 2 else 0 end as flag
    ) x
    where p.birth_year <= 2006 and p.phone is not null
      and (hh.h / 1000) % 100 < case when extract(isodow from d.day) >= 6 then 35 else 50 end
      and not (d.day = ${today}::date and (x.h % 900) * interval '1 minute' + interval '6 hours' >
               (now() at time zone 'Asia/Ho_Chi_Minh')::time)`.execute(db);

  // a few flagged people in the first commune of Biên Hòa: today (new), yesterday (called), two days ago (tested)
  const local = await sql<{ id: string; unit_code: string }>`
    select p.id, p.unit_code from people p
    where p.unit_code = ${opts.commune} or p.unit_code like ${`${opts.commune}-%`}
    order by p.id limit 3`.execute(db);
  for (const [i, p] of local.rows.entries()) {
    const day = localDay(-i);
    await sql`
      insert into declarations (person_id, type, form_version, answers, status, reasons, via, actor_type, actor_id,
                                unit_code, commune_code, day, declared_at)
      values (${p.id}, 'domestic', ${domestic.version}, ${i === 1 ? exposure : symptom}::jsonb, 'flagged',
              ${sql.val([i === 1 ? 'exposure' : 'symptom'])}::text[], 'app', 'citizen', ${p.id}, ${p.unit_code},
              ${opts.commune}, ${day}::date, ${new Date(Date.now() - i * DAY - 20 * 60_000)})`.execute(db);
  }

  // civil-service agencies of the district and its first communes, whose members (civil servants of the district)
  // declare nearly every day — the first agency all of them today, the others about 9 in 10 — topped up here before
  // the badges and statistics are derived, so they agree
  const agencies = await seedAgencies(ctx, opts.district);
  if (agencies.length > 0)
    await sql`
      insert into declarations (person_id, type, form_version, answers, status, reasons, via, actor_type, actor_id,
                                unit_code, commune_code, day, declared_at)
      select p.id, 'domestic', ${domestic.version}, ${ok}::jsonb, 'ok', '{}'::text[], 'app', 'citizen', p.id::text,
             p.unit_code, split_part(p.unit_code, '-', 1), ${today}::date,
             greatest(${today}::date::timestamp at time zone 'Asia/Ho_Chi_Minh',
                      least(now() - interval '1 minute',
                            (${today}::date + interval '7 hours' + (abs(hashtext(p.id::text)) % 90) * interval '1 minute')
                              at time zone 'Asia/Ho_Chi_Minh'))
      from people p
      where p.id in (select m.person_id from organisation_members m
                     where m.organisation_id = ${agencies[0] as string}
                        or (m.organisation_id = any(${agencies}::uuid[])
                            and abs(hashtext(m.person_id::text || 'civil-service')) % 100 < 88))
        and not exists (select 1 from declarations d where d.person_id = p.id and d.day = ${today}::date)`.execute(db);

  // today's (and every day's) badge: the worst status of the day
  await sql`
    insert into declaration_badges (person_id, day, status, declaration_id, updated_at)
    select distinct on (person_id, day) person_id, day, status, id, declared_at
    from declarations order by person_id, day, (status = 'flagged') desc, declared_at desc
    on conflict (person_id, day) do nothing`.execute(db);

  // the per-commune daily statistics the writes maintain
  await sql`
    insert into declaration_daily_stats as s (day, commune_code, unit_path, declarations, people, flagged, symptom,
                                              exposure, entry_area, case_or_quarantine)
    select d.day, d.commune_code, c.path, count(*), count(distinct d.person_id),
           count(*) filter (where d.status = 'flagged'), count(*) filter (where 'symptom' = any(d.reasons)),
           count(*) filter (where 'exposure' = any(d.reasons)), 0, 0
    from declarations d left join admin_units c on c.code = d.commune_code
    group by d.day, d.commune_code, c.path
    on conflict do nothing`.execute(db);

  // follow-up tasks: each flagged declaration had one; a person's latest in the last 3 days is still open
  // (new today, called yesterday, tested before), everything older is closed with its notes
  await sql`
    insert into health_tasks (person_id, declaration_id, unit_code, unit_path, reason, reasons, status, assigned_to,
                              notes, due_at, created_at, updated_at, closed_at)
    select t.person_id, t.id, t.unit_code, u.path, t.reasons[1], t.reasons, t.task_status,
           case when t.task_status = 'new' then null else 'Trạm Y tế xã/phường' end,
           case when t.task_status = 'new' then '[]'::jsonb
                else jsonb_build_array(jsonb_build_object('at', t.declared_at + interval '2 hours',
                       'by', 'Trạm Y tế xã/phường', 'status', t.task_status,
                       'text', case t.task_status when 'closed' then 'Đã gọi, xét nghiệm âm tính, sức khỏe ổn định.'
                                             when 'tested' then 'Đã lấy mẫu xét nghiệm nhanh, chờ kết quả.'
                                             else 'Đã gọi điện, hướng dẫn tự theo dõi tại nhà.' end)) end,
           t.declared_at + case when 'symptom' = any(t.reasons) then interval '4 hours' else interval '24 hours' end,
           t.declared_at, t.declared_at,
           case when t.task_status = 'closed' then t.declared_at + interval '1 day' end
    from (
      select d.*, case when row_number() over (partition by d.person_id order by d.declared_at desc) > 1
                         or d.day < ${localDay(-3)}::date then 'closed'
                       when d.day = ${today}::date then 'new'
                       when d.day = ${localDay(-1)}::date then 'called'
                       else 'tested' end as task_status
      from declarations d where d.status = 'flagged'
    ) t
    left join admin_units u on u.code = t.unit_code`.execute(db);

  const counts = await sql<{ declarations: number; flagged: number; tasks: number }>`
    select (select count(*)::int from declarations) as declarations,
           (select count(*)::int from declarations where status = 'flagged') as flagged,
           (select count(*)::int from health_tasks) as tasks`.execute(db);

  const enterprises = await seedEnterprises(ctx, opts.district);
  await seedEnterpriseMembers(ctx, opts.district);
  const result = {
    ...(counts.rows[0] ?? { declarations: 0, flagged: 0, tasks: 0 }),
    enterprises: enterprises.count,
    organisations: agencies.length + enterprises.count,
    ownerPhone: enterprises.ownerPhone,
    ms: Date.now() - started,
  };
  opts.log?.(
    `declarations: ${result.declarations} over ${DAYS} days (${result.flagged} flagged, ${result.tasks} follow-up tasks), ${result.enterprises} enterprises assessed, ${result.organisations} organisations with member lists — ${result.ms} ms`,
  );
  return result;
}

/** [name, park, workers, answers profile, days since the last assessment (null: never), inspection failed] */
const ENTERPRISES: Array<[string, string | null, number, 'safe' | 'medium' | 'risky', number | null, boolean]> = [
  ['Công ty TNHH May mặc Đồng Nai Xanh', 'KCN Biên Hòa 2', 1200, 'safe', 2, false],
  ['Công ty CP Giày da Tân Hiệp', 'KCN Biên Hòa 2', 3400, 'risky', 1, false],
  ['Công ty TNHH Điện tử Amata Việt', 'KCN Amata', 2100, 'medium', 5, false],
  ['Công ty TNHH Thực phẩm Long Bình', 'KCN Loteco', 800, 'risky', 20, false],
  ['Công ty CP Gỗ nội thất Hố Nai', 'KCN Biên Hòa 1', 450, 'safe', 25, false],
  ['Công ty TNHH Bao bì Phước Tân', 'KCN Biên Hòa 1', 300, 'medium', 3, true],
  ['Công ty TNHH Cơ khí Tam Hiệp', null, 60, 'safe', null, false],
];

const PROFILE = {
  safe: { yes: 9, vaccinated: 95 },
  medium: { yes: 5, vaccinated: 70 },
  risky: { yes: 2, vaccinated: 30 },
} as const;

async function seedEnterprises(ctx: AppContext, district: string) {
  const db = ctx.db;
  const criteria = await ctx.services.declarations.enterprises.currentCriteria();
  const communes = await sql<{ code: string; path: string }>`
    select code, path from admin_units where parent_code = ${district} and not is_hamlet order by code limit 7`.execute(
    db,
  );
  if (communes.rows.length === 0) return { count: 0, ownerPhone: null };
  const owner = await sql<{ id: string; phone: string }>`
    select p.id, p.phone from people p join admin_units u on u.code = p.unit_code
    where u.path like ${`${communes.rows[0]?.path.split('.').slice(0, 2).join('.')}.%`} and p.phone is not null
      and p.birth_year between 1960 and 1995
    order by p.id limit 1`.execute(db);
  const ownerRow = owner.rows[0];
  let count = 0;
  for (const [i, [name, park, workers, profile, age, failed]] of ENTERPRISES.entries()) {
    const unit = communes.rows[i % communes.rows.length] as { code: string; path: string };
    const created = new Date(Date.now() - 40 * DAY);
    const row = await db
      .insertInto('enterprises')
      .values({
        name,
        tax_code: `36${String(10_000_000 + i * 7919).slice(-8)}`,
        unit_code: unit.code,
        unit_path: unit.path,
        industrial_park: park,
        address: park ? `Đường số ${i + 1}, ${park}` : `${12 + i} Đường Đồng Khởi`,
        workers,
        shifts: workers > 1000 ? 3 : 1,
        owner_person_id: i < 2 ? (ownerRow?.id ?? null) : null,
        created_by: 'seed-demo',
        reassess_required_at: failed ? new Date(Date.now() - DAY) : null,
        created_at: created,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    count++;
    if (age === null) continue;
    const p = PROFILE[profile];
    const given: Record<string, unknown> = {};
    let yes = 0;
    for (const q of criteria.questions) {
      if (q.kind === 'number') given[q.id] = p.vaccinated;
      else given[q.id] = yes++ < p.yes;
    }
    // an older assessment too, for the history
    for (const back of [age + criteria.validDays, age]) {
      const at = new Date(Date.now() - back * DAY);
      const { score, level } = scoreAssessment(criteria, given);
      await db
        .insertInto('enterprise_assessments')
        .values({
          enterprise_id: row.id,
          criteria_version: criteria.version,
          answers: JSON.stringify(given),
          score,
          level,
          valid_until: new Date(at.getTime() + criteria.validDays * DAY),
          actor_type: 'citizen',
          actor_id: ownerRow?.id ?? 'seed-demo',
          created_at: at,
        })
        .execute();
    }
    if (failed)
      await db
        .insertInto('enterprise_inspections')
        .values({
          enterprise_id: row.id,
          inspector_id: 'seed-demo',
          findings: 'Nhà ăn chưa có vách ngăn; xe đưa đón chở quá 50 % chỗ. Yêu cầu khắc phục và tự đánh giá lại.',
          passed: false,
          require_reassessment: true,
          created_at: new Date(Date.now() - DAY),
        })
        .execute();
  }
  return { count, ownerPhone: ownerRow ? `0${ownerRow.phone.slice(3)}` : null };
}

/**
 * Civil-service agencies: the district's people's committee and health centre, and the people's committees of its
 * first three communes, each with civil servants of the district (adults with a phone) as members. Their ids, the
 * first being the one whose members all declare today.
 */
async function seedAgencies(ctx: AppContext, district: string): Promise<string[]> {
  const db = ctx.db;
  const units = await sql<{ code: string; path: string; name: string; level: string }>`
    (select code, path, name, 'district' as level from admin_units where code = ${district})
    union all
    (select code, path, name, 'commune' from admin_units where parent_code = ${district} and not is_hamlet
     order by code limit 3)`.execute(db);
  const districtRow = units.rows.find((u) => u.level === 'district');
  if (!districtRow) return [];
  const plan = [
    ...units.rows.filter((u) => u.level === 'commune').map((u) => ({ name: `UBND ${u.name}`, unit: u, members: 12 })),
    { name: `UBND ${districtRow.name}`, unit: districtRow, members: 30 },
    { name: `Trung tâm Y tế ${districtRow.name}`, unit: districtRow, members: 24 },
  ];
  const ids: string[] = [];
  for (const a of plan) {
    const row = await db
      .insertInto('organisations')
      .values({
        kind: 'agency',
        name: a.name,
        enterprise_id: null,
        unit_code: a.unit.code,
        unit_path: a.unit.path,
        civil_service: true,
        created_by: 'seed-demo',
        created_at: new Date(Date.now() - 35 * DAY),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`
      insert into organisation_members (organisation_id, person_id, added_by, added_at)
      select ${row.id}, p.id, 'seed-demo', now() - interval '35 days'
      from people p join admin_units u on u.code = p.unit_code
      where u.path like ${`${districtRow.path}%`} and p.phone is not null and p.birth_year between 1966 and 2000
      order by md5(p.id::text || ${a.name}) limit ${a.members}`.execute(db);
    ids.push(row.id);
  }
  return ids;
}

/** Each demo enterprise's worker list: adults of the district (up to 40), declaring at the residents' own rate. */
async function seedEnterpriseMembers(ctx: AppContext, district: string) {
  const db = ctx.db;
  const d = await db.selectFrom('admin_units').select('path').where('code', '=', district).executeTakeFirst();
  if (!d) return;
  const enterprises = await db
    .selectFrom('enterprises')
    .select(['id', 'name', 'unit_code', 'unit_path', 'workers'])
    .execute();
  for (const e of enterprises) {
    const row = await db
      .insertInto('organisations')
      .values({
        kind: 'enterprise',
        name: e.name,
        enterprise_id: e.id,
        unit_code: e.unit_code,
        unit_path: e.unit_path,
        civil_service: false,
        created_by: 'seed-demo',
        created_at: new Date(Date.now() - 30 * DAY),
      })
      .onConflict((oc) => oc.column('enterprise_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) continue;
    await sql`
      insert into organisation_members (organisation_id, person_id, added_by, added_at)
      select ${row.id}, p.id, 'seed-demo', now() - interval '30 days'
      from people p join admin_units u on u.code = p.unit_code
      where u.path like ${`${d.path}%`} and p.phone is not null and p.birth_year between 1970 and 2004
      order by md5(p.id::text || ${e.id}) limit ${Math.min(40, Math.max(5, Math.round(e.workers / 50)))}`.execute(db);
  }
}
