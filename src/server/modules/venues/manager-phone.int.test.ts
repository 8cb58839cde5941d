/**
 * A venue registered by staff for a manager named by phone: the manager is the person that phone's owner will be
 * once they sign in, and naming the phone creates no citizen account — only the owner's one-time code does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, citizenToken, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

let env: TestEnv;
let staff: string;

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  staff = (await staffToken(env, 'health_worker', UNITS.bienHoa)).token;
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

const register = (name: string, managerPhone: string) =>
  env.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    headers: bearer(staff),
    payload: {
      name,
      category: 'restaurant_cafe',
      unitCode: UNITS.bienHoaCommune,
      address: '1 Phạm Văn Thuận',
      managerPhone,
    },
  });

describe('managerPhone', () => {
  it('creates no citizen account for the named phone, and its owner runs the venue after signing in', async () => {
    const res = await register('Quán cơm Bà Ba', '0912000501');
    expect(res.statusCode, res.body).toBe(201);
    const accounts = () =>
      env.ctx.db.selectFrom('citizen_accounts').select('person_id').where('phone', '=', '+84912000501').execute();
    expect(await accounts()).toEqual([]);
    const owner = await citizenToken(env, '0912000501');
    expect(await accounts()).toHaveLength(1);
    const mine = await env.app.inject({ method: 'GET', url: '/api/v1/venues', headers: bearer(owner.token) });
    expect(mine.statusCode, mine.body).toBe(200);
    expect((mine.json() as Array<{ id: string }>).map((v) => v.id)).toContain(res.json().id);
  });

  it('names the phone account holder when there is one', async () => {
    const holder = await citizenToken(env, '0912000502');
    const res = await register('Tiệm tạp hoá Hai', '0912000502');
    expect(res.statusCode, res.body).toBe(201);
    const mine = await env.app.inject({ method: 'GET', url: '/api/v1/venues', headers: bearer(holder.token) });
    expect((mine.json() as Array<{ id: string }>).map((v) => v.id)).toContain(res.json().id);
  });
});
