/**
 * Registering and rotating venues (security review, findings 4, 6 and 8): a citizen account registers at most
 * VENUE_REGISTRATIONS_PER_DAY venues in 24 hours; `managerPhone` (registering for someone else) is staff's only; a QR
 * rotation issues a new short code and the previous one is refused at once.
 */
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
import { VENUE_REGISTRATIONS_PER_DAY } from './constants.ts';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

const register = (token: string, name: string, extra: Record<string, unknown> = {}) =>
  env.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    headers: bearer(token),
    payload: { name, category: 'restaurant_cafe', unitCode: UNITS.bienHoaCommune, address: '7 Võ Thị Sáu', ...extra },
  });

const checkinByShortCode = (token: string, shortCode: string) =>
  env.app.inject({ method: 'POST', url: '/api/v1/checkins', headers: bearer(token), payload: { shortCode } });

describe('registration', () => {
  it('registrations sent at once cannot pass the daily limit together (counted under the account lock)', async () => {
    const citizen = await citizenToken(env, '0912000709');
    const all = await Promise.all(
      Array.from({ length: VENUE_REGISTRATIONS_PER_DAY + 3 }, (_, i) => register(citizen.token, `Quán cùng lúc ${i}`)),
    );
    expect(all.filter((r) => r.statusCode === 201)).toHaveLength(VENUE_REGISTRATIONS_PER_DAY);
    expect(all.filter((r) => r.statusCode === 429)).toHaveLength(3);
  });

  it(`lets a citizen register ${VENUE_REGISTRATIONS_PER_DAY} venues in 24 hours, then 429 VENUE_REGISTRATION_LIMIT; staff are not limited`, async () => {
    const citizen = await citizenToken(env, '0912000701');
    for (let i = 0; i < VENUE_REGISTRATIONS_PER_DAY; i++) {
      expect((await register(citizen.token, `Quán số ${i + 1}`)).statusCode).toBe(201);
    }
    const refused = await register(citizen.token, 'Quán thừa');
    const body = expectError(refused, 429, 'VENUE_REGISTRATION_LIMIT');
    expect(body.error.details).toEqual({ max: VENUE_REGISTRATIONS_PER_DAY, retryAfter: expect.any(Number) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(23 * 3600);
    const named = await env.ctx.db.selectFrom('venues').select('id').where('name', '=', 'Quán thừa').execute();
    expect(named).toEqual([]);

    // a day later the oldest registration no longer counts
    await env.ctx.db
      .updateTable('venues')
      .set({ created_at: new Date(Date.now() - 25 * 3600_000) })
      .where('name', '=', 'Quán số 1')
      .execute();
    expect((await register(citizen.token, 'Quán hôm sau')).statusCode).toBe(201);

    // another citizen is not held by the first; staff register for the commune without a limit
    const other = await citizenToken(env, '0912000702');
    expect((await register(other.token, 'Quán khác')).statusCode).toBe(201);
    const staff = await staffToken(env, 'health_worker', UNITS.bienHoa);
    for (let i = 0; i <= VENUE_REGISTRATIONS_PER_DAY; i++) {
      expect((await register(staff.token, `Điểm xã ${i + 1}`)).statusCode).toBe(201);
    }
  });

  it('refuses managerPhone from a citizen (403 VENUE_MANAGER_PHONE_STAFF_ONLY), registering nothing and no one', async () => {
    const citizen = await citizenToken(env, '0912000703');
    const res = await register(citizen.token, 'Quán của người khác', { managerPhone: '0912000704' });
    expect(expectError(res, 403, 'VENUE_MANAGER_PHONE_STAFF_ONLY').error.details).toEqual({ field: 'managerPhone' });
    expect(
      await env.ctx.db.selectFrom('venues').select('id').where('name', '=', 'Quán của người khác').execute(),
    ).toEqual([]);
    expect(await env.ctx.db.selectFrom('people').select('id').where('phone', '=', '+84912000704').execute()).toEqual(
      [],
    );
    // staff may
    const staff = await staffToken(env, 'health_worker', UNITS.bienHoa);
    expect((await register(staff.token, 'Quán đăng ký hộ', { managerPhone: '0912000704' })).statusCode).toBe(201);
  });
});

describe('QR rotation', () => {
  it('issues a new short code: the previous one is refused at once, the new one checks people in', async () => {
    const manager = await citizenToken(env, '0912000705');
    const created = await register(manager.token, 'Quán đổi mã');
    expect(created.statusCode).toBe(201);
    const { id, shortCode: before } = created.json() as { id: string; shortCode: string };
    const visitor = await citizenToken(env, '0912000706');
    expect((await checkinByShortCode(visitor.token, before)).statusCode).toBe(201);

    const rotated = await env.app.inject({
      method: 'POST',
      url: `/api/v1/venues/${id}/qr/rotate`,
      headers: bearer(manager.token),
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const after = rotated.json().shortCode as string;
    expect(after).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(after).not.toBe(before);
    const view = await env.app.inject({ method: 'GET', url: `/api/v1/venues/${id}`, headers: bearer(manager.token) });
    expect(view.json().shortCode).toBe(after);

    const another = await citizenToken(env, '0912000707');
    expectError(await checkinByShortCode(another.token, before), 400, 'VENUE_QR_INVALID');
    const ok = await checkinByShortCode(another.token, after);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().venueId).toBe(id);
  });
});
