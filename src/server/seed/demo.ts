/**
 * `truyvet seed-demo`: a deterministic synthetic province on real administrative units — Đồng Nai (75),
 * its 11 districts and 170 communes — with hamlets, households, people, venues, two weeks of check-ins, one staff
 * account per role and an ongoing outbreak (outbreak.ts: cases opened through the cases module, traced for real).
 * People and households come from a seeded PRNG (same data on every machine); staff passwords are random
 * and printed once. Scales with --people for benchmarks.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { NewPerson } from '../db/types.ts';
import type { VenueCategory } from '../modules/venues/schemas.ts';
import type { StaffRole } from '../platform/access.ts';
import { foldDiacritics } from '../platform/formats.ts';
import { generatePassword, hashPassword } from '../platform/passwords.ts';
import { type DeclarationsSeedResult, seedDeclarations } from './declarations.ts';
import { seedGreenPasses } from './greenpass.ts';
import { type OutbreakResult, outbreakSize, seedOutbreak } from './outbreak.ts';
import { type Random, seededRandom } from './random.ts';
import { seedTesting } from './testing.ts';
import { seedVaccination } from './vaccination.ts';

export const DEMO_PROVINCE = '75';
export const UNITS_CSV = fileURLToPath(new URL('../../../assets/vn-admin/units.csv', import.meta.url));

const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
];
const MIDDLE_M = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thành', 'Công', 'Gia'];
const MIDDLE_F = ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Kim', 'Mỹ', 'Bảo', 'Diệu'];
const GIVEN_M = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Hải',
  'Hùng',
  'Khang',
  'Long',
  'Nam',
  'Phúc',
  'Quang',
  'Sơn',
  'Tài',
  'Thắng',
  'Trung',
  'Việt',
];
const GIVEN_F = [
  'Anh',
  'Chi',
  'Dung',
  'Hà',
  'Hạnh',
  'Hoa',
  'Hương',
  'Lan',
  'Linh',
  'Mai',
  'Ngân',
  'Nhung',
  'Phương',
  'Thảo',
  'Trang',
  'Yến',
];
const STREETS = [
  'Nguyễn Ái Quốc',
  'Phạm Văn Thuận',
  'Đồng Khởi',
  'Võ Thị Sáu',
  'Hà Huy Giáp',
  'Lê Duẩn',
  'Hùng Vương',
  'Trần Phú',
  'Cách Mạng Tháng Tám',
];
const HAMLETS = ['Thôn', 'Ấp', 'Tổ dân phố', 'Khu phố'] as const;

export interface SeedOptions {
  people?: number;
  /** days of synthetic check-ins, ending now (default 14) */
  days?: number;
  /** venues (default: one per 8 people, at least 60) */
  venues?: number;
  seed?: number;
  /** cases of the demo outbreak (default: outbreakSize(people) — none below 100 people, 10 at 300, ~1 per 60) */
  cases?: number;
  /** write progress lines */
  log?: (line: string) => void;
}

export interface SeedResult {
  people: number;
  households: number;
  venues: number;
  checkins: number;
  staff: Array<{ username: string; role: StaffRole; unitCode: string | null; password: string }>;
  outbreak: OutbreakResult;
  declarations: DeclarationsSeedResult;
}

/** True when the demo has not been seeded yet (no demo staff). */
export async function isDemoSeeded(ctx: AppContext): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('staff_users')
    .select('id')
    .where('username', '=', 'admin.dongnai')
    .executeTakeFirst();
  return Boolean(row);
}

/** Imports the bundled units CSV when the tree is empty. */
export async function ensureUnits(ctx: AppContext): Promise<void> {
  const service = ctx.services.adminUnits;
  if ((await service.count()) === 0) await service.importCsv(readFileSync(UNITS_CSV, 'utf8'));
}

export async function seedDemo(ctx: AppContext, options: SeedOptions = {}): Promise<SeedResult> {
  const log = options.log ?? (() => {});
  const rnd = seededRandom(options.seed ?? 2021);
  const peopleTarget = options.people ?? 2000;
  await ensureUnits(ctx);
  log('admin units ready');

  const districts = await ctx.db
    .selectFrom('admin_units')
    .select(['code', 'name'])
    .where('parent_code', '=', DEMO_PROVINCE)
    .orderBy('code')
    .execute();
  const communes = await ctx.db
    .selectFrom('admin_units')
    .select(['code', 'name', 'path', 'parent_code'])
    .where('path', 'like', `${DEMO_PROVINCE}.%`)
    .where('level', '=', 3)
    .where('is_hamlet', '=', false)
    .orderBy('code')
    .execute();
  if (communes.length === 0) throw new Error('Đồng Nai communes are missing from the units table');

  // hamlets: 3–6 per commune, named like the real ones (Ấp 1, Khu phố 2, …)
  const existingHamlets = await ctx.db
    .selectFrom('admin_units')
    .select('code')
    .where('is_hamlet', '=', true)
    .where('path', 'like', `${DEMO_PROVINCE}.%`)
    .limit(1)
    .execute();
  if (existingHamlets.length === 0) {
    const rows = communes.flatMap((c) => {
      const type = rnd.pick(HAMLETS);
      return Array.from({ length: rnd.int(3, 6) }, (_, i) => {
        const code = `${c.code}-${String(i + 1).padStart(2, '0')}`;
        const name = `${type} ${i + 1}`;
        return {
          code,
          parent_code: c.code,
          level: 4,
          type,
          name,
          name_search: foldDiacritics(name),
          path: `${c.path}${code}.`,
          is_hamlet: true,
        };
      });
    });
    for (let i = 0; i < rows.length; i += 1000)
      await ctx.db
        .insertInto('admin_units')
        .values(rows.slice(i, i + 1000))
        .execute();
    log(`${rows.length} hamlets`);
  }
  const hamlets = await ctx.db
    .selectFrom('admin_units')
    .select(['code', 'parent_code'])
    .where('is_hamlet', '=', true)
    .where('path', 'like', `${DEMO_PROVINCE}.%`)
    .execute();
  const hamletsByCommune = new Map<string, string[]>();
  for (const h of hamlets)
    hamletsByCommune.set(h.parent_code ?? '', [...(hamletsByCommune.get(h.parent_code ?? '') ?? []), h.code]);

  // households and people
  let people = 0;
  let households = 0;
  let serial = 0;
  while (people < peopleTarget) {
    const batchPeople: Array<NewPerson & { id: string }> = [];
    const batchHouseholds: Array<{ id: string; unit_code: string; address: string }> = [];
    while (batchPeople.length < 5000 && people + batchPeople.length < peopleTarget) {
      const commune = rnd.pick(communes);
      const unit = rnd.pick(hamletsByCommune.get(commune.code) ?? [commune.code]);
      const address = `${rnd.int(1, 350)} ${rnd.pick(STREETS)}`;
      const householdId = uuidFrom(rnd.next, rnd.next);
      batchHouseholds.push({ id: householdId, unit_code: unit, address });
      const family = rnd.pick(FAMILY);
      const size = Math.min(rnd.int(1, 6), peopleTarget - people - batchPeople.length);
      for (let m = 0; m < size; m++) {
        serial++;
        const female = rnd.chance(0.5);
        const birthYear = m < 2 ? rnd.int(1945, 2000) : rnd.int(2001, 2024);
        const hasPhone = birthYear < 2010 && rnd.chance(0.9);
        // CCCD: province of birth (075), sex+century digit, 2-digit year, 6-digit serial — synthetic, unique
        const centuryDigit = (birthYear >= 2000 ? 2 : 0) + (female ? 1 : 0);
        const nationalId =
          birthYear < 2012
            ? `075${centuryDigit}${String(birthYear % 100).padStart(2, '0')}${String(serial).padStart(6, '0')}`
            : null;
        // one in forty typed their number in the app themselves: a claim the commune has not checked yet
        const claimed = nationalId !== null && serial % 40 === 7;
        batchPeople.push({
          id: uuidFrom(rnd.next, rnd.next),
          national_id: claimed ? null : nationalId,
          national_id_claim: claimed ? nationalId : null,
          phone: hasPhone ? `+849${String(10_000_000 + serial).slice(-8)}` : null,
          name: `${family} ${rnd.pick(female ? MIDDLE_F : MIDDLE_M)} ${rnd.pick(female ? GIVEN_F : GIVEN_M)}`,
          birth_year: birthYear,
          sex: female ? 'female' : 'male',
          unit_code: unit,
          address,
          household_id: householdId,
        });
      }
    }
    await ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < batchHouseholds.length; i += 2000)
        await trx
          .insertInto('households')
          .values(batchHouseholds.slice(i, i + 2000))
          .execute();
      for (let i = 0; i < batchPeople.length; i += 2000)
        await trx
          .insertInto('people')
          .values(batchPeople.slice(i, i + 2000))
          .execute();
    });
    people += batchPeople.length;
    households += batchHouseholds.length;
    if (peopleTarget >= 50_000) log(`${people} people`);
  }
  log(`${people} people in ${households} households`);

  const venueCount = options.venues ?? Math.max(60, Math.round(peopleTarget / 8));
  const venues = await seedVenues(ctx, rnd, communes, venueCount);
  log(`${venues.length} venues`);
  const checkins = await seedCheckins(ctx, rnd, venues, options.days ?? 14, log);
  log(`${checkins} check-ins over ${options.days ?? 14} days`);

  // one account per role, scoped the way a province would staff them
  const bienHoa = districts.find((d) => d.code === '731')?.code ?? districts[0]?.code ?? DEMO_PROVINCE;
  const firstCommune = communes.find((c) => c.parent_code === bienHoa)?.code ?? communes[0]?.code ?? bienHoa;
  const plan: Array<{ username: string; role: StaffRole; unitCode: string; displayName: string }> = [
    { username: 'admin.dongnai', role: 'admin', unitCode: DEMO_PROVINCE, displayName: 'Quản trị tỉnh Đồng Nai' },
    { username: 'leader.dongnai', role: 'leader', unitCode: DEMO_PROVINCE, displayName: 'Ban Chỉ đạo tỉnh' },
    { username: 'tracer.dongnai', role: 'tracer', unitCode: DEMO_PROVINCE, displayName: 'CDC Đồng Nai — truy vết' },
    { username: 'lab.dongnai', role: 'lab', unitCode: DEMO_PROVINCE, displayName: 'Phòng xét nghiệm CDC' },
    { username: 'hotline.dongnai', role: 'hotline_operator', unitCode: DEMO_PROVINCE, displayName: 'Tổng đài hỗ trợ' },
    { username: 'park.bienhoa', role: 'park_officer', unitCode: bienHoa, displayName: 'Ban Quản lý các KCN Đồng Nai' },
    {
      username: 'quarantine.dongnai',
      role: 'quarantine_officer',
      unitCode: DEMO_PROVINCE,
      displayName: 'Quản lý cách ly',
    },
    { username: 'health.bienhoa', role: 'health_worker', unitCode: bienHoa, displayName: 'Trung tâm Y tế Biên Hòa' },
    { username: 'vaccinator.bienhoa', role: 'vaccinator', unitCode: bienHoa, displayName: 'Đội tiêm chủng Biên Hòa' },
    { username: 'doctor.bienhoa', role: 'doctor', unitCode: bienHoa, displayName: 'Bác sĩ khám sàng lọc Biên Hòa' },
    { username: 'welfare.bienhoa', role: 'welfare_officer', unitCode: bienHoa, displayName: 'Phòng LĐ-TB&XH Biên Hòa' },
    { username: 'health.commune', role: 'health_worker', unitCode: firstCommune, displayName: 'Trạm Y tế xã/phường' },
    { username: 'venue.commune', role: 'venue_manager', unitCode: firstCommune, displayName: 'Quản lý địa điểm' },
  ];
  const staff: SeedResult['staff'] = [];
  for (const s of plan) {
    const exists = await ctx.db
      .selectFrom('staff_users')
      .select('id')
      .where('username', '=', s.username)
      .executeTakeFirst();
    if (exists) continue;
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    await ctx.db.transaction().execute(async (trx) => {
      const user = await trx
        .insertInto('staff_users')
        .values({ username: s.username, display_name: s.displayName, password_hash: passwordHash })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('staff_grants').values({ user_id: user.id, role: s.role, unit_code: s.unitCode }).execute();
      await ctx.audit.append(trx, {
        actor: { kind: 'system', name: 'seed-demo' },
        action: 'staff.create',
        resourceType: 'staff_user',
        resourceId: user.id,
        unitCode: s.unitCode,
        details: { role: s.role },
      });
    });
    staff.push({ username: s.username, role: s.role, unitCode: s.unitCode, password });
  }
  await sql`analyze`.execute(ctx.db);

  const outbreak = await seedOutbreak(ctx, rnd, { cases: options.cases ?? outbreakSize(peopleTarget), log });
  if (outbreak.cases > 0)
    log(
      `outbreak: ${outbreak.cases} cases, ${outbreak.f1} F1 and ${outbreak.f2} F2 traced, ${outbreak.quarantineOrders} quarantine orders`,
    );
  await seedTesting(ctx, { district: bienHoa, log });
  const declarations = await seedDeclarations(ctx, {
    province: DEMO_PROVINCE,
    district: bienHoa,
    commune: firstCommune,
    log,
  });
  const started = Date.now();
  await seedVaccination(ctx, { province: DEMO_PROVINCE, firstCommune, log });
  log(`vaccination seeded in ${Date.now() - started} ms`);
  log(`green passes issued: ${await seedGreenPasses(ctx)}`);
  log(`national IDs for the demo commune to verify: ${await seedClaimsToCheck(ctx, firstCommune)}`);
  // residents per unit as they stand now (the statistics' denominators; the hourly count keeps them after)
  await ctx.services.people.countUnits();
  return { people, households, venues: venues.length, checkins, staff, outbreak, declarations };
}

/**
 * The demo commune's health station has national IDs to check (its work list, `GET /people/national-id-claims`):
 * one number in forty being a claim leaves none in a commune of a dozen demo people. Three residents typed their own
 * number in the app, days apart, and a fourth typed one another record holds verified (the list marks it contested).
 * Added after everything else, so no other part of the demo changes; numbers 0759… are never drawn above.
 */
async function seedClaimsToCheck(ctx: AppContext, communeCode: string): Promise<number> {
  const commune = await ctx.db
    .selectFrom('admin_units')
    .select('path')
    .where('code', '=', communeCode)
    .executeTakeFirst();
  if (!commune) return 0;
  // whose number the fourth typed: a verified holder of the commune, else of the province
  const holder = async (pathPrefix: string) =>
    (
      await ctx.db
        .selectFrom('people as p')
        .innerJoin('admin_units as u', 'u.code', 'p.unit_code')
        .select('p.national_id')
        .where('u.path', 'like', `${pathPrefix}%`)
        .where('p.national_id', 'is not', null)
        .orderBy('p.id')
        .limit(1)
        .executeTakeFirst()
    )?.national_id ?? null;
  const taken = (await holder(commune.path)) ?? (await holder(`${DEMO_PROVINCE}.`));
  // typed 9, 6, 3 and 1 days ago: the list shows the oldest first
  const claims = [
    { name: 'Trần Thị Thu Hà', birthYear: 1987, sex: 'female', nationalId: '075987000101', daysAgo: 9 },
    { name: 'Nguyễn Văn Phúc', birthYear: 1979, sex: 'male', nationalId: '075979000102', daysAgo: 6 },
    { name: 'Lê Ngọc Bảo Anh', birthYear: 2004, sex: 'female', nationalId: '075904000103', daysAgo: 3 },
    { name: 'Phạm Minh Khôi', birthYear: 1995, sex: 'male', nationalId: taken, daysAgo: 1 },
  ] as const;
  const rows = claims.flatMap((c) =>
    c.nationalId
      ? [
          {
            national_id_claim: c.nationalId,
            name: c.name,
            birth_year: c.birthYear,
            sex: c.sex,
            unit_code: communeCode,
            created_at: new Date(Date.now() - c.daysAgo * 24 * 60 * 60 * 1000),
          },
        ]
      : [],
  );
  if (rows.length > 0) await ctx.db.insertInto('people').values(rows).execute();
  return rows.length;
}

interface SeedVenue {
  id: string;
  unit_code: string;
  commune: string;
  default_stay_minutes: number;
}

const VENUE_PLAN: Array<{ category: VenueCategory; names: string[]; stay: number; weight: number }> = [
  {
    category: 'market_supermarket_mall_shop',
    names: ['Chợ', 'Siêu thị Co.op', 'Cửa hàng tiện lợi', 'Tạp hóa'],
    stay: 40,
    weight: 6,
  },
  { category: 'restaurant_cafe', names: ['Quán phở', 'Cà phê', 'Quán cơm', 'Nhà hàng'], stay: 45, weight: 5 },
  { category: 'factory', names: ['Công ty May', 'Nhà máy Giày', 'Công ty Điện tử', 'Xưởng gỗ'], stay: 480, weight: 3 },
  { category: 'office', names: ['UBND', 'Văn phòng', 'Ngân hàng', 'Bưu điện'], stay: 60, weight: 2 },
  { category: 'school_university', names: ['Trường THCS', 'Trường Tiểu học', 'Trường THPT'], stay: 300, weight: 2 },
  { category: 'hospital_clinic', names: ['Trạm Y tế', 'Phòng khám', 'Nhà thuốc'], stay: 60, weight: 2 },
  { category: 'apartment_building', names: ['Chung cư'], stay: 600, weight: 1 },
  { category: 'bar_karaoke_massage_gym', names: ['Karaoke', 'Phòng tập', 'Massage'], stay: 90, weight: 1 },
  { category: 'meeting_conference', names: ['Hội trường'], stay: 120, weight: 1 },
  { category: 'station_port_airport', names: ['Bến xe', 'Ga'], stay: 30, weight: 1 },
  { category: 'public_transport', names: ['Xe buýt tuyến'], stay: 40, weight: 1 },
  { category: 'tourist_entertainment_religious', names: ['Chùa', 'Nhà thờ', 'Khu du lịch'], stay: 60, weight: 1 },
  { category: 'checkpoint', names: ['Chốt kiểm soát'], stay: 10, weight: 1 },
  { category: 'wedding_funeral', names: ['Tiệc cưới', 'Đám tang'], stay: 180, weight: 1 },
];
const SHORT_CODE_CHARS = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

async function seedVenues(
  ctx: AppContext,
  rnd: Random,
  communes: Array<{ code: string; name: string }>,
  count: number,
): Promise<SeedVenue[]> {
  const existing = await ctx.db.selectFrom('venues').select(['id', 'unit_code', 'default_stay_minutes']).execute();
  if (existing.length > 0) return existing.map((v) => ({ ...v, commune: v.unit_code }));
  const weighted = VENUE_PLAN.flatMap((p) => Array.from({ length: p.weight }, () => p));
  const now = Date.now();
  const rows = Array.from({ length: count }, (_, i) => {
    const plan = weighted[i % weighted.length] as (typeof VENUE_PLAN)[number];
    const commune = rnd.pick(communes);
    const place = commune.name.replace(/^(Xã|Phường|Thị trấn) /, '');
    const code = Array.from({ length: 8 }, () => rnd.pick([...SHORT_CODE_CHARS])).join('');
    const event = plan.category === 'wedding_funeral';
    const start = now - rnd.int(0, 13) * 86_400_000 - rnd.int(0, 8) * 3600_000;
    return {
      id: uuidFrom(rnd.next, rnd.next),
      short_code: `${code.slice(0, 4)}-${code.slice(4)}`,
      name: `${rnd.pick(plan.names)} ${place}${plan.category === 'public_transport' ? ` số ${rnd.int(1, 60)}` : ''}`,
      category: plan.category,
      unit_code: commune.code,
      address: `${rnd.int(1, 500)} ${rnd.pick(STREETS)}`,
      default_stay_minutes: plan.stay,
      capacity: rnd.chance(0.5) ? rnd.int(20, 2000) : null,
      starts_at: event ? new Date(start) : null,
      ends_at: event ? new Date(start + 5 * 3600_000) : null,
      vehicle_plate: plan.category === 'public_transport' ? `60B-${rnd.int(100, 999)}.${rnd.int(10, 99)}` : null,
      route: plan.category === 'public_transport' ? 'Biên Hòa — Long Khánh' : null,
      // the demo registry is the commune's: checked, so its managers could type people in
      verified_at: new Date(now),
    };
  });
  for (let i = 0; i < rows.length; i += 1000)
    await ctx.db
      .insertInto('venues')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.doNothing())
      .execute();
  return rows.map((r) => ({
    id: r.id,
    unit_code: r.unit_code,
    commune: r.unit_code,
    default_stay_minutes: r.default_stay_minutes,
  }));
}

/** Visits for every person: 0–3 per day at venues of their own commune when there are some, else anywhere. */
async function seedCheckins(
  ctx: AppContext,
  rnd: Random,
  venues: SeedVenue[],
  days: number,
  log: (l: string) => void,
): Promise<number> {
  const already = await ctx.db.selectFrom('checkins').select('id').limit(1).execute();
  if (already.length > 0 || venues.length === 0 || days <= 0) return 0;
  const byCommune = new Map<string, SeedVenue[]>();
  for (const v of venues) byCommune.set(v.commune, [...(byCommune.get(v.commune) ?? []), v]);
  const retentionStart = Date.now() - (ctx.config.checkinRetentionDays - 0.5) * 86_400_000;
  const dayMs = 86_400_000;
  const todayLocal = Math.floor((Date.now() + 7 * 3600_000) / dayMs) * dayMs - 7 * 3600_000;
  let total = 0;
  let lastId = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const people = await ctx.db
      .selectFrom('people as p')
      .innerJoin('admin_units as u', 'u.code', 'p.unit_code')
      .select(['p.id', 'u.parent_code', 'u.is_hamlet', 'p.unit_code'])
      .where('p.id', '>', lastId)
      .orderBy('p.id')
      .limit(5000)
      .execute();
    if (people.length === 0) break;
    lastId = people[people.length - 1]?.id ?? lastId;
    const rows = [];
    for (const p of people) {
      const commune = p.is_hamlet ? (p.parent_code ?? '') : (p.unit_code ?? '');
      const local = byCommune.get(commune);
      for (let d = days - 1; d >= 0; d--) {
        const visits = rnd.int(0, 3);
        for (let k = 0; k < visits; k++) {
          const v = local && rnd.chance(0.8) ? rnd.pick(local) : rnd.pick(venues);
          const at = todayLocal - d * dayMs + rnd.int(6 * 60, 21 * 60) * 60_000 + rnd.int(0, 59) * 1000;
          if (at > Date.now() || at < retentionStart) continue;
          const implied = at + v.default_stay_minutes * 60_000;
          const out = rnd.chance(0.4) ? at + rnd.int(5, v.default_stay_minutes) * 60_000 : null;
          rows.push({
            venue_id: v.id,
            person_id: p.id,
            checked_in_at: new Date(at),
            checked_out_at: out !== null && out < Date.now() ? new Date(out) : null,
            implied_out_at: new Date(implied),
            ...(rnd.chance(0.85)
              ? { method: 'citizen_scan' as const, evidence: 'qr_self' as const }
              : { method: 'staff_scan' as const, evidence: 'qr_personal' as const }),
            actor_type: 'system',
            actor_id: 'seed-demo',
            unit_code: v.unit_code,
          });
        }
      }
    }
    for (let i = 0; i < rows.length; i += 3000)
      await ctx.db
        .insertInto('checkins')
        .values(rows.slice(i, i + 3000))
        .execute();
    total += rows.length;
    if (total > 200_000) log(`${total} check-ins`);
  }
  return total;
}

/** A v4-shaped UUID from the seeded PRNG (deterministic ids keep the demo reproducible). */
function uuidFrom(a: () => number, b: () => number): string {
  const hex = (n: number, len: number) =>
    Math.floor(n * 16 ** len)
      .toString(16)
      .padStart(len, '0');
  const x = hex(a(), 8);
  const y = hex(b(), 12);
  const z = hex(a(), 8);
  return `${x}-${y.slice(0, 4)}-4${y.slice(4, 7)}-a${y.slice(7, 10)}-${y.slice(10, 12)}${z}${hex(b(), 2)}`;
}
