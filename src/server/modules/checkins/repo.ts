/** Queries for check-ins (the writes go through writer.ts) and the door's one-time codes. */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';

export function checkinsRepo(db: Kysely<DB>) {
  return {
    findById: (id: string) =>
      db
        .selectFrom('checkins')
        .select(['id', 'venue_id', 'person_id', 'checked_in_at', 'checked_out_at'])
        .where('id', '=', id)
        .executeTakeFirst(),

    checkout: (id: string, checkedInAt: Date, at: Date) =>
      db
        .updateTable('checkins')
        .set({ checked_out_at: at })
        .where('id', '=', id)
        .where('checked_in_at', '=', checkedInAt)
        .where('checked_out_at', 'is', null)
        .executeTakeFirst(),

    history: (personId: string, since: Date, limit: number) =>
      db
        .selectFrom('checkins as c')
        .innerJoin('venues as v', 'v.id', 'c.venue_id')
        .leftJoin('venue_zones as z', 'z.id', 'c.zone_id')
        .select([
          'c.id',
          'c.venue_id',
          'v.name as venue_name',
          'v.category as venue_category',
          'v.address as venue_address',
          'z.name as zone_name',
          'c.checked_in_at',
          'c.checked_out_at',
          'c.implied_out_at',
          'c.method',
        ])
        .where('c.person_id', '=', personId)
        .where('c.checked_in_at', '>=', since)
        .orderBy('c.checked_in_at', 'desc')
        .limit(limit)
        .execute(),

    /**
     * Serializes the door codes of one venue and one phone (venue first, then phone, always in that order), so the
     * send limits count every concurrent send.
     */
    lockDoorCodes: async (trx: Transaction<DB>, venueId: string, phone: string) => {
      await sql`select pg_advisory_xact_lock(7231003, hashtext(${venueId}))`.execute(trx);
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
