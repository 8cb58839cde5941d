/**
 * Check-out (`POST /checkins/{id}/checkout`, `checkins.checkout`): the person the stay records, the venue's managers
 * and the staff who check people in there close it; anyone else is told "not found" whether or not it exists, and a
 * staff role that never checks people in is refused (403).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, citizenToken, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

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
});
