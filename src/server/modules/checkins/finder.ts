/**
 * The check-ins module's reads for contact tracing (the cases module calls them, inside its own transaction when it
 * has one): the contact finder, a person's stays in a window, who was present at a venue in a window.
 *
 * The contact finder. Given index people (an F0, or the F1s of a case) each with an exposure window, it finds the
 * people whose stays overlapped theirs at the same venue:
 *   - a stay is [checked_in_at, checked_out_at ?? implied_out_at), and lasts at most 24 h (MAX_STAY);
 *   - the index person's stay is clipped to their exposure window;
 *   - two stays at the same venue are a contact when they overlap at least `minOverlapMinutes`; where BOTH stays name
 *     a zone, the zones must match (a worker in workshop A is not a contact of one in workshop B);
 *   - touching intervals (one ends when the other starts) overlap 0 minutes: not a contact.
 * Each (index stay, other stay) pair that qualifies is one piece of evidence; the caller keeps them all. A pair is
 * `weak` when either check-in is (evidence `typed_unverified`: typed in with nothing proving the person was there).
 * Invariant relied on for speed: the other stay starts before the index stay ends and after it starts minus
 * MAX_STAY, so the (venue_id, checked_in_at) index and day partitions bound the search.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { CheckinEvidence, DB } from '../../db/types.ts';

export const MAX_STAY_MS = 24 * 3600_000;

export interface IndexWindow {
  personId: string;
  from: Date;
  to: Date;
  /** carried through to the evidence: lets one query serve many cases (the case id) */
  tag?: string;
}

export interface VenueEvidence {
  tag: string | null;
  indexPersonId: string;
  personId: string;
  venueId: string;
  zoneId: string | null;
  overlapStart: Date;
  overlapEnd: Date;
  overlapMinutes: number;
  /** either stay rests on weak evidence only: a contact "to confirm" by a tracer */
  weak: boolean;
}

/** The only weak evidence: typed in by someone who proved nothing (everything else is proof of presence). */
export const WEAK_EVIDENCE: CheckinEvidence = 'typed_unverified';

type Q = Kysely<DB> | Transaction<DB>;

/** Transactions that have `plan_cache_mode` set already (SET LOCAL lasts until their end): one round trip less. */
const genericPlans = new WeakSet<object>();

/**
 * Index stays' overlapping stays at the same venue (see the file comment), set-based: one statement for any number of
 * index people. Outside a transaction it opens one (the generic-plan setting is transaction-local).
 */
export async function findVenueContacts(
  db: Q,
  indexes: IndexWindow[],
  minOverlapMinutes: number,
): Promise<VenueEvidence[]> {
  if (indexes.length === 0) return [];
  // one generic plan per connection: planning the query over every day partition costs more than running it, and
  // the generic plan still prunes partitions at run time, per index stay
  if (!db.isTransaction) return db.transaction().execute((trx) => findVenueContacts(trx, indexes, minOverlapMinutes));
  if (!genericPlans.has(db)) {
    await sql`set local plan_cache_mode = force_generic_plan`.execute(db);
    genericPlans.add(db);
  }
  const ids = indexes.map((i) => i.personId);
  const froms = indexes.map((i) => i.from.toISOString());
  const tos = indexes.map((i) => i.to.toISOString());
  const tags = indexes.map((i) => i.tag ?? null);
  const minFrom = new Date(Math.min(...indexes.map((i) => i.from.getTime())) - MAX_STAY_MS);
  const maxTo = new Date(Math.max(...indexes.map((i) => i.to.getTime())));
  const result = await sql<{
    tag: string | null;
    index_person_id: string;
    person_id: string;
    venue_id: string;
    zone_id: string | null;
    overlap_start: Date;
    overlap_end: Date;
    weak: boolean;
  }>`
    with idx as (
      select * from unnest(${ids}::uuid[], ${froms}::timestamptz[], ${tos}::timestamptz[], ${tags}::text[])
        as t(person_id, ws, we, tag)
    ),
    stays as materialized (
      select idx.tag, c.person_id as index_person_id, c.venue_id, c.zone_id, c.evidence,
             greatest(c.checked_in_at, idx.ws) as s,
             least(coalesce(c.checked_out_at, c.implied_out_at), c.checked_in_at + interval '24 hours', idx.we) as e
      from idx
      join checkins c on c.person_id = idx.person_id
        and c.checked_in_at < idx.we
        and c.checked_in_at > idx.ws - interval '24 hours'
        and c.checked_in_at >= ${minFrom} and c.checked_in_at < ${maxTo}
    ),
    pairs as (
      select s.tag, s.index_person_id, o.person_id, o.venue_id, coalesce(o.zone_id, s.zone_id) as zone_id,
             greatest(s.s, o.checked_in_at) as overlap_start,
             least(s.e, coalesce(o.checked_out_at, o.implied_out_at), o.checked_in_at + interval '24 hours') as overlap_end,
             (s.evidence = ${WEAK_EVIDENCE} or o.evidence = ${WEAK_EVIDENCE}) as weak
      from stays s
      join checkins o on o.venue_id = s.venue_id
        and o.checked_in_at < s.e
        and o.checked_in_at > s.s - interval '24 hours'
        and o.checked_in_at >= ${minFrom} and o.checked_in_at < ${maxTo}
        and o.person_id <> s.index_person_id
        and (s.zone_id is null or o.zone_id is null or s.zone_id = o.zone_id)
      where s.e > s.s
    )
    select * from pairs
    where overlap_end - overlap_start >= make_interval(mins => ${minOverlapMinutes})
  `.execute(db);
  return result.rows.map((r) => ({
    tag: r.tag,
    indexPersonId: r.index_person_id,
    personId: r.person_id,
    venueId: r.venue_id,
    zoneId: r.zone_id,
    overlapStart: new Date(r.overlap_start),
    overlapEnd: new Date(r.overlap_end),
    overlapMinutes: Math.floor((new Date(r.overlap_end).getTime() - new Date(r.overlap_start).getTime()) / 60_000),
    weak: r.weak,
  }));
}

export interface StayRecord {
  personId: string;
  venueId: string;
  zoneId: string | null;
  in: Date;
  out: Date | null;
  impliedOut: Date;
  /** as stored; a check-in written without one is weak (the column's default) */
  evidence?: CheckinEvidence;
}

/**
 * The naive reference: every pair of stays compared directly, no SQL, no index tricks. The property test checks the
 * SQL finder against it on random data.
 */
export function referenceVenueContacts(
  stays: StayRecord[],
  indexes: IndexWindow[],
  minOverlapMinutes: number,
): VenueEvidence[] {
  const end = (s: StayRecord) => Math.min((s.out ?? s.impliedOut).getTime(), s.in.getTime() + MAX_STAY_MS);
  const out: VenueEvidence[] = [];
  for (const idx of indexes) {
    for (const a of stays) {
      if (a.personId !== idx.personId) continue;
      const s = Math.max(a.in.getTime(), idx.from.getTime());
      const e = Math.min(end(a), idx.to.getTime());
      if (!(a.in.getTime() < idx.to.getTime()) || e <= s) continue;
      for (const b of stays) {
        if (b.personId === idx.personId || b.venueId !== a.venueId) continue;
        if (a.zoneId && b.zoneId && a.zoneId !== b.zoneId) continue;
        const os = Math.max(s, b.in.getTime());
        const oe = Math.min(e, end(b));
        if (oe - os >= minOverlapMinutes * 60_000) {
          out.push({
            tag: idx.tag ?? null,
            indexPersonId: idx.personId,
            personId: b.personId,
            venueId: a.venueId,
            zoneId: b.zoneId ?? a.zoneId,
            overlapStart: new Date(os),
            overlapEnd: new Date(oe),
            overlapMinutes: Math.floor((oe - os) / 60_000),
            weak: (a.evidence ?? WEAK_EVIDENCE) === WEAK_EVIDENCE || (b.evidence ?? WEAK_EVIDENCE) === WEAK_EVIDENCE,
          });
        }
      }
    }
  }
  return out;
}

/**
 * A person's stays that overlap `[from, to)`, oldest first (the F0's stays in their exposure window). Venue details
 * are the caller's to add.
 */
export function findStays(db: Q, personId: string, window: { from: Date; to: Date }) {
  return db
    .selectFrom('checkins as k')
    .select(['k.id', 'k.venue_id', 'k.zone_id', 'k.checked_in_at', 'k.checked_out_at', 'k.implied_out_at'])
    .where('k.person_id', '=', personId)
    .where('k.checked_in_at', '<', window.to)
    .where('k.checked_in_at', '>', new Date(window.from.getTime() - MAX_STAY_MS))
    .where(sql<boolean>`coalesce(k.checked_out_at, k.implied_out_at) > ${window.from}`)
    .orderBy('k.checked_in_at')
    .execute();
}

/**
 * Everyone (but `exceptPersonId`) whose stay at the venue overlapped `[from, to)`, one row per person: their first
 * check-in, their last check-out, and whether all of their stays there were weak (typed in with nothing proving it).
 */
export function findPresentAt(
  db: Q,
  venueId: string,
  window: { from: Date; to: Date },
  exceptPersonId: string,
): Promise<Array<{ person_id: string; first_in: Date; last_out: Date; weak: boolean }>> {
  return db
    .selectFrom('checkins')
    .select([
      'person_id',
      sql<Date>`min(checked_in_at)`.as('first_in'),
      sql<Date>`max(coalesce(checked_out_at, implied_out_at))`.as('last_out'),
      sql<boolean>`bool_and(evidence = ${WEAK_EVIDENCE})`.as('weak'),
    ])
    .where('venue_id', '=', venueId)
    .where('checked_in_at', '<', window.to)
    .where('checked_in_at', '>', new Date(window.from.getTime() - MAX_STAY_MS))
    .where(sql<boolean>`coalesce(checked_out_at, implied_out_at) > ${window.from}`)
    .where('person_id', '<>', exceptPersonId)
    .groupBy('person_id')
    .execute();
}

/**
 * The people who checked in at these venues between each window's start minus MAX_STAY and its end (late check-ins
 * synced: whose cases may have new contacts), in one statement.
 */
export async function findPeopleCheckedInAt(
  db: Q,
  windows: ReadonlyArray<{ venueId: string; from: Date; to: Date }>,
): Promise<string[]> {
  if (windows.length === 0) return [];
  const minFrom = new Date(Math.min(...windows.map((w) => w.from.getTime())) - MAX_STAY_MS);
  const maxTo = new Date(Math.max(...windows.map((w) => w.to.getTime())));
  const result = await sql<{ person_id: string }>`
    select distinct c.person_id
    from unnest(${windows.map((w) => w.venueId)}::uuid[], ${windows.map((w) => w.from.toISOString())}::timestamptz[],
                ${windows.map((w) => w.to.toISOString())}::timestamptz[]) as w(venue_id, ws, we)
    join checkins c on c.venue_id = w.venue_id
      and c.checked_in_at < w.we
      and c.checked_in_at > w.ws - interval '24 hours'
      and c.checked_in_at >= ${minFrom} and c.checked_in_at < ${maxTo}`.execute(db);
  return result.rows.map((r) => r.person_id);
}
