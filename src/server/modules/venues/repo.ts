/** Queries for venues, zones and managers, and the venue statistics (which read check-ins). */

import type { Insertable } from 'kysely';
import { type Kysely, type SqlBool, sql, type Transaction } from 'kysely';
import type { DB, VenuesTable } from '../../db/types.ts';

type Q = Kysely<DB> | Transaction<DB>;

const venueColumns = [
  'v.id',
  'v.short_code',
  'v.name',
  'v.category',
  'v.unit_code',
  'v.address',
  'v.lat',
  'v.lng',
  'v.default_stay_minutes',
  'v.capacity',
  'v.qr_mode',
  'v.rotating_minutes',
  'v.qr_version',
  'v.qr_previous_version',
  'v.qr_grace_until',
  'v.starts_at',
  'v.ends_at',
  'v.vehicle_plate',
  'v.route',
  'v.parent_venue_id',
  'v.active',
  'v.verified_at',
  'u.name as unit_name',
  'u.path as unit_path',
] as const;

export type VenueWithUnit = NonNullable<Awaited<ReturnType<ReturnType<typeof venuesRepo>['findById']>>>;

/** SQL condition "the venue's unit lies in one of these scope paths". */
function inScope(paths: string[]) {
  return sql<SqlBool>`(${sql.join(
    paths.map((p) => sql`u.path like ${`${p}%`}`),
    sql` or `,
  )})`;
}

export function venuesRepo(db: Kysely<DB>) {
  const base = (q: Q) =>
    q.selectFrom('venues as v').innerJoin('admin_units as u', 'u.code', 'v.unit_code').select(venueColumns);

  return {
    findById: (id: string, q: Q = db) => base(q).where('v.id', '=', id).executeTakeFirst(),

    findByShortCode: (code: string, q: Q = db) => base(q).where('v.short_code', '=', code).executeTakeFirst(),

    managerIds: async (venueId: string, q: Q = db) =>
      (await q.selectFrom('venue_managers').select('person_id').where('venue_id', '=', venueId).execute()).map(
        (r) => r.person_id,
      ),

    zones: (venueId: string, q: Q = db) =>
      q.selectFrom('venue_zones').select(['id', 'name']).where('venue_id', '=', venueId).orderBy('name').execute(),

    insert: (trx: Transaction<DB>, values: Insertable<VenuesTable>) =>
      trx.insertInto('venues').values(values).returning('id').executeTakeFirstOrThrow(),

    shortCodeTaken: async (code: string, q: Q = db) =>
      Boolean(await q.selectFrom('venues').select('id').where('short_code', '=', code).executeTakeFirst()),

    addZones: (trx: Q, venueId: string, names: string[]) =>
      names.length === 0
        ? Promise.resolve([])
        : trx
            .insertInto('venue_zones')
            .values(names.map((name) => ({ venue_id: venueId, name })))
            .onConflict((oc) => oc.doNothing())
            .returning(['id', 'name'])
            .execute(),

    addManager: (trx: Q, venueId: string, personId: string) =>
      trx
        .insertInto('venue_managers')
        .values({ venue_id: venueId, person_id: personId })
        .onConflict((oc) => oc.doNothing())
        .execute(),

    /** Marks the venue verified by `staffId` now; a venue verified already keeps its first verification. */
    verify: (trx: Q, venueId: string, staffId: string | null) =>
      trx
        .updateTable('venues')
        .set({ verified_at: new Date(), verified_by: staffId, updated_at: new Date() })
        .where('id', '=', venueId)
        .where('verified_at', 'is', null)
        .executeTakeFirst(),

    rotate: (trx: Q, venueId: string, graceUntil: Date) =>
      trx
        .updateTable('venues')
        .set((eb) => ({
          qr_previous_version: eb.ref('qr_version'),
          qr_version: sql<number>`qr_version + 1`,
          qr_grace_until: graceUntil,
          updated_at: new Date(),
        }))
        .where('id', '=', venueId)
        .returning(['qr_version'])
        .executeTakeFirstOrThrow(),

    /** Venues in scope ('all' or path prefixes), optionally of one unit subtree / category / name fragment. */
    list: (
      scope: 'all' | string[],
      opts: { unitPath?: string | undefined; category?: string | undefined; q?: string | undefined; limit: number },
    ) => {
      if (scope !== 'all' && scope.length === 0) return Promise.resolve([]);
      let q = base(db);
      if (scope !== 'all') q = q.where(inScope(scope));
      if (opts.unitPath) q = q.where('u.path', 'like', `${opts.unitPath}%`);
      if (opts.category) q = q.where('v.category', '=', opts.category);
      if (opts.q) q = q.where('v.name', 'ilike', `%${opts.q.replace(/[%_\\]/g, '\\$&')}%`);
      return q.orderBy('v.name').limit(opts.limit).execute();
    },

    managedBy: (personId: string) =>
      base(db)
        .innerJoin('venue_managers as m', 'm.venue_id', 'v.id')
        .where('m.person_id', '=', personId)
        .orderBy('v.name')
        .execute(),

    occupancy: async (venueId: string, at: Date, dayStart: Date) => {
      const present = await db
        .selectFrom('checkins as c')
        .leftJoin('venue_zones as z', 'z.id', 'c.zone_id')
        .select(['c.zone_id', 'z.name', sql<number>`count(*)::int`.as('n')])
        .where('c.venue_id', '=', venueId)
        // a stay started at most a day ago can still be running (default stays are ≤ 24 h)
        .where('c.checked_in_at', '>', new Date(at.getTime() - 86_400_000))
        .where('c.checked_in_at', '<=', at)
        .where(sql<SqlBool>`coalesce(c.checked_out_at, c.implied_out_at) > ${at}`)
        .groupBy(['c.zone_id', 'z.name'])
        .execute();
      const today = await db
        .selectFrom('checkins')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('venue_id', '=', venueId)
        .where('checked_in_at', '>=', dayStart)
        .where('checked_in_at', '<=', at)
        .executeTakeFirstOrThrow();
      return { present, today: today.n };
    },

    venuesByCategory: (unitPath: string) =>
      db
        .selectFrom('venues as v')
        .innerJoin('admin_units as u', 'u.code', 'v.unit_code')
        .select(['v.category', sql<number>`count(*)::int`.as('n')])
        .where('u.path', 'like', `${unitPath}%`)
        .where('v.active', '=', true)
        .groupBy('v.category')
        .orderBy('v.category')
        .execute(),

    /** Check-ins per local (Asia/Ho_Chi_Minh) day since `from`. */
    checkinsPerDay: (unitPath: string, from: Date) =>
      db
        .selectFrom('checkins as c')
        .innerJoin('admin_units as u', 'u.code', 'c.unit_code')
        .select([
          sql<string>`to_char(c.checked_in_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')`.as('day'),
          sql<number>`count(*)::int`.as('n'),
        ])
        .where('u.path', 'like', `${unitPath}%`)
        .where('c.checked_in_at', '>=', from)
        .groupBy(sql`1`)
        .orderBy(sql`1`)
        .execute(),

    topVenues: (unitPath: string, from: Date, limit: number) =>
      db
        .selectFrom('checkins as c')
        .innerJoin('venues as v', 'v.id', 'c.venue_id')
        .innerJoin('admin_units as u', 'u.code', 'c.unit_code')
        .select(['v.id', 'v.name', 'v.category', sql<number>`count(*)::int`.as('n')])
        .where('u.path', 'like', `${unitPath}%`)
        .where('c.checked_in_at', '>=', from)
        .groupBy(['v.id', 'v.name', 'v.category'])
        .orderBy('n', 'desc')
        .limit(limit)
        .execute(),

    /**
     * Active venues of the subtree with no check-in since `since`, with their last check-in within the retention
     * window (null = none kept). Time-bounded venues whose window is over are not listed.
     */
    inactive: (unitPath: string, since: Date, limit: number) =>
      db
        .selectFrom('venues as v')
        .innerJoin('admin_units as u', 'u.code', 'v.unit_code')
        .leftJoin(
          (eb) =>
            eb
              .selectFrom('checkins')
              .select(['venue_id', sql<Date>`max(checked_in_at)`.as('last_at')])
              .groupBy('venue_id')
              .as('c'),
          (join) => join.onRef('c.venue_id', '=', 'v.id'),
        )
        .select(['v.id', 'v.name', 'v.category', 'v.unit_code', 'u.name as unit_name', 'v.address', 'c.last_at'])
        .where('u.path', 'like', `${unitPath}%`)
        .where('v.active', '=', true)
        .where((eb) => eb.or([eb('v.ends_at', 'is', null), eb('v.ends_at', '>', since)]))
        .where((eb) => eb.or([eb('c.last_at', 'is', null), eb('c.last_at', '<', since)]))
        .orderBy('u.name')
        .orderBy('v.name')
        .limit(limit)
        .execute(),
  };
}
