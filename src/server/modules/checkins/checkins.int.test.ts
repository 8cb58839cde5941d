import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  citizenToken,
  createTestEnv,
  makeNationalId,
  staffToken,
  type TestEnv,
  UNITS,
} from '../../../../test/harness.ts';

let env: TestEnv;
let managerCitizen: { token: string; personId: string };
let visitor: { token: string; personId: string };
let venue: { id: string; shortCode: string; qr: string };

const countCheckins = async () =>
  Number(
    (
      await env.ctx.db
        .selectFrom('checkins')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const key = () => `k-${Math.random().toString(36).slice(2)}${Date.now()}`;

beforeAll(async () => {
  env = await createTestEnv();
  managerCitizen = await citizenToken(env, '0912000101');
  visitor = await citizenToken(env, '0912000102');
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    headers: bearer(managerCitizen.token),
    payload: {
      name: 'Chợ Tân Phong',
      category: 'market_supermarket_mall_shop',
      unitCode: UNITS.bienHoaCommune,
      address: '12 Đồng Khởi',
      defaultStayMinutes: 45,
      zones: ['Dãy A', 'Dãy B'],
    },
  });
  expect(res.statusCode).toBe(201);
  venue = res.json();
});
afterAll(async () => {
  await env?.close();
});

describe('venue registration', () => {
  it('returns id, short code and the exact QR string; the registering citizen manages the venue', async () => {
    expect(venue.shortCode).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    // TRUYVET_PUBLIC_URL is not set: the code links to the origin the request was sent to (inject's Host: localhost)
    expect(venue.qr).toMatch(/^http:\/\/localhost\/q\/TV1\.V\./);
    const got = await env.app.inject({
      method: 'GET',
      url: `/api/v1/venues/${venue.id}`,
      headers: bearer(managerCitizen.token),
    });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ id: venue.id, qr: venue.qr, zones: [{ name: 'Dãy A' }, { name: 'Dãy B' }] });
  });

  it('serves a Vietnamese A4 poster PDF to the manager', async () => {
    const res = await env.app.inject({
      method: 'GET',
      url: `/api/v1/venues/${venue.id}/poster.pdf`,
      headers: bearer(managerCitizen.token),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(res.rawPayload.length).toBeGreaterThan(10_000);
  });
});

describe('citizen check-in', () => {
  it('checks in by scanning the venue QR, and the same key again answers 200 with the same body', async () => {
    const k = key();
    const first = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: { ...bearer(visitor.token), 'idempotency-key': k },
      payload: { venueQr: venue.qr },
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ venueId: venue.id, personId: visitor.personId });
    const again = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: { ...bearer(visitor.token), 'idempotency-key': k },
      payload: { venueQr: venue.qr },
    });
    expect(again.statusCode).toBe(200);
    // the stored answer as it was: no new look-up of the day's badge
    const { badge, ...stored } = first.json();
    expect(badge).toBeDefined();
    expect(again.json()).toEqual(stored);
    const mine = await env.app.inject({ method: 'GET', url: '/api/v1/me/checkins', headers: bearer(visitor.token) });
    expect(mine.json()).toHaveLength(1);
    expect(mine.json()[0]).toMatchObject({ venueName: 'Chợ Tân Phong', method: 'citizen_scan' });
  });

  it('refuses a forged or tampered QR with VENUE_QR_INVALID and writes nothing', async () => {
    const before = await countCheckins();
    const tampered = venue.qr.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    for (const venueQr of [
      tampered,
      'TV1.V.00000000-0000-4000-8000-000000000000.1.abc.AAAAAAAAAAAAAAAAAAAAAA',
      'hello',
    ]) {
      const res = await env.app.inject({
        method: 'POST',
        url: '/api/v1/checkins',
        headers: bearer(visitor.token),
        payload: { venueQr },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VENUE_QR_INVALID');
    }
    expect(await countCheckins()).toBe(before);
  });

  it('refuses a time in the future and a duplicate scan', async () => {
    const future = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: bearer(visitor.token),
      payload: { venueQr: venue.qr, at: new Date(Date.now() + 3600_000).toISOString() },
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.code).toBe('CHECKIN_TIME_IN_FUTURE');
    const dup = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: bearer(visitor.token),
      payload: { venueQr: venue.qr },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('CHECKIN_DUPLICATE');
  });

  it('accepts the typed short code', async () => {
    const other = await citizenToken(env, '0912000103');
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: bearer(other.token),
      payload: { shortCode: venue.shortCode.toLowerCase().replace('-', ' ') },
    });
    expect(res.statusCode).toBe(201);
  });
});

describe('venue staff check-in', () => {
  it('staff scan a citizen personal QR, and type a national ID for someone without a phone', async () => {
    const scanned = await citizenToken(env, '0912000104');
    const qr = (await env.app.inject({ method: 'GET', url: '/api/v1/me/qr', headers: bearer(scanned.token) })).json()
      .qr;
    // the citizen-run venue is not verified: its own manager's door records no one (proof.int.test.ts)
    const unverified = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: bearer(managerCitizen.token),
      payload: { venueId: venue.id, personQr: qr },
    });
    expect(unverified.statusCode).toBe(403);
    expect(unverified.json().error.code).toBe('VENUE_NOT_VERIFIED');
    const staff = await staffToken(env, 'venue_manager', UNITS.bienHoa);
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: bearer(staff.token),
      payload: { venueId: venue.id, personQr: qr },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().personId).toBe(scanned.personId);

    const nationalId = makeNationalId();
    const manual = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: bearer(staff.token),
      payload: { venueId: venue.id, nationalId, name: 'Bà Lê Thị Cúc' },
    });
    expect(manual.statusCode).toBe(201);
    // a venue's manager typed the number, not staff who register people: a claim until the commune checks the card
    const person = await env.ctx.db
      .selectFrom('people')
      .selectAll()
      .where('national_id_claim', '=', nationalId)
      .executeTakeFirstOrThrow();
    expect(person).toMatchObject({ name: 'Bà Lê Thị Cúc', unit_code: UNITS.bienHoaCommune, national_id: null });
    expect(manual.json().personId).toBe(person.id);
    // typed again with the name: the same record (just checked in: 409 CHECKIN_DUPLICATE), no second one
    const again = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: bearer(staff.token),
      payload: { venueId: venue.id, nationalId, name: 'bà lê thị cúc' },
    });
    expect(again.json().error?.code, again.body).toBe('CHECKIN_DUPLICATE');
    const records = await env.ctx.db
      .selectFrom('people')
      .select('id')
      .where('national_id_claim', '=', nationalId)
      .execute();
    expect(records).toEqual([{ id: person.id }]);
  });

  it('refuses staff outside the venue jurisdiction (404) and roles that never check people in (403)', async () => {
    const outside = await staffToken(env, 'venue_manager', UNITS.longKhanh);
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: bearer(outside.token),
      payload: { venueId: venue.id, nationalId: makeNationalId(), name: 'A' },
    });
    expect(res.statusCode).toBe(404);
    const leader = await staffToken(env, 'leader', UNITS.province);
    const res2 = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: bearer(leader.token),
      payload: { venueId: venue.id, nationalId: makeNationalId(), name: 'A' },
    });
    expect(res2.statusCode).toBe(403);
  });

  it('syncs a batch with per-item results and refuses 501 items', async () => {
    const items = [0, 1, 2].map((i) => ({
      idempotencyKey: key(),
      venueId: venue.id,
      nationalId: makeNationalId(),
      name: `Khách ${i}`,
      at: new Date(Date.now() - (i + 1) * 600_000).toISOString(),
    }));
    items.push({ ...items[0]!, idempotencyKey: key(), at: new Date(Date.now() + 3600_000).toISOString() });
    // the door's offline queue of a staff account (a citizen-run venue the commune has not verified may not type
    // people in, nor sync past times: proof.int.test.ts)
    const staff = await staffToken(env, 'venue_manager', UNITS.bienHoa);
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins/batch',
      headers: bearer(staff.token),
      payload: { items },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.accepted).toBe(3);
    expect(body.results[3]).toMatchObject({ status: 400, error: { code: 'CHECKIN_TIME_IN_FUTURE' } });
    expect(body.results[1].checkin.at).toBe(items[1]!.at);
    const big = Array.from({ length: 501 }, () => ({
      idempotencyKey: key(),
      venueId: venue.id,
      nationalId: makeNationalId(),
      name: 'X',
    }));
    const before = await countCheckins();
    const tooBig = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins/batch',
      headers: bearer(staff.token),
      payload: { items: big },
    });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().error.code).toBe('BATCH_TOO_LARGE');
    expect(await countCheckins()).toBe(before);
  });

  it('shows live occupancy', async () => {
    const res = await env.app.inject({
      method: 'GET',
      url: `/api/v1/venues/${venue.id}/occupancy`,
      headers: bearer(managerCitizen.token),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().present).toBeGreaterThanOrEqual(4);
  });
});
