/**
 * The venue cache of the check-in hot path: concurrent misses share one load, a change to the venue drops both the
 * entry and any load in flight, and `fresh` always reads the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

let env: TestEnv;
let staff: { token: string };

beforeAll(async () => {
  env = await createTestEnv();
  staff = await staffToken(env, 'venue_manager', UNITS.bienHoa);
});
afterAll(async () => {
  await env?.close();
});

async function newVenue(name: string): Promise<string> {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    headers: bearer(staff.token),
    payload: { name, category: 'factory', unitCode: UNITS.bienHoaCommune, address: '1 Đồng Khởi', zones: ['A'] },
  });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}

describe('venue cache', () => {
  it('answers concurrent misses of one venue with one shared load', async () => {
    const id = await newVenue('Xưởng cache 1');
    const venues = env.ctx.services.venues;
    const loads = await Promise.all(Array.from({ length: 20 }, () => venues.loadCached(id)));
    expect(new Set(loads).size).toBe(1);
    expect(loads[0]?.venue.id).toBe(id);
    // later callers get the cached entry itself
    expect(await env.ctx.services.venues.loadCached(id)).toBe(loads[0]);
  });

  it('drops an entry and a load in flight when the venue changes, and `fresh` reads the database', async () => {
    const id = await newVenue('Xưởng cache 2');
    const venues = env.ctx.services.venues;
    const before = await venues.loadCached(id);
    expect(before?.zoneIds.size).toBe(1);
    const inFlight = venues.loadCached(id, true);
    const added = await env.app.inject({
      method: 'POST',
      url: `/api/v1/venues/${id}/zones`,
      headers: bearer(staff.token),
      payload: { name: 'B' },
    });
    expect(added.statusCode).toBeLessThan(300);
    await inFlight;
    const after = await venues.loadCached(id);
    expect(after?.zoneIds.size).toBe(2);
    expect(after?.zoneIds.has(added.json().id)).toBe(true);

    await env.ctx.db.updateTable('venues').set({ active: false }).where('id', '=', id).execute();
    expect((await venues.loadCached(id))?.venue.active).toBe(true); // cached
    expect((await venues.loadCached(id, true))?.venue.active).toBe(false);
    expect((await venues.loadCached(id))?.venue.active).toBe(false);
  });
});
