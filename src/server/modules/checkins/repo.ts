/**
 * Queries for check-ins (the writes go through writer.ts), the counts venue pages show, and the door's one-time codes.
 * Counts by jurisdiction take an `AccessScope` and filter the check-in's unit path in SQL (`scoped`).
 */
import { type Kysely, type SqlBool, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type AccessScope, scoped } from '../../platform/authorize.ts';

export function checkinsRepo(db: Kysely<DB>) {
  return {
    findById: (id: string) =>
      db
        .selectFrom('checkins')
        .select(['id', 'venue_id', 'person_id', 'checked_in_at', 'checked_out_at', 'implied_out_at'])
        .where('id', '=', id)
        .executeTakeFirst(),

    /** Closes an open stay at `at`; true when this call closed it (false: it was closed meanwhile). */
    checkout: async (q: Kysely<DB> | Transaction<DB>, id: string, checkedInAt: Date, at: Date) =>
      Number(
        (
          await q
            .updateTable('checkins')
            .set({ checked_out_at: at })
            .where('id', '=', id)
            .where('checked_in_at', '=', checkedInAt)
            .where('checked_out_at', 'is', null)
            .executeTakeFirst()
        ).numUpdatedRows,
      ) > 0,

    /**
     * An open check-in of the person at the venue and zone within `windowMs` of `at` (the double-scan rule of
     * `checkins_ingest`, asked before a door writes anything of its own: a door code spent, a person registered).
     * One probe of the (person_id, checked_in_at) index.
     */
    openCheckinNear: async (personId: string, venueId: string, zoneId: string | null, at: Date, windowMs: number) =>
      (
        await db
          .selectFrom('checkins')
          .select('id')
          .where('person_id', '=', personId)
          .where('checked_in_at', '>=', new Date(at.getTime() - windowMs))
          .where('checked_in_at', '<=', new Date(at.getTime() + windowMs))
          .where(sql<SqlBool>`(venue_id, zone_id) is not distinct from (${venueId}::uuid, ${zoneId}::uuid)`)
          .where('checked_out_at', 'is', null)
          .limit(1)
          .executeTakeFirst()
      )?.id,

    /**
     * Whether the venue requires a declaration on `day` (local date), and the person's badge status that day (null:
     * nothing declared; always null for a person not yet on record). Read through `declaration_door_checks` (the
     * declarations module's one definition of the door's look-up, which `checkins_ingest` reads too), for a door
     * that must refuse before it writes anything of its own.
     */
    doorRule: async (venueId: string, personId: string | null, day: string) => {
      const { rows } = await sql<{ required: boolean; status: string | null }>`
        select required, status
        from declaration_door_checks(${[venueId]}::uuid[], ${[personId]}::uuid[], ${[day]}::date[], ${[false]}::boolean[])`.execute(
        db,
      );
      return { required: rows[0]?.required === true, status: rows[0]?.status ?? null };
    },

    /** A person's check-ins since `since`, newest first (venue and zone names come from the venues module). */
    history: (personId: string, since: Date, limit: number) =>
      db
        .selectFrom('checkins')
        .select(['id', 'venue_id', 'zone_id', 'checked_in_at', 'checked_out_at', 'implied_out_at', 'method'])
        .where('person_id', '=', personId)
        .where('checked_in_at', '>=', since)
        .orderBy('checked_in_at', 'desc')
        .limit(limit)
        .execute(),

    /** People present at `at`, per zone: a stay started at most a day before (default stays are ≤ 24 h) and running. */
    presentByZone: (venueId: string, at: Date) =>
      db
        .selectFrom('checkins')
        .select(['zone_id', sql<number>`count(*)::int`.as('n')])
        .where('venue_id', '=', venueId)
        .where('checked_in_at', '>', new Date(at.getTime() - 86_400_000))
        .where('checked_in_at', '<=', at)
        .where(sql<SqlBool>`coalesce(checked_out_at, implied_out_at) > ${at}`)
        .groupBy('zone_id')
        .execute(),

    /** Check-ins at the venue from `from` to `to`, both included. */
    countBetween: async (venueId: string, from: Date, to: Date) =>
      (
        await db
          .selectFrom('checkins')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('venue_id', '=', venueId)
          .where('checked_in_at', '>=', from)
          .where('checked_in_at', '<=', to)
          .executeTakeFirstOrThrow()
      ).n,

    /** Check-ins per local (Asia/Ho_Chi_Minh) day since `from`, of venues in scope (a check-in carries its venue's unit). */
    perDay: (scope: AccessScope, from: Date) =>
      scoped(
        db
          .selectFrom('checkins as c')
          .innerJoin('admin_units as u', 'u.code', 'c.unit_code')
          .select([
            sql<string>`to_char(c.checked_in_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')`.as('day'),
            sql<number>`count(*)::int`.as('n'),
          ])
          .where('c.checked_in_at', '>=', from),
        scope,
        'u.path',
      )
        .groupBy(sql`1`)
        .orderBy(sql`1`)
        .execute(),

    /** The venues in scope with the most check-ins since `from`. */
    busiest: (scope: AccessScope, from: Date, limit: number) =>
      scoped(
        db
          .selectFrom('checkins as c')
          .innerJoin('admin_units as u', 'u.code', 'c.unit_code')
          .select(['c.venue_id', sql<number>`count(*)::int`.as('n')])
          .where('c.checked_in_at', '>=', from),
        scope,
        'u.path',
      )
        .groupBy('c.venue_id')
        .orderBy('n', 'desc')
        .limit(limit)
        .execute(),

    /**
     * Serializes the door codes of one venue and one phone (venue first, then phone, always in that order), so the
     * send limits count every concurrent send.
     */
    lockDoorCodes: async (trx: Transaction<DB>, venueId: string, phone: string) => {
      await sql`select pg_advisory_xact_lock(7231015, hashtext(${venueId}))`.execute(trx);
      await sql`select pg_advisory_xact_lock(7231004, hashtext(${phone}))`.execute(trx);
    },

    /** Codes sent since `since`: to this phone (from any venue) and from this venue (to anyone). */
    doorCodesSent: async (trx: Transaction<DB>, venueId: string, phone: string, since: Date) => {
      const row = await trx
        .selectFrom('door_codes')
        .select([
          sql<number>`count(*) filter (where phone = ${phone})::int`.as('phone'),
          sql<number>`count(*) filter (where venue_id = ${venueId})::int`.as('venue'),
        ])
        .where((eb) => eb.or([eb('phone', '=', phone), eb('venue_id', '=', venueId)]))
        .where('created_at', '>', since)
        .executeTakeFirstOrThrow();
      return { phone: row.phone, venue: row.venue };
    },

    insertDoorCode: (
      trx: Transaction<DB>,
      row: { venue_id: string; phone: string; code_hash: string; expires_at: Date },
    ) => trx.insertInto('door_codes').values(row).execute(),

    /** The venue's latest unspent code for this phone, locked until the end of the transaction. */
    lockLatestDoorCode: (trx: Transaction<DB>, venueId: string, phone: string) =>
      trx
        .selectFrom('door_codes')
        .select(['id', 'code_hash', 'expires_at', 'attempts'])
        .where('venue_id', '=', venueId)
        .where('phone', '=', phone)
        .where('spent_at', 'is', null)
        .orderBy('created_at', 'desc')
        .limit(1)
        .forUpdate()
        .executeTakeFirst(),

    updateDoorCode: (trx: Transaction<DB>, id: string, set: { attempts?: number; spent_at?: Date }) =>
      trx.updateTable('door_codes').set(set).where('id', '=', id).execute(),
  };
}
