/**
 * GET /venues/by-qr: the scan page names the venue before "Ghi nhận". It answers what the poster shows (name,
 * category, address, unit) for a code that would check someone in now, and the same 400 for every other string —
 * tampered, unknown venue, another key, a personal QR, a short code — so it is no oracle about anything.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, citizenToken, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';
import { makeRotatingQr, makeStaticQr, rotatingWindow } from './qr.ts';

let env: TestEnv;
let citizen: string;
let manager: string;

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  citizen = (await citizenToken(env, '0912000311')).token;
  manager = (await staffToken(env, 'venue_manager', UNITS.bienHoa)).token;
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

async function newVenue(extra: Record<string, unknown> = {}) {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    headers: bearer(manager),
    payload: {
      name: 'Chợ Tân Hiệp',
      category: 'market_supermarket_mall_shop',
      unitCode: UNITS.bienHoaCommune,
      address: '5 Đồng Khởi',
      managerPhone: '0912000399',
      capacity: 300,
      ...extra,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; qr: string; shortCode: string };
}

const byQr = (qr: string, token: string | null = citizen) =>
  env.app.inject({
    method: 'GET',
    url: `/api/v1/venues/by-qr?qr=${encodeURIComponent(qr)}`,
    headers: token ? bearer(token) : {},
  });

describe('GET /venues/by-qr', () => {
  it('answers only what the poster shows, for the bare code and its link', async () => {
    const venue = await newVenue();
    const unit = await env.ctx.db
      .selectFrom('admin_units')
      .select('name')
      .where('code', '=', UNITS.bienHoaCommune)
      .executeTakeFirstOrThrow();
    const expected = {
      name: 'Chợ Tân Hiệp',
      category: 'market_supermarket_mall_shop',
      address: '5 Đồng Khởi',
      unitName: unit.name,
    };
    const bare = venue.qr.slice(venue.qr.indexOf('TV1.'));
    for (const qr of [venue.qr, bare, `https://truyvet.example/q/${bare}`]) {
      const res = await byQr(qr);
      expect(res.statusCode, res.body).toBe(200);
      // exactly these fields: no id, no short code, no managers, capacity or counts
      expect(res.json()).toStrictEqual(expected);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    // staff may look too (a door worker checking a poster)
    expect((await byQr(venue.qr, manager)).statusCode).toBe(200);
  });

  it('needs a signed-in caller', async () => {
    const venue = await newVenue();
    const res = await byQr(venue.qr, null);
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('Chợ');
  });

  it('answers the same 400 VENUE_QR_INVALID for every string that is not a valid code', async () => {
    const venue = await newVenue();
    const bare = venue.qr.slice(venue.qr.indexOf('TV1.'));
    const lastChar = bare.at(-1) === 'A' ? 'B' : 'A';
    const other = await makeStaticQr(env.ctx.keys, randomUUID(), 1);
    const parts = bare.split('.');
    const wrongKid = [...parts.slice(0, 4), 'nokey', ...parts.slice(5)].join('.');
    const personQr = (await env.app.inject({ method: 'GET', url: '/api/v1/me/qr', headers: bearer(citizen) })).json()
      .qr as string;
    const refused = [
      `${bare.slice(0, -1)}${lastChar}`, // tampered signature
      bare.replace(venue.id, randomUUID()), // another venue id under this signature
      other, // well signed, but no such venue
      wrongKid, // a key id we never had
      personQr, // a personal QR
      venue.shortCode, // short codes have no preview
      'hello',
    ];
    const bodies = new Set<string>();
    for (const qr of refused) {
      const res = await byQr(qr);
      expect(res.statusCode, qr).toBe(400);
      expect(res.json().error.code).toBe('VENUE_QR_INVALID');
      bodies.add(res.body);
    }
    expect([...bodies]).toHaveLength(1);
  });

  it('follows the check-in rules: a rotated code during its grace period, then no more; rotating venues only from the screen', async () => {
    const venue = await newVenue();
    const rotated = await env.app.inject({
      method: 'POST',
      url: `/api/v1/venues/${venue.id}/qr/rotate`,
      headers: bearer(manager),
    });
    expect(rotated.statusCode).toBe(200);
    expect((await byQr(rotated.json().qr)).statusCode).toBe(200);
    expect((await byQr(venue.qr)).statusCode).toBe(200); // the previous code, in its grace period
    await env.ctx.db
      .updateTable('venues')
      .set({ qr_grace_until: new Date(Date.now() - 1000) })
      .where('id', '=', venue.id)
      .execute();
    // the venue cache keeps rows 30 s; this direct edit needs an explicit refresh
    await env.ctx.services.venues.loadCached(venue.id, true);
    const expired = await byQr(venue.qr);
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error).toMatchObject({ code: 'VENUE_QR_INVALID', details: { reason: 'expired' } });

    const door = await newVenue({ qrMode: 'rotating', rotatingMinutes: 5 });
    expect((await byQr(door.qr)).statusCode).toBe(400); // its static code is not accepted at a rotating door
    const screen = await env.app.inject({
      method: 'GET',
      url: `/api/v1/venues/${door.id}/rotating-qr`,
      headers: bearer(manager),
    });
    expect((await byQr(screen.json().qr)).json()).toMatchObject({ name: 'Chợ Tân Hiệp' });
    const old = await makeRotatingQr(env.ctx.keys, door.id, rotatingWindow(new Date(Date.now() - 20 * 60_000), 5));
    expect((await byQr(old)).statusCode).toBe(400);
  });

  it('refuses an over-long or missing code in the usual format', async () => {
    expect((await byQr('x'.repeat(501))).json().error.code).toBe('VALIDATION_FAILED');
    const missing = await env.app.inject({ method: 'GET', url: '/api/v1/venues/by-qr', headers: bearer(citizen) });
    expect(missing.statusCode).toBe(400);
  });
});
