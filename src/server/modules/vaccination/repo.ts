/**
 * Kysely queries of the vaccination module: its own tables, plus the declared reads (people: a subject's unit, birth
 * year, name and phone; dependants: guardians; admin_units: paths and names). Lists of personal data take an
 * AccessScope and apply it with `scoped`.
 */
import DataLoader from 'dataloader';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { auditColumns } from '../../platform/audit.ts';
import { type AccessScope, scopeCondition, scoped } from '../../platform/authorize.ts';
import { DERIVED_MAX_AGE, type ProductRule } from './rules.ts';

type Q = Kysely<DB> | Transaction<DB>;

export interface ProductRow extends ProductRule {
  name: string;
  manufacturer: string;
  platform: string;
  euProductCode: string;
  euManufacturerCode: string;
  euProphylaxisCode: string;
  active: boolean;
}

export interface CoverageDelta {
  communeCode: string;
  unitPath: string | null;
  ageBand: string;
  priorityGroup: string;
  dose1: number;
  full: number;
  booster: number;
  doses: number;
}

/** A dose recorded at a site, as the dose writer inserts it (the rest of the row: country VN, source site, valid). */
export interface NewSiteDose {
  id: string;
  person_id: string;
  product_code: string;
  lot_id: string;
  lot_number: string;
  dose_number: number;
  site_id: string;
  given_at: Date;
  commune_code: string;
  unit_path: string | null;
  age_band: string;
  priority_group: string;
  screening_id: string | null;
  recorded_by: string;
  override_reason: string | null;
}

/** What `vaccination_dose_state` reads for a batch of doses (db/functions/vaccination_doses.sql). */
export interface DoseState {
  stored: { scope: string; key: string; hash: string; response: unknown }[];
  /** valid doses, by person, in order of time then of recording; `given_at` as JSON text */
  doses: {
    person_id: string;
    product_code: string;
    dose_number: number;
    given_at: string;
    commune_code: string | null;
    unit_path: string | null;
    age_band: string;
    priority_group: string;
  }[];
  lots: {
    site_id: string;
    lot_number: string;
    lot: {
      id: string;
      product_code: string;
      lot_number: string;
      expires_on: string;
      quantity: number;
      used: number;
    } | null;
    elsewhere: boolean;
  }[];
  /** `n`: the dose's 1-based position in the batch */
  screenings: { n: number; id: string; person_id: string; outcome: string }[];
  groups: { person_id: string; priority_group: string }[];
}

/**
 * Coverage changes summed per key, without the rows that change nothing, in key order (writers never lock two
 * counter rows in opposite orders).
 */
export function mergedCoverage(deltas: readonly CoverageDelta[]): CoverageDelta[] {
  const merged = new Map<string, CoverageDelta>();
  for (const d of deltas) {
    const k = `${d.communeCode}\u0000${d.ageBand}\u0000${d.priorityGroup}`;
    const m = merged.get(k);
    if (m) {
      m.dose1 += d.dose1;
      m.full += d.full;
      m.booster += d.booster;
      m.doses += d.doses;
    } else merged.set(k, { ...d });
  }
  return [...merged.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, d]) => d)
    .filter((d) => d.dose1 || d.full || d.booster || d.doses);
}

/** The current year in Asia/Ho_Chi_Minh, in SQL. */
const LOCAL_YEAR = `extract(year from now() at time zone 'Asia/Ho_Chi_Minh')::int`;

/** The per-person advisory lock (first key) every change of a person's doses takes. */
export const PERSON_LOCK = 7231013;

export function vaccinationRepo(db: Kysely<DB>) {
  const personQuery = (q: Q) =>
    q
      .selectFrom('people as p')
      .leftJoin('admin_units as u', 'u.code', 'p.unit_code')
      .select([
        'p.id',
        'p.name',
        'p.phone',
        'p.birth_year',
        'p.birth_date',
        // the national ID (verified, else the claimed one): a birth year missing from the record is derived from it
        sql<string | null>`coalesce(p.national_id, p.national_id_claim)`.as('id_number'),
        'p.unit_code',
        'u.path as unit_path',
        'u.name as unit_name',
      ]);
  const siteQuery = (q: Q) =>
    q
      .selectFrom('vaccination_sites as s')
      .innerJoin('admin_units as u', 'u.code', 's.unit_code')
      .select(['s.id', 's.name', 's.unit_code', 's.unit_path', 's.address', 'u.name as unit_name']);
  type PersonRow = Awaited<ReturnType<ReturnType<typeof personQuery>['executeTakeFirstOrThrow']>>;
  type SiteRow = Awaited<ReturnType<ReturnType<typeof siteQuery>['executeTakeFirstOrThrow']>>;
  // The dose path's look-ups of the person and the site, batched: the requests checked in the same turn of the event
  // loop share ONE query (under load, dozens of doses a turn; the site and the person were a query each), never
  // cached across turns. The ids go as two array parameters, so it is one prepared statement whatever their number.
  const lookups = new DataLoader<string, PersonRow | SiteRow | undefined>(
    async (keys) => {
      const ids = (kind: string) => [...new Set(keys.filter((k) => k[0] === kind).map((k) => k.slice(2)))];
      const { rows } = await sql<{ kind: 'p' | 's' } & PersonRow & SiteRow>`
        select 'p' as kind, p.id, p.name, p.phone, p.birth_year, p.birth_date,
               coalesce(p.national_id, p.national_id_claim) as id_number, p.unit_code, u.path as unit_path,
               u.name as unit_name, null as address
        from people p left join admin_units u on u.code = p.unit_code
        where p.id = any(${ids('p')}::uuid[])
        union all
        select 's', s.id, s.name, null, null, null, null, s.unit_code, s.unit_path, u.name, s.address
        from vaccination_sites s join admin_units u on u.code = s.unit_code
        where s.id = any(${ids('s')}::uuid[])`.execute(db);
      const found = new Map<string, PersonRow | SiteRow>();
      for (const { kind, ...r } of rows) {
        found.set(
          `${kind}:${r.id}`,
          kind === 'p'
            ? {
                id: r.id,
                name: r.name,
                phone: r.phone,
                birth_year: r.birth_year,
                birth_date: r.birth_date,
                id_number: r.id_number,
                unit_code: r.unit_code,
                unit_path: r.unit_path,
                unit_name: r.unit_name,
              }
            : {
                id: r.id,
                name: r.name,
                unit_code: r.unit_code,
                unit_path: r.unit_path,
                address: r.address,
                unit_name: r.unit_name,
              },
        );
      }
      return keys.map((k) => found.get(k));
    },
    { cache: false, maxBatchSize: 1000, batchScheduleFn: (run) => setImmediate(run) },
  );

  return {
    /** A person (as `personById`), batched with the look-ups of the same turn (the dose path). */
    personBatched: (personId: string) => lookups.load(`p:${personId}`) as Promise<PersonRow | undefined>,
    /** A site (as `siteById`), batched with the look-ups of the same turn (the dose path). */
    siteBatched: (siteId: string) => lookups.load(`s:${siteId}`) as Promise<SiteRow | undefined>,

    // ——— products, groups, checklist ———
    async products(q: Q = db): Promise<ProductRow[]> {
      const rows = await q.selectFrom('vaccine_products').selectAll().orderBy('code').execute();
      return rows.map((r) => ({
        code: r.code,
        name: r.name,
        manufacturer: r.manufacturer,
        platform: r.platform,
        dosesInPrimarySeries: r.doses_in_primary_series,
        minIntervalDays: r.min_interval_days,
        recommendedIntervalDays: r.recommended_interval_days,
        mixWith: r.mix_with,
        boosterProducts: r.booster_products,
        boosterMinIntervalDays: r.booster_min_interval_days,
        minAgeYears: r.min_age_years,
        maxAgeYears: r.max_age_years,
        euProductCode: r.eu_product_code,
        euManufacturerCode: r.eu_manufacturer_code,
        euProphylaxisCode: r.eu_prophylaxis_code,
        active: r.active,
      }));
    },

    priorityGroups: (q: Q = db) =>
      q.selectFrom('vaccination_priority_groups').selectAll().where('active', '=', true).orderBy('rank').execute(),

    priorityGroup: (code: string, q: Q = db) =>
      q.selectFrom('vaccination_priority_groups').selectAll().where('code', '=', code).executeTakeFirst(),

    upsertPriorityGroup: (q: Q, g: { code: string; rank: number; name_vi: string; name_en: string; active: boolean }) =>
      q
        .insertInto('vaccination_priority_groups')
        .values(g)
        .onConflict((oc) =>
          oc.column('code').doUpdateSet({ rank: g.rank, name_vi: g.name_vi, name_en: g.name_en, active: g.active }),
        )
        .execute(),

    latestChecklist: (q: Q = db) =>
      q.selectFrom('vaccination_checklists').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst(),

    checklist: (version: number, q: Q = db) =>
      q.selectFrom('vaccination_checklists').selectAll().where('version', '=', version).executeTakeFirst(),

    // ——— declared reads: people, dependants, units ———
    personById: (personId: string, q: Q = db) => personQuery(q).where('p.id', '=', personId).executeTakeFirst(),

    personIdByNationalId: async (nationalId: string, q: Q = db) =>
      (await q.selectFrom('people').select('id').where('national_id', '=', nationalId).executeTakeFirst())?.id,

    isGuardian: async (guardianId: string, dependantId: string, q: Q = db) =>
      (await q
        .selectFrom('dependants')
        .select('dependant_id')
        .where('guardian_id', '=', guardianId)
        .where('dependant_id', '=', dependantId)
        .executeTakeFirst()) !== undefined,

    /** A guardian's phone for a person without one (invitations reach the family). */
    guardianPhone: async (personId: string, q: Q = db) =>
      (
        await q
          .selectFrom('dependants as d')
          .innerJoin('people as g', 'g.id', 'd.guardian_id')
          .select('g.phone')
          .where('d.dependant_id', '=', personId)
          .where('g.phone', 'is not', null)
          .limit(1)
          .executeTakeFirst()
      )?.phone ?? null,

    unitByCode: (code: string, q: Q = db) =>
      q.selectFrom('admin_units').select(['code', 'path', 'name', 'level']).where('code', '=', code).executeTakeFirst(),

    // ——— sites, lots, sessions ———
    createSite: (q: Q, s: { name: string; unit_code: string; unit_path: string; address: string | null }) =>
      q.insertInto('vaccination_sites').values(s).returning('id').executeTakeFirstOrThrow(),

    siteById: (id: string, q: Q = db) => siteQuery(q).where('s.id', '=', id).executeTakeFirst(),

    listSites: (scope: AccessScope) =>
      scoped(
        db
          .selectFrom('vaccination_sites as s')
          .innerJoin('admin_units as u', 'u.code', 's.unit_code')
          .select(['s.id', 's.name', 's.unit_code', 's.unit_path', 's.address', 'u.name as unit_name']),
        scope,
        's.unit_path',
      )
        .orderBy('s.name')
        .limit(500)
        .execute(),

    createLot: (
      q: Q,
      l: { site_id: string; product_code: string; lot_number: string; expires_on: string; quantity: number },
    ) => q.insertInto('vaccine_lots').values(l).returning('id').executeTakeFirstOrThrow(),

    /** The lot with this number at this site (a dose's `lot` is the lot number), locked for the stock update. */
    lotAtSite: (q: Q, siteId: string, lotNumber: string) =>
      q
        .selectFrom('vaccine_lots')
        .selectAll()
        .where('site_id', '=', siteId)
        .where('lot_number', '=', lotNumber)
        .executeTakeFirst(),

    /** The person's corrections and declared doses waiting for a decision. */
    pendingRequests: async (q: Q, personId: string) => {
      const { rows } = await sql<{ n: number }>`
        select (select count(*) from vaccination_corrections where person_id = ${personId} and status = 'pending')
             + (select count(*) from vaccination_doses
                where person_id = ${personId} and source = 'declared' and status = 'pending') as n`.execute(q);
      return Number(rows[0]?.n ?? 0);
    },

    lotById: (q: Q, id: string) => q.selectFrom('vaccine_lots').selectAll().where('id', '=', id).executeTakeFirst(),

    /** Any lot with this number (to tell "from another site" from "unknown"). */
    lotElsewhere: (q: Q, lotNumber: string) =>
      q
        .selectFrom('vaccine_lots')
        .select(['id', 'site_id'])
        .where('lot_number', '=', lotNumber)
        .limit(1)
        .executeTakeFirst(),

    /** Takes one dose from the lot's stock; false when none is left. */
    useLot: async (q: Q, lotId: string, by: number) =>
      Number(
        (
          await q
            .updateTable('vaccine_lots')
            .set({ used: sql`used + ${by}` })
            .where('id', '=', lotId)
            .where(sql<boolean>`used + ${by} <= quantity and used + ${by} >= 0`)
            .executeTakeFirst()
        ).numUpdatedRows,
      ) === 1,

    listLots: (scope: AccessScope, siteId?: string) => {
      let q = db
        .selectFrom('vaccine_lots as l')
        .innerJoin('vaccination_sites as s', 's.id', 'l.site_id')
        .select([
          'l.id',
          'l.site_id',
          's.name as site_name',
          'l.product_code',
          'l.lot_number',
          'l.expires_on',
          'l.quantity',
          'l.used',
        ]);
      if (siteId) q = q.where('l.site_id', '=', siteId);
      return scoped(q, scope, 's.unit_path').orderBy('s.name').orderBy('l.expires_on').limit(1000).execute();
    },

    createSession: (q: Q, s: { site_id: string; day: string; capacity: number; product_code: string }) =>
      q.insertInto('vaccination_sessions').values(s).returning('id').executeTakeFirstOrThrow(),

    sessionById: (id: string, q: Q = db) =>
      q
        .selectFrom('vaccination_sessions as v')
        .innerJoin('vaccination_sites as s', 's.id', 'v.site_id')
        .select(['v.id', 'v.site_id', 'v.day', 'v.capacity', 'v.product_code', 's.name as site_name', 's.unit_path'])
        .where('v.id', '=', id)
        .executeTakeFirst(),

    listSessions: (scope: AccessScope, f: { siteId?: string | undefined; day?: string | undefined }) => {
      let q = db
        .selectFrom('vaccination_sessions as v')
        .innerJoin('vaccination_sites as s', 's.id', 'v.site_id')
        .select([
          'v.id',
          'v.site_id',
          's.name as site_name',
          'v.day',
          'v.capacity',
          'v.product_code',
          sql<number>`(select count(*)::int from vaccination_registrations r where r.session_id = v.id)`.as('invited'),
          sql<number>`(select count(*)::int from vaccination_registrations r where r.session_id = v.id and r.status = 'done')`.as(
            'vaccinated',
          ),
        ]);
      if (f.siteId) q = q.where('v.site_id', '=', f.siteId);
      if (f.day) q = q.where('v.day', '=', f.day);
      return scoped(q, scope, 's.unit_path').orderBy('v.day', 'desc').orderBy('s.name').limit(200).execute();
    },

    // ——— registrations ———
    openRegistration: (personId: string, q: Q = db) =>
      q
        .selectFrom('vaccination_registrations')
        .selectAll()
        .where('person_id', '=', personId)
        .where('status', 'in', ['waiting', 'invited'])
        .executeTakeFirst(),

    latestRegistration: (personId: string, q: Q = db) =>
      q
        .selectFrom('vaccination_registrations as r')
        .innerJoin('people as p', 'p.id', 'r.person_id')
        .leftJoin('vaccination_sessions as v', 'v.id', 'r.session_id')
        .leftJoin('vaccination_sites as s', (j) => j.on(sql<boolean>`s.id = coalesce(v.site_id, r.site_id)`))
        .select([
          'r.id',
          'r.person_id',
          'p.name',
          'r.priority_group',
          'r.status',
          'r.site_id',
          'r.session_id',
          'v.day as session_day',
          's.name as site_name',
          'r.has_phone',
          'r.created_at',
        ])
        .where('r.person_id', '=', personId)
        .orderBy('r.created_at', 'desc')
        .limit(1)
        .executeTakeFirst(),

    /** The priority group of the person's newest registration. */
    priorityGroupOf: async (personId: string, q: Q = db) =>
      (
        await q
          .selectFrom('vaccination_registrations')
          .select('priority_group')
          .where('person_id', '=', personId)
          .orderBy('created_at', 'desc')
          .limit(1)
          .executeTakeFirst()
      )?.priority_group,

    createRegistration: (
      q: Q,
      r: {
        person_id: string;
        priority_group: string;
        priority_rank: number;
        site_id: string | null;
        unit_code: string | null;
        unit_path: string | null;
        has_phone: boolean;
        registered_by: string;
      },
    ) => q.insertInto('vaccination_registrations').values(r).returning('id').executeTakeFirstOrThrow(),

    listRegistrations: (
      scope: AccessScope,
      f: {
        status?: string | undefined;
        sessionId?: string | undefined;
        withoutPhone?: boolean | undefined;
        limit: number;
      },
    ) => {
      let q = db
        .selectFrom('vaccination_registrations as r')
        .innerJoin('people as p', 'p.id', 'r.person_id')
        .leftJoin('vaccination_sessions as v', 'v.id', 'r.session_id')
        .leftJoin('vaccination_sites as s', (j) => j.on(sql<boolean>`s.id = coalesce(v.site_id, r.site_id)`))
        .select([
          'r.id',
          'r.person_id',
          'p.name',
          'r.priority_group',
          'r.status',
          'r.site_id',
          'r.session_id',
          'v.day as session_day',
          's.name as site_name',
          'r.has_phone',
          'r.created_at',
        ]);
      if (f.status) q = q.where('r.status', '=', f.status as 'waiting');
      if (f.sessionId) q = q.where('r.session_id', '=', f.sessionId);
      if (f.withoutPhone) q = q.where('r.has_phone', '=', false);
      return scoped(q, scope, 'r.unit_path')
        .orderBy('r.priority_rank')
        .orderBy('r.created_at')
        .limit(f.limit)
        .execute();
    },

    /**
     * Waiting registrations for a session's site, by priority then age of the registration, locked for invitation:
     * those who chose the site, and those without a preferred site under `site.unitPath` within `scope` (the
     * planner's reach: a commune's planner invites their commune's, not the whole district's).
     */
    waitingFor: (q: Q, site: { id: string; unitPath: string }, scope: AccessScope, limit: number) =>
      q
        .selectFrom('vaccination_registrations as r')
        .innerJoin('people as p', 'p.id', 'r.person_id')
        .select(['r.id', 'r.person_id', 'p.name', 'p.phone', 'r.has_phone', 'r.priority_group'])
        .where('r.status', '=', 'waiting')
        .where((eb) =>
          eb.or([
            eb('r.site_id', '=', site.id),
            eb.and([
              eb('r.site_id', 'is', null),
              eb('r.unit_path', 'like', `${site.unitPath}%`),
              scopeCondition(scope, 'r.unit_path'),
            ]),
          ]),
        )
        .orderBy('r.priority_rank')
        .orderBy('r.created_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute(),

    inviteRegistrations: (q: Q, ids: string[], sessionId: string) =>
      ids.length === 0
        ? Promise.resolve()
        : q
            .updateTable('vaccination_registrations')
            .set({ status: 'invited', session_id: sessionId, invited_at: new Date() })
            .where('id', 'in', ids)
            .execute(),

    countInvited: async (q: Q, sessionId: string) =>
      Number(
        (
          await q
            .selectFrom('vaccination_registrations')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('session_id', '=', sessionId)
            .executeTakeFirstOrThrow()
        ).n,
      ),

    markRegistrationDone: (q: Q, personId: string) =>
      q
        .updateTable('vaccination_registrations')
        .set({ status: 'done' })
        .where('person_id', '=', personId)
        .where('status', 'in', ['waiting', 'invited'])
        .execute(),

    // ——— screenings ———
    createScreening: (
      q: Q,
      s: {
        person_id: string;
        site_id: string;
        checklist_version: number;
        answers: string;
        outcome: 'proceed' | 'defer' | 'refer';
        recorded_by: string;
      },
    ) => q.insertInto('vaccination_screenings').values(s).returning('id').executeTakeFirstOrThrow(),

    screeningById: (id: string, q: Q = db) =>
      q.selectFrom('vaccination_screenings').selectAll().where('id', '=', id).executeTakeFirst(),

    latestScreening: (personId: string, since: Date, q: Q = db) =>
      q
        .selectFrom('vaccination_screenings')
        .select(['id', 'person_id', 'outcome', 'created_at', 'site_id'])
        .where('person_id', '=', personId)
        .where('created_at', '>=', since)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst(),

    // ——— doses ———
    /** A person's doses (all statuses) in order of `givenAt`, with the site's name. */
    dosesOf: (personId: string, q: Q = db) =>
      q
        .selectFrom('vaccination_doses as d')
        .innerJoin('vaccine_products as pr', 'pr.code', 'd.product_code')
        .leftJoin('vaccination_sites as s', 's.id', 'd.site_id')
        .select([
          'd.id',
          'd.product_code',
          'pr.name as product_name',
          'd.dose_number',
          'd.given_at',
          'd.site_id',
          's.name as site_name',
          's.unit_path as site_path',
          'd.lot_number',
          'd.lot_id',
          'd.country',
          'd.place',
          'd.source',
          'd.status',
          'd.override_reason',
          'd.commune_code',
          'd.unit_path',
          'd.age_band',
          'd.priority_group',
        ])
        .where('d.person_id', '=', personId)
        .orderBy('d.given_at')
        .orderBy('d.created_at')
        .execute(),

    doseById: (id: string, q: Q = db) =>
      q
        .selectFrom('vaccination_doses as d')
        .leftJoin('vaccination_sites as s', 's.id', 'd.site_id')
        .select([
          'd.id',
          'd.person_id',
          'd.product_code',
          'd.lot_id',
          'd.lot_number',
          'd.dose_number',
          'd.site_id',
          'd.given_at',
          'd.status',
          'd.source',
          'd.unit_path',
          'd.recorded_by',
          's.unit_path as site_path',
          's.name as site_name',
        ])
        .where('d.id', '=', id)
        .executeTakeFirst(),

    insertDose: (
      q: Q,
      d: {
        person_id: string;
        product_code: string;
        lot_id: string | null;
        lot_number: string | null;
        dose_number: number;
        site_id: string | null;
        given_at: Date;
        country: string;
        place: string | null;
        source: 'site' | 'declared';
        status: 'valid' | 'pending';
        commune_code: string;
        unit_path: string | null;
        age_band: string;
        priority_group: string;
        screening_id: string | null;
        evidence_id: string | null;
        recorded_by: string;
        override_reason: string | null;
      },
    ) => q.insertInto('vaccination_doses').values(d).returning('id').executeTakeFirstOrThrow(),

    updateDose: (
      q: Q,
      id: string,
      set: Partial<{
        product_code: string;
        lot_id: string | null;
        lot_number: string | null;
        dose_number: number;
        site_id: string | null;
        given_at: Date;
        status: 'valid' | 'rejected' | 'voided';
        status_reason: string;
        status_note: string | null;
        decided_by: string;
      }>,
    ) => q.updateTable('vaccination_doses').set(set).where('id', '=', id).execute(),

    pendingDeclared: (scope: AccessScope) =>
      scoped(
        db
          .selectFrom('vaccination_doses as d')
          .innerJoin('people as p', 'p.id', 'd.person_id')
          .select([
            'd.id',
            'd.person_id',
            'p.name',
            'd.product_code',
            'd.dose_number',
            'd.given_at',
            'd.country',
            'd.place',
            'd.status',
          ])
          .where('d.status', '=', 'pending'),
        scope,
        'd.unit_path',
      )
        .orderBy('d.created_at')
        .limit(200)
        .execute(),

    /** The green pass's read: valid doses with the product's EU codes and the site's name. */
    certificateDoses: (personId: string, q: Q = db) =>
      q
        .selectFrom('vaccination_doses as d')
        .innerJoin('vaccine_products as pr', 'pr.code', 'd.product_code')
        .leftJoin('vaccination_sites as s', 's.id', 'd.site_id')
        .select([
          'd.id',
          'd.product_code',
          'pr.eu_product_code',
          'pr.eu_manufacturer_code',
          'pr.eu_prophylaxis_code',
          'pr.doses_in_primary_series',
          'd.dose_number',
          'd.given_at',
          'd.country',
          'd.place',
          's.name as site_name',
        ])
        .where('d.person_id', '=', personId)
        .where('d.status', '=', 'valid')
        .orderBy('d.given_at')
        .orderBy('d.dose_number')
        .execute(),

    // ——— the dose writer's batch (writer.ts): two statements, db/functions/vaccination_doses.sql ———
    /**
     * Locks a batch's keys and people and reads what its rules need (`vaccination_dose_state`): the stored keys,
     * the people's valid doses, the lots asked for, each dose's screening, the people's priority groups.
     */
    async doseState(
      trx: Transaction<DB>,
      keys: readonly { scope: string; key: string }[],
      doses: readonly {
        personId: string;
        siteId: string;
        lotNumber: string;
        screeningId: string | null;
        since: Date;
      }[],
    ): Promise<DoseState> {
      const { rows } = await sql<{ state: DoseState }>`
        select vaccination_dose_state(
          ${keys.map((k) => k.scope)}::text[], ${keys.map((k) => k.key)}::text[],
          ${doses.map((d) => d.personId)}::uuid[], ${doses.map((d) => d.siteId)}::uuid[],
          ${doses.map((d) => d.lotNumber)}::text[], ${doses.map((d) => d.screeningId)}::uuid[],
          ${doses.map((d) => d.since.toISOString())}::timestamptz[]) as state`.execute(trx);
      const state = rows[0]?.state;
      if (!state) throw new Error('vaccination_dose_state answered nothing');
      return state;
    },

    /**
     * Writes a batch's accepted doses (`vaccination_doses_write`): keys, doses, registrations, events, counters,
     * stock, audit rows. False when a lot no longer holds the doses taken from it (nothing should then commit).
     */
    async writeDoses(
      trx: Transaction<DB>,
      w: {
        answers: readonly { scope: string; key: string; hash: string; response: unknown }[];
        doses: readonly NewSiteDose[];
        people: readonly string[];
        topic: string;
        events: readonly unknown[];
        coverage: CoverageDelta[];
        lots: readonly { id: string; take: number }[];
        audit: ReturnType<typeof auditColumns>;
      },
    ): Promise<boolean> {
      const a = w.audit;
      const { rows } = await sql<{ ok: boolean }>`
        select vaccination_doses_write(
          ${JSON.stringify(w.answers)}::jsonb, ${JSON.stringify(w.doses)}::jsonb, ${[...w.people]}::uuid[],
          ${w.topic}::text, ${JSON.stringify(w.events)}::jsonb,
          ${JSON.stringify(
            mergedCoverage(w.coverage).map((d) => ({
              commune_code: d.communeCode,
              unit_path: d.unitPath,
              age_band: d.ageBand,
              priority_group: d.priorityGroup,
              people_dose1: d.dose1,
              people_full: d.full,
              people_booster: d.booster,
              doses: d.doses,
            })),
          )}::jsonb,
          ${w.lots.map((l) => l.id)}::uuid[], ${w.lots.map((l) => l.take)}::int[],
          ${a.ats}::timestamptz[], ${a.actorTypes}::text[], ${a.actorIds}::text[], ${a.actions}::text[],
          ${a.resourceTypes}::text[], ${a.resourceIds}::text[], ${a.unitCodes}::text[], ${a.outcomes}::text[],
          ${a.details}::text[], ${a.payloads}::text[]) as ok`.execute(trx);
      return rows[0]?.ok === true;
    },

    // ——— coverage counters ———
    /**
     * Adds changes of coverage to the communes' counters (in the doses' transaction). Rows of the same key are
     * summed first and written in key order, so writers never lock two counter rows in opposite orders.
     */
    async addCoverage(q: Q, deltas: CoverageDelta[]) {
      const nonZero = mergedCoverage(deltas);
      if (nonZero.length === 0) return;
      await q
        .insertInto('vaccination_coverage')
        .values(
          nonZero.map((d) => ({
            commune_code: d.communeCode,
            unit_path: d.unitPath,
            age_band: d.ageBand,
            priority_group: d.priorityGroup,
            people_dose1: d.dose1,
            people_full: d.full,
            people_booster: d.booster,
            doses: d.doses,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['commune_code', 'age_band', 'priority_group']).doUpdateSet({
            people_dose1: sql`vaccination_coverage.people_dose1 + excluded.people_dose1`,
            people_full: sql`vaccination_coverage.people_full + excluded.people_full`,
            people_booster: sql`vaccination_coverage.people_booster + excluded.people_booster`,
            doses: sql`vaccination_coverage.doses + excluded.doses`,
          }),
        )
        .execute();
    },

    /** Coverage by commune: the counters joined with the population per commune (O(communes), never a dose scan). */
    coverageByCommune: (scope: AccessScope, q: Q = db) =>
      sql<{
        commune_code: string;
        commune_name: string | null;
        adults: number;
        over50: number;
        adults_dose1: number;
        over50_full: number;
        dose1: number;
        full: number;
        booster: number;
        doses: number;
      }>`
        with c as (
          select commune_code, max(unit_path) as unit_path,
                 sum(people_dose1) filter (where age_band in ('18-49', '50-64', '65+'))::int as adults_dose1,
                 sum(people_full) filter (where age_band in ('50-64', '65+'))::int as over50_full,
                 sum(people_dose1)::int as dose1, sum(people_full)::int as full,
                 sum(people_booster)::int as booster, sum(doses)::int as doses
          from vaccination_coverage where ${scopeCondition(scope, 'unit_path')} group by commune_code
        ), p as (
          select commune_code, max(unit_path) as unit_path,
                 sum(people) filter (where age_band in ('18-49', '50-64', '65+'))::int as adults,
                 sum(people) filter (where age_band in ('50-64', '65+'))::int as over50
          from vaccination_population where ${scopeCondition(scope, 'unit_path')} group by commune_code
        )
        select coalesce(c.commune_code, p.commune_code) as commune_code, u.name as commune_name,
               coalesce(p.adults, 0) as adults, coalesce(p.over50, 0) as over50,
               coalesce(c.adults_dose1, 0) as adults_dose1, coalesce(c.over50_full, 0) as over50_full,
               coalesce(c.dose1, 0) as dose1, coalesce(c.full, 0) as full, coalesce(c.booster, 0) as booster,
               coalesce(c.doses, 0) as doses
        from c full join p on p.commune_code = c.commune_code
        left join admin_units u on u.code = coalesce(c.commune_code, p.commune_code)
        order by u.name nulls last, 1`.execute(q),

    coverageBy: (scope: AccessScope, column: 'age_band' | 'priority_group') =>
      sql<{ key: string; dose1: number; full: number; booster: number; doses: number }>`
        select ${sql.ref(column)} as key, sum(people_dose1)::int as dose1, sum(people_full)::int as full,
               sum(people_booster)::int as booster, sum(doses)::int as doses
        from vaccination_coverage where ${scopeCondition(scope, 'unit_path')}
        group by 1 order by 1`.execute(db),

    populationByBand: (scope: AccessScope) =>
      sql<{ key: string; people: number }>`
        select age_band as key, sum(people)::int as people from vaccination_population
        where ${scopeCondition(scope, 'unit_path')} group by 1`.execute(db),

    dosesPerDay: (scope: AccessScope, from: string, to: string) =>
      sql<{ day: string; doses: number }>`
        select to_char((given_at at time zone 'Asia/Ho_Chi_Minh')::date, 'YYYY-MM-DD') as day, count(*)::int as doses
        from vaccination_doses
        where status = 'valid'
          and given_at >= (${from}::date)::timestamp at time zone 'Asia/Ho_Chi_Minh'
          and given_at < (${to}::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh'
          and ${scopeCondition(scope, 'unit_path')}
        group by 1 order by 1`.execute(db),

    dosesByNumber: (scope: AccessScope, from: string, to: string) =>
      sql<{ dose_number: number; doses: number }>`
        select dose_number, count(*)::int as doses from vaccination_doses
        where status = 'valid'
          and given_at >= (${from}::date)::timestamp at time zone 'Asia/Ho_Chi_Minh'
          and given_at < (${to}::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh'
          and ${scopeCondition(scope, 'unit_path')}
        group by 1 order by 1`.execute(db),

    registrationCounts: async (scope: AccessScope) => {
      const rows = await scoped(
        db
          .selectFrom('vaccination_registrations')
          .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
          .where('status', 'in', ['waiting', 'invited'])
          .groupBy('status'),
        scope,
        'unit_path',
      ).execute();
      const get = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
      return { waiting: get('waiting'), invited: get('invited') };
    },

    aefiCounts: async (scope: AccessScope, from: string, to: string) => {
      const { rows } = await sql<{ severity: string; n: number }>`
        select severity, count(*)::int as n from vaccination_aefi
        where created_at >= (${from}::date)::timestamp at time zone 'Asia/Ho_Chi_Minh'
          and created_at < (${to}::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh'
          and ${scopeCondition(scope, 'unit_path')}
        group by 1`.execute(db);
      const get = (s: string) => Number(rows.find((r) => r.severity === s)?.n ?? 0);
      return { mild: get('mild'), moderate: get('moderate'), serious: get('serious') };
    },

    /** Recounts residents per commune and age band (the coverage denominators); one pass over people. */
    refreshPopulation: (q: Q) =>
      sql`
        with derived as (
          -- a birth year missing from the record is the national ID's (rules.ts birthYearFromNationalId), as the
          -- doses' age bands are: the 4th digit the century, the 5th and 6th the year, believed for 120 years
          select p.unit_code, p.birth_year,
                 case when p.birth_year is null and coalesce(p.national_id, p.national_id_claim) ~ '^[0-9]{12}$'
                      then 1900 + (substr(coalesce(p.national_id, p.national_id_claim), 4, 1)::int / 2) * 100
                           + substr(coalesce(p.national_id, p.national_id_claim), 5, 2)::int end as id_year
          from people p
        ), born as (
          select unit_code,
                 coalesce(birth_year, case when id_year between ${sql.raw(LOCAL_YEAR)} - ${DERIVED_MAX_AGE}
                                                 and ${sql.raw(LOCAL_YEAR)} then id_year end) as birth_year
          from derived
        ), counted as (
          select case when u.is_hamlet then u.parent_code else u.code end as commune_code,
                 case when p.birth_year is null then 'unknown'
                      when extract(year from now())::int - p.birth_year < 18 then '0-17'
                      when extract(year from now())::int - p.birth_year < 50 then '18-49'
                      when extract(year from now())::int - p.birth_year < 65 then '50-64'
                      else '65+' end as age_band,
                 count(*)::int as people
          from born p join admin_units u on u.code = p.unit_code
          group by 1, 2
        ), placed as (
          select c.commune_code, cu.path as unit_path, c.age_band, c.people
          from counted c left join admin_units cu on cu.code = c.commune_code
        ), gone as (
          delete from vaccination_population v
          where not exists (select 1 from placed x where x.commune_code = v.commune_code and x.age_band = v.age_band)
        )
        insert into vaccination_population (commune_code, unit_path, age_band, people, refreshed_at)
        select commune_code, unit_path, age_band, people, now() from placed
        on conflict (commune_code, age_band) do update
          set people = excluded.people, unit_path = excluded.unit_path, refreshed_at = now()`.execute(q),

    // ——— AEFI ———
    createAefi: (
      q: Q,
      a: {
        dose_id: string;
        person_id: string;
        severity: 'mild' | 'moderate' | 'serious';
        symptoms: string[];
        onset_at: Date;
        notes: string | null;
        unit_path: string;
        reported_by: string;
      },
    ) => q.insertInto('vaccination_aefi').values(a).returning('id').executeTakeFirstOrThrow(),

    listAefi: (scope: AccessScope, severity?: string) => {
      let q = db
        .selectFrom('vaccination_aefi as a')
        .innerJoin('people as p', 'p.id', 'a.person_id')
        .innerJoin('vaccination_doses as d', 'd.id', 'a.dose_id')
        .select([
          'a.id',
          'a.dose_id',
          'a.person_id',
          'p.name',
          'a.severity',
          'a.symptoms',
          'a.onset_at',
          'd.product_code',
          'a.created_at',
        ]);
      if (severity) q = q.where('a.severity', '=', severity as 'mild');
      return scoped(q, scope, 'a.unit_path').orderBy('a.created_at', 'desc').limit(200).execute();
    },

    cdcPhone: async (districtCode: string, q: Q = db) =>
      (
        await q
          .selectFrom('vaccination_cdc_contacts')
          .select('phone')
          .where('district_code', '=', districtCode)
          .executeTakeFirst()
      )?.phone,

    setCdcPhone: (q: Q, districtCode: string, phone: string) =>
      q
        .insertInto('vaccination_cdc_contacts')
        .values({ district_code: districtCode, phone })
        .onConflict((oc) => oc.column('district_code').doUpdateSet({ phone }))
        .execute(),

    // ——— evidence and corrections ———
    createEvidence: (q: Q, e: { person_id: string; content_type: string; bytes: Buffer; uploaded_by: string }) =>
      q.insertInto('vaccination_evidence').values(e).returning('id').executeTakeFirstOrThrow(),

    evidenceById: (id: string, q: Q = db) =>
      q.selectFrom('vaccination_evidence').selectAll().where('id', '=', id).executeTakeFirst(),

    createCorrection: (
      q: Q,
      c: {
        dose_id: string;
        person_id: string;
        field: string;
        old_value: string | null;
        proposed_value: string;
        evidence_id: string | null;
        site_path: string;
        requested_by: string;
      },
    ) => q.insertInto('vaccination_corrections').values(c).returning('id').executeTakeFirstOrThrow(),

    correctionById: (id: string, q: Q = db) =>
      q.selectFrom('vaccination_corrections').selectAll().where('id', '=', id).executeTakeFirst(),

    decideCorrection: (
      q: Q,
      id: string,
      d: {
        status: 'approved' | 'rejected';
        reason: string;
        reason_note: string | null;
        decided_by: string;
        old_value?: string | null;
      },
    ) =>
      q
        .updateTable('vaccination_corrections')
        .set({ ...d, decided_at: new Date() })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst(),

    correctionsOf: (personId: string, q: Q = db) => correctionsQuery(q).where('c.person_id', '=', personId).execute(),

    listCorrections: (scope: AccessScope, status?: string) => {
      let q = correctionsQuery(db);
      if (status) q = q.where('c.status', '=', status as 'pending');
      return scoped(q, scope, 'c.site_path').orderBy('c.created_at').limit(200).execute();
    },
  };
}

function correctionsQuery(q: Q) {
  return q
    .selectFrom('vaccination_corrections as c')
    .innerJoin('people as p', 'p.id', 'c.person_id')
    .innerJoin('vaccination_doses as d', 'd.id', 'c.dose_id')
    .leftJoin('vaccination_sites as s', 's.id', 'd.site_id')
    .select([
      'c.id',
      'c.dose_id',
      'c.person_id',
      'p.name',
      'c.field',
      'c.old_value',
      'c.proposed_value',
      'c.evidence_id',
      'c.status',
      'c.reason',
      'c.reason_note',
      's.name as site_name',
      'c.created_at',
    ]);
}

export type VaccinationRepo = ReturnType<typeof vaccinationRepo>;
