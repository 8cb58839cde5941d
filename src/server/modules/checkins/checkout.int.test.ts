/**
 * Check-out (`POST /checkins/{id}/checkout`, `checkins.checkout`): the person the stay records, the venue's managers
 * and the staff who check people in there close it; anyone else is told "not found" whether or not it exists, and a
 * staff role that never checks people in is refused (403). The time is bounded (security review, finding 2): between
 * the check-in and now, never after the stay's implied end (the venue's default stay), and the person's own is now;
 * closing someone else's stay is audited.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  citizenToken,
  createTestEnv,
  expectError,
  staffToken,
  type TestEnv,
  UNITS,
} from '../../../../test/harness.ts';

let env: TestEnv;
let manager: { token: string; personId: string };
let visitor: { token: string; personId: string };
let venue: { id: string; qr: string };

beforeAll(async () => {
  env = await createTestEnv();
  manager = await citizenToken(env, '0912000301');
  visitor = await citizenToken(env, '0912000302');
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    headers: bearer(manager.token),
    payload: {
      name: 'Quán cơm Bình Dân',
      category: 'restaurant_cafe',
      unitCode: UNITS.bienHoaCommune,
      address: '3 Phan Chu Trinh',
    },
  });
  expect(res.statusCode).toBe(201);
  venue = res.json();
});
afterAll(async () => {
  await env?.close();
});

/** A new stay of the visitor at the venue (a citizen's own scan), answered with its id and time. */
async function visit(): Promise<{ id: string; at: string }> {
  // one stay at a time: a second scan within minutes would be a double scan
  await env.ctx.db
    .updateTable('checkins')
    .set({ checked_out_at: new Date() })
    .where('person_id', '=', visitor.personId)
    .where('checked_out_at', 'is', null)
    .execute();
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/checkins',
    headers: bearer(visitor.token),
    payload: { venueQr: venue.qr },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const MIN = 60_000;

/**
 * A stay of the visitor that began `minutesAgo` (the venue's default stay is 60 minutes): a staff door scanned their
 * personal QR and its offline queue synced the scan with its time.
 */
async function pastStay(minutesAgo: number): Promise<{ id: string; at: string }> {
  await env.ctx.db
    .updateTable('checkins')
    .set({ checked_out_at: new Date() })
    .where('person_id', '=', visitor.personId)
    .where('checked_out_at', 'is', null)
    .execute();
  const qr = (await env.app.inject({ method: 'GET', url: '/api/v1/me/qr', headers: bearer(visitor.token) })).json().qr;
  const door = await staffToken(env, 'venue_manager', UNITS.bienHoa);
  const at = new Date(Date.now() - minutesAgo * MIN).toISOString();
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/checkins/batch',
    headers: bearer(door.token),
    payload: { items: [{ idempotencyKey: `k-${randomUUID()}`, venueId: venue.id, personQr: qr, at }] },
  });
  expect(res.json().results[0].status, res.body).toBe(201);
  return { id: res.json().results[0].checkin.id, at };
}

const checkoutAudits = (checkinId: string) =>
  env.ctx.db
    .selectFrom('audit_log')
    .select(['actor_type', 'actor_id', 'resource_id', 'details'])
    .where('action', '=', 'checkins.checkout')
    .where(({ ref }) => ref('details', '->>').key('checkinId'), '=', checkinId)
    .execute();

// the body is `{}` or `{at}` (the route's schema marks it optional, but a POST without one is refused as not an object)
const checkout = (token: string | undefined, id: string, body: { at?: string } = {}) =>
  env.app.inject({
    method: 'POST',
    url: `/api/v1/checkins/${id}/checkout`,
    headers: token ? bearer(token) : {},
    payload: body,
  });

describe('check-out', () => {
  it('lets the person close their own stay, once: a repeat answers the first check-out time', async () => {
    const stay = await visit();
    const first = await checkout(visitor.token, stay.id);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ id: stay.id, checkedInAt: stay.at });
    const again = await checkout(visitor.token, stay.id, { at: new Date().toISOString() });
    expect(again.statusCode).toBe(200);
    expect(again.json().checkedOutAt).toBe(first.json().checkedOutAt);
  });

  it("lets the venue's manager and door staff in its jurisdiction close someone's stay", async () => {
    const byManager = await checkout(manager.token, (await visit()).id);
    expect(byManager.statusCode, byManager.body).toBe(200);
    const door = await staffToken(env, 'venue_manager', UNITS.bienHoa);
    const byStaff = await checkout(door.token, (await visit()).id);
    expect(byStaff.statusCode, byStaff.body).toBe(200);
  });

  it('answers 404 to another citizen and to staff out of jurisdiction, the same as for an unknown id', async () => {
    const stay = await visit();
    const stranger = await citizenToken(env, '0912000303');
    const outside = await staffToken(env, 'health_worker', UNITS.longKhanh);
    for (const token of [stranger.token, outside.token]) {
      const res = await checkout(token, stay.id);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('CHECKIN_NOT_FOUND');
      const unknown = await checkout(token, randomUUID());
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe('CHECKIN_NOT_FOUND');
    }
    const row = await env.ctx.db
      .selectFrom('checkins')
      .select('checked_out_at')
      .where('id', '=', stay.id)
      .executeTakeFirstOrThrow();
    expect(row.checked_out_at).toBeNull();
  });

  it('answers 403 to a staff role that never checks people in, whether or not the id exists', async () => {
    const leader = await staffToken(env, 'leader', UNITS.province);
    expect((await checkout(leader.token, (await visit()).id)).statusCode).toBe(403);
    expect((await checkout(leader.token, randomUUID())).statusCode).toBe(403);
  });

  it('refuses a check-out before the check-in (400) and an anonymous caller (401)', async () => {
    const stay = await visit();
    const early = await checkout(visitor.token, stay.id, { at: new Date(Date.parse(stay.at) - 60_000).toISOString() });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.code).toBe('VALIDATION_FAILED');
    expect((await checkout(undefined, stay.id)).statusCode).toBe(401);
  });

  it("never stretches a stay past the venue's default stay (400 CHECKOUT_AFTER_STAY_END); a manager's check-out of someone is audited", async () => {
    const stay = await pastStay(180);
    const latest = new Date(Date.parse(stay.at) + 60 * MIN).toISOString();
    const stretched = await checkout(manager.token, stay.id, { at: new Date(Date.now() - 60 * MIN).toISOString() });
    expect(expectError(stretched, 400, 'CHECKOUT_AFTER_STAY_END').error.details).toEqual({ field: 'at', latest });
    const door = await staffToken(env, 'venue_manager', UNITS.bienHoa);
    expectError(await checkout(door.token, stay.id, { at: new Date().toISOString() }), 400, 'CHECKOUT_AFTER_STAY_END');
    expect(await checkoutAudits(stay.id)).toEqual([]);

    const at = new Date(Date.parse(stay.at) + 30 * MIN).toISOString();
    const closed = await checkout(manager.token, stay.id, { at });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toEqual({ id: stay.id, checkedInAt: stay.at, checkedOutAt: at });
    expect(await checkoutAudits(stay.id)).toEqual([
      {
        actor_type: 'citizen',
        actor_id: manager.personId,
        resource_id: visitor.personId,
        details: expect.objectContaining({ checkinId: stay.id, venueId: venue.id, at, personIds: [visitor.personId] }),
      },
    ]);
  });

  it('closes a stay past its implied end at that end, and never at a past time the person sends themself', async () => {
    const old = await pastStay(180);
    const closed = await checkout(visitor.token, old.id);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().checkedOutAt).toBe(new Date(Date.parse(old.at) + 60 * MIN).toISOString());
    // the person's own check-out is not audited (it is their own record)
    expect(await checkoutAudits(old.id)).toEqual([]);

    const recent = await pastStay(30);
    const shrunk = await checkout(visitor.token, recent.id, {
      at: new Date(Date.parse(recent.at) + MIN).toISOString(),
    });
    expectError(shrunk, 400, 'CHECKOUT_BACKDATE_NOT_ALLOWED');
    const now = await checkout(visitor.token, recent.id, { at: new Date().toISOString() });
    expect(now.statusCode, now.body).toBe(200);
    // the door may still close it at the time the person left (audited)
    const another = await pastStay(30);
    const left = new Date(Date.parse(another.at) + 10 * MIN).toISOString();
    expect((await checkout(manager.token, another.id, { at: left })).json().checkedOutAt).toBe(left);
    expect(await checkoutAudits(another.id)).toHaveLength(1);
  });
});
