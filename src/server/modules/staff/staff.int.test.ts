/** Staff management contract: admins create officers inside their own scope; disabled users are shut out. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

let env: TestEnv;
let national: string;
let provincial: string;
let serial = 0;
const uname = (p: string) => `${p}-${++serial}`;
const PASSWORD = 'a-long-enough-password';

beforeAll(async () => {
  env = await createTestEnv({ config: { authRateLimitPerMinute: 10_000 } });
  national = (await staffToken(env, 'admin', null)).token;
  provincial = (await staffToken(env, 'admin', UNITS.province)).token;
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

const createStaff = (token: string, payload: Record<string, unknown>) =>
  env.app.inject({ method: 'POST', url: '/api/v1/staff', headers: bearer(token), payload });
const login = (username: string, password = PASSWORD) =>
  env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/login', payload: { username, password } });
const staffCount = async () => (await env.ctx.db.selectFrom('staff_users').select('id').execute()).length;

describe('POST /api/v1/staff', () => {
  it('admin creates a user → 201 {id}; the new user logs in with that role and scope', async () => {
    const username = uname('tracer');
    const res = await createStaff(national, { username, password: PASSWORD, role: 'tracer', unitCode: UNITS.bienHoa });
    expect(res.statusCode).toBe(201);
    const { id } = res.json();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const signIn = await login(username);
    expect(signIn.statusCode).toBe(200);
    expect(signIn.json().user).toMatchObject({ id, username, grants: [{ role: 'tracer', unitCode: UNITS.bienHoa }] });
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'staff.create')
      .where('resource_id', '=', id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  });

  it('a provincial admin (75) creates staff in its districts, not in Hà Nội nor with national scope', async () => {
    const ok = await createStaff(provincial, {
      username: uname('hw'),
      password: PASSWORD,
      role: 'health_worker',
      unitCode: UNITS.longKhanh,
    });
    expect(ok.statusCode).toBe(201);
    const before = await staffCount();
    for (const unitCode of [UNITS.hanoi, '001', null, undefined]) {
      const res = await createStaff(provincial, {
        username: uname('hw'),
        password: PASSWORD,
        role: 'health_worker',
        ...(unitCode === undefined ? {} : { unitCode }),
      });
      expect(res.statusCode, `unit ${unitCode}`).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    expect(await staffCount()).toBe(before);
  });

  it('a provincial admin cannot mint a national admin, only a provincial one', async () => {
    expect(
      (await createStaff(provincial, { username: uname('adm'), password: PASSWORD, role: 'admin' })).statusCode,
    ).toBe(403);
    expect(
      (
        await createStaff(provincial, {
          username: uname('adm'),
          password: PASSWORD,
          role: 'admin',
          unitCode: UNITS.bienHoa,
        })
      ).statusCode,
    ).toBe(201);
  });

  it.each(['health_worker', 'tracer', 'leader', 'venue_manager'])('%s (non-admin) → 403', async (role) => {
    const { token } = await staffToken(env, role, UNITS.province);
    const res = await createStaff(token, {
      username: uname('x'),
      password: PASSWORD,
      role: 'tracer',
      unitCode: UNITS.bienHoa,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/staff', headers: bearer(token) })).statusCode).toBe(
      403,
    );
  });

  it('without a session → 401', async () => {
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/staff',
      payload: { username: uname('x'), password: PASSWORD, role: 'tracer' },
    });
    expect(res.statusCode).toBe(401);
  });

  it('weak password → 400 WEAK_PASSWORD', async () => {
    const res = await createStaff(national, {
      username: uname('w'),
      password: 'short',
      role: 'tracer',
      unitCode: UNITS.bienHoa,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('WEAK_PASSWORD');
  });

  it('unknown role → 400 UNKNOWN_ROLE (citizen is not a staff role)', async () => {
    for (const role of ['wizard', 'citizen']) {
      const res = await createStaff(national, {
        username: uname('r'),
        password: PASSWORD,
        role,
        unitCode: UNITS.bienHoa,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('UNKNOWN_ROLE');
    }
  });

  it('unknown unit → 400 UNIT_NOT_FOUND; bad username → 400 VALIDATION_FAILED', async () => {
    const unit = await createStaff(national, {
      username: uname('u'),
      password: PASSWORD,
      role: 'tracer',
      unitCode: '99999',
    });
    expect(unit.statusCode).toBe(400);
    expect(unit.json().error.code).toBe('UNIT_NOT_FOUND');
    const bad = await createStaff(national, { username: 'Bad Name!', password: PASSWORD, role: 'tracer' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('duplicate username (any case) → 409 USERNAME_TAKEN and no second row', async () => {
    const username = uname('dup');
    expect(
      (await createStaff(national, { username, password: PASSWORD, role: 'tracer', unitCode: UNITS.bienHoa }))
        .statusCode,
    ).toBe(201);
    const before = await staffCount();
    const again = await createStaff(national, {
      username: username.toUpperCase(),
      password: PASSWORD,
      role: 'lab',
      unitCode: UNITS.bienHoa,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('USERNAME_TAKEN');
    expect(await staffCount()).toBe(before);
  });
});

describe('listing and disabling staff', () => {
  it("a provincial admin lists only its province's staff", async () => {
    await staffToken(env, 'tracer', UNITS.hanoi, uname('hanoitracer'));
    const list = await env.app.inject({ method: 'GET', url: '/api/v1/staff', headers: bearer(provincial) });
    expect(list.statusCode).toBe(200);
    const users = list.json() as Array<{ username: string; grants: Array<{ unitCode: string | null }> }>;
    expect(users.length).toBeGreaterThan(0);
    expect(users.some((u) => u.username.startsWith('hanoitracer'))).toBe(false);
    const all = await env.app.inject({ method: 'GET', url: '/api/v1/staff', headers: bearer(national) });
    expect((all.json() as Array<{ username: string }>).some((u) => u.username.startsWith('hanoitracer'))).toBe(true);
  });

  it("a disabled user can't log in and existing sessions stop working at once", async () => {
    const username = uname('dis');
    const { id } = (
      await createStaff(provincial, { username, password: PASSWORD, role: 'tracer', unitCode: UNITS.bienHoa })
    ).json();
    const { token } = (await login(username)).json();
    const me = () => env.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
    expect((await me()).statusCode).toBe(200); // now cached in memory
    const off = await env.app.inject({
      method: 'PUT',
      url: `/api/v1/staff/${id}/disabled`,
      headers: bearer(provincial),
      payload: { disabled: true },
    });
    expect(off.statusCode).toBe(204);
    expect((await me()).statusCode).toBe(401);
    const again = await login(username);
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('INVALID_CREDENTIALS');
    const on = await env.app.inject({
      method: 'PUT',
      url: `/api/v1/staff/${id}/disabled`,
      headers: bearer(provincial),
      payload: { disabled: false },
    });
    expect(on.statusCode).toBe(204);
    expect((await login(username)).statusCode).toBe(200);
  });

  it('a provincial admin cannot disable staff outside its province (404) nor itself (403)', async () => {
    const hanoi = await staffToken(env, 'tracer', UNITS.hanoi);
    const res = await env.app.inject({
      method: 'PUT',
      url: `/api/v1/staff/${hanoi.userId}/disabled`,
      headers: bearer(provincial),
      payload: { disabled: true },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('STAFF_NOT_FOUND');
    const self = await staffToken(env, 'admin', UNITS.province);
    const own = await env.app.inject({
      method: 'PUT',
      url: `/api/v1/staff/${self.userId}/disabled`,
      headers: bearer(self.token),
      payload: { disabled: true },
    });
    expect(own.statusCode).toBe(403);
  });

  it('a non-admin role gets 403 on an account whether it exists or not; an admin gets 404 for an unknown id', async () => {
    const target = await staffToken(env, 'tracer', UNITS.bienHoa);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const { token } = await staffToken(env, 'health_worker', UNITS.province);
    for (const id of [target.userId, unknown]) {
      const disable = await env.app.inject({
        method: 'PUT',
        url: `/api/v1/staff/${id}/disabled`,
        headers: bearer(token),
        payload: { disabled: true },
      });
      expect(disable.statusCode).toBe(403);
      const grant = await env.app.inject({
        method: 'POST',
        url: `/api/v1/staff/${id}/grants`,
        headers: bearer(token),
        payload: { role: 'lab', unitCode: UNITS.bienHoa },
      });
      expect(grant.statusCode).toBe(403);
    }
    const missing = await env.app.inject({
      method: 'PUT',
      url: `/api/v1/staff/${unknown}/disabled`,
      headers: bearer(provincial),
      payload: { disabled: true },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('STAFF_NOT_FOUND');
    expect((await login(target.username, target.password)).statusCode).toBe(200); // still enabled
  });

  it('adding a grant takes effect on the next request', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    const add = await env.app.inject({
      method: 'POST',
      url: `/api/v1/staff/${u.userId}/grants`,
      headers: bearer(provincial),
      payload: { role: 'lab', unitCode: UNITS.longKhanh },
    });
    expect(add.statusCode).toBe(204);
    const me = await env.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(u.token) });
    expect(
      me
        .json()
        .user.grants.map((g: { role: string }) => g.role)
        .sort(),
    ).toEqual(['lab', 'tracer']);
  });
});
