/**
 * Queries for venues, zones and managers. Lists take the actor's `AccessScope` (platform/authorize.ts) and filter by
 * it in SQL (`scoped`), so out-of-scope venues are simply not found. Check-in counts come from the checkins module;
 * only the inactive-venue list reads `checkins` here (declared in the manifest: a set-based anti-join over both).
 */
import type { Insertable } from 'kysely';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB, VenuesTable } from '../../db/types.ts';
import { type AccessScope, scoped } from '../../platform/authorize.ts';
import { pageLimit } from '../../platform/paging.ts';

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

    /**
     * A new static QR version (the previous one accepted until `graceUntil`) and a new short code (the old one is
     * refused at once: nothing keeps it).
     */
    rotate: (trx: Q, venueId: string, graceUntil: Date, shortCode: string) =>
      trx
        .updateTable('venues')
        .set((eb) => ({
          qr_previous_version: eb.ref('qr_version'),
          qr_version: sql<number>`qr_version + 1`,
          qr_grace_until: graceUntil,
          short_code: shortCode,
          updated_at: new Date(),
        }))
        .where('id', '=', venueId)
        .returning(['qr_version', 'short_code'])
        .executeTakeFirstOrThrow(),

    /**
     * Top-level venues (not a vehicle's trips) registered since `since` that the person manages: how many, and when
     * the oldest of them was registered (the per-account registration limit).
     */
    /**
     * The venues a citizen registered since `since` (the daily limit), counted under the account's lock so that two
     * registrations at once cannot both pass the limit (the lock holds to the end of the caller's transaction).
     */
    registeredSince: async (trx: Q, personId: string, since: Date) => {
      await sql`select pg_advisory_xact_lock(7231031, hashtext(${personId}))`.execute(trx);
      const row = await trx
        .selectFrom('venues as v')
        .innerJoin('venue_managers as m', 'm.venue_id', 'v.id')
        .select([sql<number>`count(*)::int`.as('n'), sql<Date | null>`min(v.created_at)`.as('oldest')])
        .where('m.person_id', '=', personId)
        .where('v.parent_venue_id', 'is', null)
        .where('v.created_at', '>', since)
        .executeTakeFirstOrThrow();
      return { n: row.n, oldest: row.oldest === null ? null : new Date(row.oldest) };
    },

    /** Venues in scope (the caller narrows it to a unit's subtree when asked), optionally of a category / name fragment. */
    /**
     * Venues in scope in name order (then id), `limit` of them from after the key `after` (the previous page's last
     * name and id): a keyset page read from `venues_name_idx`, the name fragment through `venues_name_trgm_idx`
     * (migration 0024).
     */
    list: (
      scope: AccessScope,
      opts: {
        category?: string | undefined;
        q?: string | undefined;
        after?: [string, string] | undefined;
        limit: number;
      },
    ) => {
      let q = scoped(base(db), scope, 'u.path');
      if (opts.category) q = q.where('v.category', '=', opts.category);
      if (opts.q) q = q.where('v.name', 'ilike', `%${opts.q.replace(/[%_\\]/g, '\\$&')}%`);
      if (opts.after) q = q.where(sql<boolean>`(v.name, v.id) > (${opts.after[0]}, ${opts.after[1]}::uuid)`);
      return q.orderBy('v.name').orderBy('v.id').limit(pageLimit(opts.limit)).execute();
    },

    /** Name, category and address of these venues (for lists that name them). */
    summaries: (ids: readonly string[]) =>
      ids.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('venues')
            .select(['id', 'name', 'category', 'address'])
            .where('id', 'in', [...ids])
            .execute(),

    /** Names of these zones. */
    zoneNames: (ids: readonly string[]) =>
      ids.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('venue_zones')
            .select(['id', 'name'])
            .where('id', 'in', [...ids])
            .execute(),

    managedBy: (personId: string) =>
      base(db)
        .innerJoin('venue_managers as m', 'm.venue_id', 'v.id')
        .where('m.person_id', '=', personId)
        .orderBy('v.name')
        .execute(),

    /** Active venues in scope, by category. */
    venuesByCategory: (scope: AccessScope) =>
      scoped(
        db
          .selectFrom('venues as v')
          .innerJoin('admin_units as u', 'u.code', 'v.unit_code')
          .select(['v.category', sql<number>`count(*)::int`.as('n')])
          .where('v.active', '=', true),
        scope,
        'u.path',
      )
        .groupBy('v.category')
        .orderBy('v.category')
        .execute(),

    /**
     * Active venues in scope with no check-in since `since`, with their last check-in within the retention window
     * (null = none kept). Time-bounded venues whose window is over are not listed. Reads `checkins` (the manifest's
     * declared read): an anti-join of every active venue of a unit against its latest check-in is one set-based
     * statement here, where asking the checkins module would send every venue id of a province across and back.
     */
    inactive: (scope: AccessScope, since: Date, limit: number) =>
      scoped(
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
          .select(['v.id', 'v.name', 'v.category', 'v.unit_code', 'u.name as unit_name', 'v.address', 'c.last_at']),
        scope,
        'u.path',
      )
        .where('v.active', '=', true)
        .where((eb) => eb.or([eb('v.ends_at', 'is', null), eb('v.ends_at', '>', since)]))
        .where((eb) => eb.or([eb('c.last_at', 'is', null), eb('c.last_at', '<', since)]))
        .orderBy('u.name')
        .orderBy('v.name')
        .limit(limit)
        .execute(),
  };
}
