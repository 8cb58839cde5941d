/** Queries for check-ins (the writes go through writer.ts). */
import type { Kysely } from 'kysely';
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
  };
}
