/**
 * Staff management beyond create and lock (issue 11, item 14): an admin changes a grant's role and place, removes a
 * grant, resets a password with a one-time code the user turns into a new password at their next sign-in, and ends
 * every session of an account (force logout) — within the admin's scope, never on their own account, audited.
 */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

let env: TestEnv;
let provincial: { token: string; userId: string };
let serial = 0;
const PASSWORD = 'a-long-enough-password';
const NEW_PASSWORD = 'another-long-password';

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75', '01'], config: { authRateLimitPerMinute: 10_000 } });
  provincial = await staffToken(env, 'admin', UNITS.province);
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const call = (token: string | undefined, method: Method, url: string, payload?: Record<string, unknown>) =>
  env.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: token ? bearer(token) : {},
    ...(payload ? { payload } : {}),
  });

interface Listed {
  id: string;
  username: string;
  passwordResetUntil: string | null;
  grants: Array<{ id: string; role: string; unitCode: string | null; unitName: string | null }>;
}

/** A staff account made through the API, signed in once (its token). */
async function makeStaff(role: string, unitCode: string) {
  const username = `officer-${++serial}`;
  const created = await call(provincial.token, 'POST', '/staff', { username, password: PASSWORD, role, unitCode });
  expect(created.statusCode, created.body).toBe(201);
  const signIn = await call(undefined, 'POST', '/auth/staff/login', { username, password: PASSWORD });
  expect(signIn.statusCode).toBe(200);
  return { id: created.json().id as string, username, token: signIn.json().token as string };
}

const listed = async (id: string) =>
  ((await call(provincial.token, 'GET', '/staff')).json() as Listed[]).find((u) => u.id === id) as Listed;
const auditOf = (action: string, id: string) =>
  env.ctx.db
    .selectFrom('audit_log')
    .select(['actor_id', 'unit_code', 'details'])
    .where('action', '=', action)
    .where('resource_id', '=', id)
    .execute();

describe('PUT /api/v1/staff/{id}/grants/{grantId}: change role and scope', () => {
  it('turns a Biên Hòa tracer into a Long Khánh quarantine officer; the open session gets the new grant at once', async () => {
    const user = await makeStaff('tracer', UNITS.bienHoa);
    const before = await listed(user.id);
    const grantId = before.grants[0]?.id as string;
    const res = await call(provincial.token, 'PUT', `/staff/${user.id}/grants/${grantId}`, {
      role: 'quarantine_officer',
      unitCode: UNITS.longKhanh,
    });
    expect(res.statusCode, res.body).toBe(204);
    expect((await listed(user.id)).grants).toEqual([
      { id: grantId, role: 'quarantine_officer', unitCode: UNITS.longKhanh, unitName: 'Thành phố Long Khánh' },
    ]);
    const me = await call(user.token, 'GET', '/auth/me');
    expect(me.json().user.grants).toMatchObject([{ role: 'quarantine_officer', unitCode: UNITS.longKhanh }]);
    expect((await call(user.token, 'GET', '/cases')).statusCode).toBe(403);
    expect((await call(user.token, 'GET', '/quarantine-orders')).statusCode).toBe(200);
    expect((await auditOf('staff.grant.change', user.id)).map((r) => r.details)).toEqual([
      {
        grantId,
        role: 'quarantine_officer',
        previousRole: 'tracer',
        previousUnitCode: UNITS.bienHoa,
        route: 'PUT /api/v1/staff/:id/grants/:grantId',
      },
    ]);
  });

  it('400 for an unknown role or unit, 403 for a place outside the admin, 404 for a grant of someone else', async () => {
    const user = await makeStaff('tracer', UNITS.bienHoa);
    const other = await makeStaff('tracer', UNITS.bienHoa);
    const grantId = (await listed(user.id)).grants[0]?.id as string;
    const url = `/staff/${user.id}/grants/${grantId}`;
    const role = await call(provincial.token, 'PUT', url, { role: 'wizard', unitCode: UNITS.bienHoa });
    expect([role.statusCode, role.json().error.code]).toEqual([400, 'UNKNOWN_ROLE']);
    const unit = await call(provincial.token, 'PUT', url, { role: 'tracer', unitCode: '99999' });
    expect([unit.statusCode, unit.json().error.code]).toEqual([400, 'UNIT_NOT_FOUND']);
    for (const unitCode of [UNITS.hanoi, null]) {
      const out = await call(provincial.token, 'PUT', url, { role: 'tracer', unitCode });
      expect(out.statusCode).toBe(403);
    }
    const notTheirs = await call(provincial.token, 'PUT', `/staff/${other.id}/grants/${grantId}`, {
      role: 'leader',
      unitCode: UNITS.bienHoa,
    });
    expect([notTheirs.statusCode, notTheirs.json().error.code]).toEqual([404, 'GRANT_NOT_FOUND']);
    const bad = await call(provincial.token, 'PUT', `/staff/${user.id}/grants/nope`, {
      role: 'tracer',
      unitCode: null,
    });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await listed(user.id)).grants).toMatchObject([{ role: 'tracer', unitCode: UNITS.bienHoa }]);
  });
});

describe('DELETE /api/v1/staff/{id}/grants/{grantId}', () => {
  it('removes one of two grants; the last one stays (409 LAST_GRANT)', async () => {
    const user = await makeStaff('tracer', UNITS.bienHoa);
    const added = await call(provincial.token, 'POST', `/staff/${user.id}/grants`, {
      role: 'leader',
      unitCode: UNITS.province,
    });
    expect(added.statusCode).toBe(204);
    const [first, second] = (await listed(user.id)).grants;
    const removed = await call(provincial.token, 'DELETE', `/staff/${user.id}/grants/${first?.id}`);
    expect(removed.statusCode, removed.body).toBe(204);
    expect((await listed(user.id)).grants).toMatchObject([{ id: second?.id, role: 'leader' }]);
    const last = await call(provincial.token, 'DELETE', `/staff/${user.id}/grants/${second?.id}`);
    expect([last.statusCode, last.json().error.code]).toEqual([409, 'LAST_GRANT']);
    expect(await auditOf('staff.grant.remove', user.id)).toHaveLength(1);
  });
});

describe('POST /api/v1/staff/{id}/password-reset and the first sign-in with the code', () => {
  it('answers a one-time code once, ends every session, and the old password stops working', async () => {
    const user = await makeStaff('health_worker', UNITS.bienHoa);
    const res = await call(provincial.token, 'POST', `/staff/${user.id}/password-reset`);
    expect(res.statusCode, res.body).toBe(201);
    const { code, expiresAt } = res.json();
    expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect((await call(user.token, 'GET', '/auth/me')).statusCode).toBe(401);
    expect((await listed(user.id)).passwordResetUntil).toBe(expiresAt);
    const old = await call(undefined, 'POST', '/auth/staff/login', { username: user.username, password: PASSWORD });
    expect([old.statusCode, old.json().error.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    // the code is a credential: it is in the log nowhere, only its expiry
    const audit = await auditOf('staff.password.reset', user.id);
    expect(audit).toMatchObject([{ actor_id: provincial.userId, unit_code: UNITS.bienHoa, details: { expiresAt } }]);
    expect(JSON.stringify(audit)).not.toContain(code);
  });

  it('the code signs in only to choose a new password: 403 PASSWORD_CHANGE_REQUIRED, then the reset route', async () => {
    const user = await makeStaff('health_worker', UNITS.bienHoa);
    const { code } = (await call(provincial.token, 'POST', `/staff/${user.id}/password-reset`)).json();
    const plain = await call(undefined, 'POST', '/auth/staff/login', { username: user.username, password: code });
    expect([plain.statusCode, plain.json().error.code]).toEqual([403, 'PASSWORD_CHANGE_REQUIRED']);
    const short = await call(undefined, 'POST', '/auth/staff/password/reset', {
      username: user.username,
      code,
      newPassword: 'short',
    });
    expect([short.statusCode, short.json().error.code]).toEqual([400, 'WEAK_PASSWORD']);
    const wrong = await call(undefined, 'POST', '/auth/staff/password/reset', {
      username: user.username,
      code: 'AAAA-AAAA-AAAA-AAAA',
      newPassword: NEW_PASSWORD,
    });
    expect([wrong.statusCode, wrong.json().error.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    // typed in lower case without dashes
    const done = await call(undefined, 'POST', '/auth/staff/password/reset', {
      username: user.username.toUpperCase(),
      code: code.toLowerCase().replace(/-/g, ''),
      newPassword: NEW_PASSWORD,
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().user).toMatchObject({ id: user.id, grants: [{ role: 'health_worker' }] });
    expect((await call(done.json().token, 'GET', '/auth/me')).statusCode).toBe(200);
    expect((await listed(user.id)).passwordResetUntil).toBeNull();
    // used once: the code no longer works, the new password does
    const again = await call(undefined, 'POST', '/auth/staff/password/reset', {
      username: user.username,
      code,
      newPassword: 'yet-another-password',
    });
    expect(again.statusCode).toBe(401);
    const signIn = await call(undefined, 'POST', '/auth/staff/login', {
      username: user.username,
      password: NEW_PASSWORD,
    });
    expect(signIn.statusCode).toBe(200);
    // a reset route for an account without a pending reset is a failed sign-in like any other
    const noReset = await call(undefined, 'POST', '/auth/staff/password/reset', {
      username: user.username,
      code: NEW_PASSWORD,
      newPassword: 'yet-another-password',
    });
    expect([noReset.statusCode, noReset.json().error.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    const audited = await env.ctx.db
      .selectFrom('audit_log')
      .select(['outcome', 'details'])
      .where('action', 'in', ['auth.password.reset', 'auth.staff.login'])
      .where('resource_id', '=', user.id)
      .orderBy('id')
      .execute();
    expect(audited.map((r) => [r.outcome, (r.details as { reason?: string }).reason ?? null])).toContainEqual([
      'denied',
      'PASSWORD_CHANGE_REQUIRED',
    ]);
    expect(audited.map((r) => [r.outcome, (r.details as { reason?: string }).reason ?? null])).toContainEqual([
      'denied',
      'NO_RESET_PENDING',
    ]);
    expect(JSON.stringify(audited)).not.toContain(NEW_PASSWORD);
  });

  it('keeps two-factor sign-in by default (the code alone is not enough), and removes it only when asked', async () => {
    // an officer with two-factor sign-in on
    const user = await makeStaff('health_worker', UNITS.bienHoa);
    const { secret } = (await call(user.token, 'POST', '/auth/staff/totp/setup')).json();
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    const enabled = await call(user.token, 'POST', '/auth/staff/totp/enable', {
      code: totp.generate(),
      currentPassword: PASSWORD,
    });
    expect(enabled.statusCode, enabled.body).toBeLessThan(300);
    // a code used once cannot be used again: the next ones come from the next periods
    const nextCode = (n: number) => totp.generate({ timestamp: Date.now() + n * totp.period * 1000 });

    const kept = await call(provincial.token, 'POST', `/staff/${user.id}/password-reset`, {});
    expect(kept.statusCode, kept.body).toBe(201);
    expect(kept.json().twoFactor).toBe('kept');
    const withoutTotp = await call(undefined, 'POST', '/auth/staff/password/reset', {
      username: user.username,
      code: kept.json().code,
      newPassword: NEW_PASSWORD,
    });
    expect([withoutTotp.statusCode, withoutTotp.json().error.code]).toEqual([401, 'TOTP_REQUIRED']);
    const withTotp = await call(undefined, 'POST', '/auth/staff/password/reset', {
      username: user.username,
      code: kept.json().code,
      newPassword: NEW_PASSWORD,
      totp: nextCode(1),
    });
    expect(withTotp.statusCode, withTotp.body).toBe(200);
    expect(withTotp.json().user.totpEnabled).toBe(true);

    // the phone is lost: the administrator resets two-factor too, explicitly
    const lost = await call(provincial.token, 'POST', `/staff/${user.id}/password-reset`, { resetTwoFactor: true });
    expect(lost.statusCode, lost.body).toBe(201);
    expect(lost.json().twoFactor).toBe('reset');
    const row = await env.ctx.db
      .selectFrom('staff_users')
      .select(['totp_enabled', 'totp_secret', 'totp_last_step'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ totp_enabled: false, totp_secret: null, totp_last_step: null });
    const chosen = await call(undefined, 'POST', '/auth/staff/password/reset', {
      username: user.username,
      code: lost.json().code,
      newPassword: 'a-third-long-password',
    });
    expect(chosen.statusCode, chosen.body).toBe(200);
    expect(chosen.json().user.totpEnabled).toBe(false);
    // the old authenticator is worth nothing now, and the officer can set up a new one
    const again = await call(chosen.json().token, 'POST', '/auth/staff/totp/setup');
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().secret).not.toBe(secret);

    // asking for it on an account without two-factor changes nothing and says so
    const plain = await makeStaff('health_worker', UNITS.bienHoa);
    const none = await call(provincial.token, 'POST', `/staff/${plain.id}/password-reset`, { resetTwoFactor: true });
    expect(none.json().twoFactor).toBe('none');

    const audit = await auditOf('staff.password.reset', user.id);
    expect(audit.map((r) => (r.details as { twoFactor: string }).twoFactor)).toEqual(['kept', 'reset']);
    const bad = await call(provincial.token, 'POST', `/staff/${plain.id}/password-reset`, { resetTwoFactor: 'yes' });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const unknown = await call(provincial.token, 'POST', `/staff/${plain.id}/password-reset`, { totp: false });
    expect(unknown.statusCode).toBe(400);
  });

  it('throttling applies: 10 wrong codes lock the account, and then even the right code answers 429', async () => {
    const user = await makeStaff('health_worker', UNITS.bienHoa);
    const { code } = (await call(provincial.token, 'POST', `/staff/${user.id}/password-reset`)).json();
    for (let i = 0; i < 10; i++) {
      const wrong = await call(undefined, 'POST', '/auth/staff/password/reset', {
        username: user.username,
        code: `WRONG-${i}`,
        newPassword: NEW_PASSWORD,
      });
      expect(wrong.statusCode).toBe(401);
    }
    const locked = await call(undefined, 'POST', '/auth/staff/password/reset', {
      username: user.username,
      code,
      newPassword: NEW_PASSWORD,
    });
    expect([locked.statusCode, locked.json().error.code]).toEqual([429, 'ACCOUNT_LOCKED']);
  });

  it('an expired code no longer signs in', async () => {
    const user = await makeStaff('health_worker', UNITS.bienHoa);
    const { code } = (await call(provincial.token, 'POST', `/staff/${user.id}/password-reset`)).json();
    await env.ctx.db
      .updateTable('staff_users')
      .set({ password_reset_expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', user.id)
      .execute();
    const res = await call(undefined, 'POST', '/auth/staff/password/reset', {
      username: user.username,
      code,
      newPassword: NEW_PASSWORD,
    });
    expect([res.statusCode, res.json().error.code]).toEqual([401, 'INVALID_CREDENTIALS']);
  });
});

describe('DELETE /api/v1/staff/{id}/sessions: force logout', () => {
  it('ends every session of the account at once; the password still signs in afterwards', async () => {
    const user = await makeStaff('tracer', UNITS.bienHoa);
    const second = (
      await call(undefined, 'POST', '/auth/staff/login', { username: user.username, password: PASSWORD })
    ).json().token as string;
    // both sessions are in the cache
    expect((await call(user.token, 'GET', '/auth/me')).statusCode).toBe(200);
    expect((await call(second, 'GET', '/auth/me')).statusCode).toBe(200);
    const res = await call(provincial.token, 'DELETE', `/staff/${user.id}/sessions`);
    expect(res.statusCode, res.body).toBe(204);
    expect((await call(user.token, 'GET', '/auth/me')).statusCode).toBe(401);
    expect((await call(second, 'GET', '/auth/me')).statusCode).toBe(401);
    // filed under the account's unit, so the admins of that area find it in the audit log
    expect(await auditOf('staff.sessions.revoke', user.id)).toMatchObject([{ unit_code: UNITS.bienHoa }]);
    const again = await call(undefined, 'POST', '/auth/staff/login', { username: user.username, password: PASSWORD });
    expect(again.statusCode).toBe(200);
  });
});

describe('refusals shared by the new routes', () => {
  const routes = (id: string, grantId: string): Array<[Method, string, Record<string, unknown>?]> => [
    ['PUT', `/staff/${id}/grants/${grantId}`, { role: 'tracer', unitCode: UNITS.bienHoa }],
    ['DELETE', `/staff/${id}/grants/${grantId}`],
    ['POST', `/staff/${id}/password-reset`],
    ['DELETE', `/staff/${id}/sessions`],
  ];

  it('401 without a session, 403 for other roles, 404 for an account out of scope or unknown, 403 on their own', async () => {
    const user = await makeStaff('tracer', UNITS.bienHoa);
    const grantId = (await listed(user.id)).grants[0]?.id as string;
    const tracer = await staffToken(env, 'tracer', UNITS.province);
    const hanoiAdmin = await staffToken(env, 'admin', UNITS.hanoi);
    const districtAdmin = await staffToken(env, 'admin', UNITS.longKhanh);
    for (const [method, url, body] of routes(user.id, grantId)) {
      expect((await call(undefined, method, url, body)).statusCode, url).toBe(401);
      const refused = await call(tracer.token, method, url, body);
      expect([refused.statusCode, refused.json().error.code], url).toEqual([403, 'FORBIDDEN']);
      for (const admin of [hanoiAdmin, districtAdmin]) {
        const hidden = await call(admin.token, method, url, body);
        expect([hidden.statusCode, hidden.json().error.code], url).toEqual([404, 'STAFF_NOT_FOUND']);
      }
    }
    for (const [method, url, body] of routes('00000000-0000-4000-8000-000000000000', grantId)) {
      const unknown = await call(provincial.token, method, url, body);
      expect([unknown.statusCode, unknown.json().error.code], url).toEqual([404, 'STAFF_NOT_FOUND']);
    }
    const ownGrant = (await listed(provincial.userId)).grants[0]?.id as string;
    for (const [method, url, body] of routes(provincial.userId, ownGrant)) {
      const own = await call(provincial.token, method, url, body);
      expect([own.statusCode, own.json().error.code], url).toEqual([403, 'OWN_ACCOUNT']);
    }
    // nothing happened to the account
    expect((await call(user.token, 'GET', '/auth/me')).statusCode).toBe(200);
    expect((await listed(user.id)).grants).toMatchObject([{ role: 'tracer', unitCode: UNITS.bienHoa }]);
  });
});
