/**
 * Property test: the SQL contact finder against the naive reference on random synthetic data, with the edge cases
 * that break interval code — touching intervals, open stays (no check-out), multiple visits, the same person at
 * several venues, zones on one side only, stays crossing the window's edges.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../../test/harness.ts';
import { seededRandom } from '../../seed/random.ts';
import {
  findVenueContacts,
  type IndexWindow,
  referenceVenueContacts,
  type StayRecord,
  type VenueEvidence,
} from './finder.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ provinces: [] });
});
afterAll(async () => {
  await env?.close();
});

const key = (e: VenueEvidence) =>
  [
    e.indexPersonId,
    e.personId,
    e.venueId,
    e.zoneId ?? '-',
    e.overlapStart.toISOString(),
    e.overlapEnd.toISOString(),
    e.overlapMinutes,
    e.weak,
  ].join('|');

describe('contact finder', () => {
  it('matches the naive reference on 40 random scenarios with interval edge cases', async () => {
    const rnd = seededRandom(20211);
    const base = Date.UTC(2026, 10, 20, 0, 0, 0);
    let compared = 0;
    let weak = 0;
    for (let round = 0; round < 40; round++) {
      await env.ctx.db.deleteFrom('checkins').execute();
      const people = Array.from({ length: rnd.int(3, 8) }, () => randomUUID());
      const venues = Array.from({ length: rnd.int(1, 3) }, () => randomUUID());
      const zones = new Map(venues.map((v) => [v, rnd.chance(0.5) ? [randomUUID(), randomUUID()] : []]));
      const stays: StayRecord[] = [];
      for (let i = 0; i < rnd.int(20, 80); i++) {
        const venueId = rnd.pick(venues);
        const venueZones = zones.get(venueId) ?? [];
        // 5-minute grid over one day: equal ends and starts (touching intervals) are frequent
        const start = base + rnd.int(0, 24 * 12) * 5 * 60_000;
        const defaultStay = rnd.pick([15, 30, 60, 240]) * 60_000;
        const out = rnd.chance(0.5) ? start + rnd.int(0, 36) * 5 * 60_000 : null;
        stays.push({
          personId: rnd.pick(people),
          venueId,
          zoneId: venueZones.length > 0 && rnd.chance(0.7) ? rnd.pick(venueZones) : null,
          in: new Date(start),
          out: out === null ? null : new Date(out),
          impliedOut: new Date(start + defaultStay),
          evidence: rnd.pick(['qr_self', 'qr_personal', 'otp', 'typed_staff', 'typed_unverified'] as const),
        });
      }
      await env.ctx.db
        .insertInto('checkins')
        .values(
          stays.map((s) => ({
            venue_id: s.venueId,
            zone_id: s.zoneId,
            person_id: s.personId,
            checked_in_at: s.in,
            checked_out_at: s.out,
            implied_out_at: s.impliedOut,
            method: 'citizen_scan' as const,
            actor_type: 'citizen',
            actor_id: s.personId,
            unit_code: '75',
            ...(s.evidence ? { evidence: s.evidence } : {}),
          })),
        )
        .execute();
      const indexes: IndexWindow[] = Array.from({ length: rnd.int(1, 3) }, () => {
        const from = base + rnd.int(0, 24 * 12) * 5 * 60_000;
        return {
          personId: rnd.pick(people),
          from: new Date(from),
          to: new Date(from + rnd.int(1, 36 * 12) * 5 * 60_000),
        };
      });
      const minOverlap = rnd.pick([5, 15, 30]);
      const got = (await findVenueContacts(env.ctx.db, indexes, minOverlap)).map(key).sort();
      const want = referenceVenueContacts(stays, indexes, minOverlap).map(key).sort();
      expect(got).toEqual(want);
      compared += want.length;
      weak += want.filter((e) => e.endsWith('|true')).length;
    }
    // the scenarios must actually exercise the finder, with strong and weak evidence
    expect(compared).toBeGreaterThan(100);
    expect(weak).toBeGreaterThan(10);
    expect(weak).toBeLessThan(compared);
  });

  it('treats touching intervals as no contact and honours zones on both sides only', async () => {
    await env.ctx.db.deleteFrom('checkins').execute();
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const venue = randomUUID();
    const [z1, z2] = [randomUUID(), randomUUID()];
    const t = Date.UTC(2026, 10, 21, 8);
    const row = (person: string, startMin: number, endMin: number, zone: string | null) => ({
      venue_id: venue,
      zone_id: zone,
      person_id: person,
      checked_in_at: new Date(t + startMin * 60_000),
      checked_out_at: new Date(t + endMin * 60_000),
      implied_out_at: new Date(t + endMin * 60_000),
      method: 'citizen_scan' as const,
      actor_type: 'citizen',
      actor_id: null,
      unit_code: '75',
    });
    await env.ctx.db
      .insertInto('checkins')
      .values([row(a, 0, 60, z1), row(b, 60, 120, z1), row(c, 30, 90, z2), row(d, 30, 90, null)])
      .execute();
    const found = await findVenueContacts(
      env.ctx.db,
      [{ personId: a, from: new Date(t - 3600_000), to: new Date(t + 5 * 3600_000) }],
      15,
    );
    // b only touches a (ends/starts at 60): no; c is in another zone: no; d has no zone: yes, 30 minutes
    expect(found.map((f) => [f.personId, f.overlapMinutes])).toEqual([[d, 30]]);
  });
});
