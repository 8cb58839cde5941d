/**
 * Forged exposures (issue 10, finding 1, point 2): contacts found only through weak evidence — a check-in typed in
 * with nothing proving the person was there (`typed_unverified`: what citizen-run venues could record before proof
 * was required; migration 0014 marks those rows so) — are listed for the tracer "to confirm" and nobody is ordered
 * into quarantine or messaged until a tracer confirms them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, citizenToken, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

let env: TestEnv;
let tracer: string;
let door: string;
let phoneSerial = 0;
const MIN = 60_000;
const HOUR = 3600_000;
const newPhone = () => `09${String(process.pid % 1000).padStart(3, '0')}${String(++phoneSerial).padStart(5, '0')}`;

interface Resident {
  token: string;
  personId: string;
  phone: string;
}

/** A citizen signed in by phone with a completed profile (lives in a Biên Hòa commune). */
async function resident(): Promise<Resident> {
  const phone = newPhone();
  const c = await citizenToken(env, phone);
  const res = await env.app.inject({
    method: 'PUT',
    url: '/api/v1/me/profile',
    headers: bearer(c.token),
    payload: { name: `Cư dân ${phone.slice(-3)}`, unitCode: UNITS.bienHoaCommune },
  });
  expect(res.statusCode).toBe(200);
  return { ...c, phone: `+84${phone.slice(1)}` };
}

async function newVenue(name: string): Promise<string> {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    headers: bearer(door),
    payload: { name, category: 'restaurant_cafe', unitCode: UNITS.bienHoaCommune, address: '9 Phan Trung' },
  });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}

/** The door scanned the person's personal QR at `at` and its offline queue synced it (strong evidence). */
async function scanned(person: Resident, venueId: string, at: Date) {
  const qr = (await env.app.inject({ method: 'GET', url: '/api/v1/me/qr', headers: bearer(person.token) })).json().qr;
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/checkins/batch',
    headers: bearer(door),
    payload: { items: [{ idempotencyKey: `k-${randomUUID()}`, venueId, personQr: qr, at: at.toISOString() }] },
  });
  expect(res.json().results[0]).toMatchObject({ status: 201, checkin: { evidence: 'qr_personal' } });
}

/** A check-in a citizen manager typed in before proof was required: stored, but proving nothing. */
async function typedUnverified(person: Resident, venueId: string, at: Date) {
  await env.ctx.db
    .insertInto('checkins')
    .values({
      venue_id: venueId,
      person_id: person.personId,
      checked_in_at: at,
      implied_out_at: new Date(at.getTime() + HOUR),
      method: 'staff_manual',
      actor_type: 'citizen',
      actor_id: randomUUID(),
      unit_code: UNITS.bienHoaCommune,
      evidence: 'typed_unverified',
    })
    .execute();
}

async function openCase(f0: Resident): Promise<string> {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/cases',
    headers: bearer(tracer),
    payload: { person: { personId: f0.personId }, confirmedAt: new Date().toISOString() },
  });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}

async function contacts(caseId: string) {
  const res = await env.app.inject({
    method: 'GET',
    url: `/api/v1/cases/${caseId}/contacts`,
    headers: bearer(tracer),
  });
  expect(res.statusCode).toBe(200);
  return new Map(
    (res.json() as Array<{ personId: string; degree: number; confirmation: string; quarantine: unknown }>).map((c) => [
      c.personId,
      c,
    ]),
  );
}

/** F1 and F2 messages sent to this phone (delivered through the outbox). */
async function messagesTo(phone: string) {
  await env.ctx.jobs.drain();
  return env.ctx.db
    .selectFrom('notify_fake_messages')
    .select('text')
    .where('recipient', '=', phone)
    .where((eb) => eb.or([eb('text', 'like', '%(F1)%'), eb('text', 'like', '%(F2)%')]))
    .execute();
}

const orders = async (personId: string) =>
  env.ctx.db.selectFrom('quarantine_orders').select('case_id').where('person_id', '=', personId).execute();

const myExposures = async (person: Resident) =>
  (await env.app.inject({ method: 'GET', url: '/api/v1/me/exposures', headers: bearer(person.token) })).json();

const act = (caseId: string, personId: string, verb: 'confirm' | 'dismiss', token = tracer) =>
  env.app.inject({
    method: 'POST',
    url: `/api/v1/cases/${caseId}/contacts/${personId}/${verb}`,
    headers: bearer(token),
  });

/** The entries of `action` about this person that the Biên Hòa admin's unit-scoped audit viewer lists. */
async function seenByDistrictAdmin(action: string, personId: string) {
  const admin = await staffToken(env, 'admin', UNITS.bienHoa);
  const res = await env.app.inject({
    method: 'GET',
    url: `/api/v1/audit?action=${action}`,
    headers: bearer(admin.token),
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as Array<{ resourceId: string | null; unitCode: string | null }>).filter(
    (e) => e.resourceId === personId,
  );
}

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'], config: { authRateLimitPerMinute: 10_000 } });
  tracer = (await staffToken(env, 'tracer', UNITS.province)).token;
  door = (await staffToken(env, 'venue_manager', UNITS.bienHoa)).token;
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('contacts found only through weak evidence are "to confirm"', () => {
  let caseId: string;
  let weak: Resident;
  let strong: Resident;

  it('lists them pending with no quarantine order, no message and no notice; strong contacts are acted on', async () => {
    const venueId = await newVenue('Quán cơm Tấm');
    const now = Date.now();
    const f0 = await resident();
    strong = await resident();
    weak = await resident();
    await scanned(f0, venueId, new Date(now - 5 * HOUR));
    await scanned(strong, venueId, new Date(now - 5 * HOUR + 10 * MIN));
    await typedUnverified(weak, venueId, new Date(now - 5 * HOUR + 5 * MIN));
    caseId = await openCase(f0);

    const list = await contacts(caseId);
    expect(list.get(strong.personId)).toMatchObject({
      degree: 1,
      confirmation: 'confirmed',
      quarantine: { kind: 'home' },
    });
    expect(list.get(weak.personId)).toMatchObject({ degree: 1, confirmation: 'pending', quarantine: null });
    expect(await orders(weak.personId)).toEqual([]);
    expect(await messagesTo(weak.phone)).toEqual([]);
    expect(await myExposures(weak)).toEqual([]);
    expect(await orders(strong.personId)).toHaveLength(1);
    expect(await messagesTo(strong.phone)).toHaveLength(1);
    expect(await myExposures(strong)).toHaveLength(1);
  });

  it('confirming one gives the order and the message exactly once; confirming again and re-tracing change nothing', async () => {
    const first = await act(caseId, weak.personId, 'confirm');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ personId: weak.personId, confirmation: 'confirmed', notified: true });
    const again = await act(caseId, weak.personId, 'confirm');
    expect(again.json()).toEqual({ personId: weak.personId, confirmation: 'confirmed', notified: false });
    const retrace = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/retrace`,
      headers: bearer(tracer),
    });
    expect(retrace.json()).toMatchObject({ newF1: 0, newF2: 0 });
    expect(await orders(weak.personId)).toHaveLength(1);
    expect(await messagesTo(weak.phone)).toHaveLength(1);
    expect(await myExposures(weak)).toHaveLength(1);
    expect((await contacts(caseId)).get(weak.personId)).toMatchObject({
      confirmation: 'confirmed',
      quarantine: { kind: 'home' },
    });
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select(['details'])
      .where('action', '=', 'cases.confirmContact')
      .where('resource_id', '=', weak.personId)
      .execute();
    expect(audit).toHaveLength(2);
    expect(audit[0]?.details).toMatchObject({ caseId, notified: true });
    // with the case's unit: the district's admin sees them in the unit-scoped audit viewer
    expect(await seenByDistrictAdmin('cases.confirmContact', weak.personId)).toMatchObject([
      { unitCode: UNITS.bienHoaCommune },
      { unitCode: UNITS.bienHoaCommune },
    ]);
  });

  it("makes every contact pending when it is the F0's own stay that proves nothing", async () => {
    const venueId = await newVenue('Quán nhậu Sáu');
    const now = Date.now();
    const f0 = await resident();
    const other = await resident();
    await typedUnverified(f0, venueId, new Date(now - 3 * HOUR));
    await scanned(other, venueId, new Date(now - 3 * HOUR + 10 * MIN));
    const id = await openCase(f0);
    expect((await contacts(id)).get(other.personId)).toMatchObject({ confirmation: 'pending', quarantine: null });
    expect(await messagesTo(other.phone)).toEqual([]);
  });

  it('dismissing one tells nobody, stops counting it, survives a re-trace; a confirmed contact cannot be dismissed', async () => {
    const venueId = await newVenue('Tiệm trà sữa');
    const now = Date.now();
    const f0 = await resident();
    const forged = await resident();
    const real = await resident();
    await scanned(f0, venueId, new Date(now - 4 * HOUR));
    await scanned(real, venueId, new Date(now - 4 * HOUR + 10 * MIN));
    await typedUnverified(forged, venueId, new Date(now - 4 * HOUR));
    const id = await openCase(f0);
    const view = async () =>
      (await env.app.inject({ method: 'GET', url: `/api/v1/cases/${id}`, headers: bearer(tracer) })).json();
    expect((await view()).f1).toBe(2);
    const dismissed = await act(id, forged.personId, 'dismiss');
    expect(dismissed.statusCode).toBe(200);
    expect(dismissed.json()).toEqual({ personId: forged.personId, confirmation: 'dismissed', notified: false });
    expect(await seenByDistrictAdmin('cases.dismissContact', forged.personId)).toMatchObject([
      { unitCode: UNITS.bienHoaCommune },
    ]);
    expect((await view()).f1).toBe(1);
    await env.app.inject({ method: 'POST', url: `/api/v1/cases/${id}/retrace`, headers: bearer(tracer) });
    expect((await contacts(id)).get(forged.personId)).toMatchObject({ confirmation: 'dismissed' });
    expect(await messagesTo(forged.phone)).toEqual([]);
    expect(await orders(forged.personId)).toEqual([]);
    const refused = await act(id, real.personId, 'dismiss');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('CONTACT_ALREADY_CONFIRMED');
  });

  it('traces F2 only through confirmed F1: confirming the F1 finds and tells their contacts', async () => {
    const market = await newVenue('Chợ đêm');
    const shop = await newVenue('Tiệm vàng');
    const now = Date.now();
    const f0 = await resident();
    const pendingF1 = await resident();
    const f2 = await resident();
    await scanned(f0, market, new Date(now - 6 * HOUR));
    await typedUnverified(pendingF1, market, new Date(now - 6 * HOUR + 5 * MIN));
    await scanned(pendingF1, shop, new Date(now - 2 * HOUR));
    await scanned(f2, shop, new Date(now - 2 * HOUR + 10 * MIN));
    const id = await openCase(f0);
    expect((await contacts(id)).has(f2.personId)).toBe(false);
    const confirmed = await act(id, pendingF1.personId, 'confirm');
    expect(confirmed.json().notified).toBe(true);
    expect((await contacts(id)).get(f2.personId)).toMatchObject({ degree: 2, confirmation: 'confirmed' });
    expect(await messagesTo(f2.phone)).toHaveLength(1);
  });

  it('answers 401 without a session, 403 for roles that never trace, 404 out of jurisdiction or for a stranger', async () => {
    const anonymous = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/contacts/${weak.personId}/confirm`,
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await act(caseId, weak.personId, 'confirm', weak.token)).statusCode).toBe(403);
    expect((await act(caseId, weak.personId, 'confirm', door)).statusCode).toBe(403);
    const elsewhere = (await staffToken(env, 'tracer', UNITS.longKhanh)).token;
    const out = await act(caseId, weak.personId, 'dismiss', elsewhere);
    expect(out.statusCode).toBe(404);
    expect(out.json().error.code).toBe('CASE_NOT_FOUND');
    const stranger = await act(caseId, randomUUID(), 'confirm');
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().error.code).toBe('CONTACT_NOT_FOUND');
    const bad = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/contacts/not-a-uuid/confirm`,
      headers: bearer(tracer),
    });
    expect(bad.statusCode).toBe(400);
  });
});
