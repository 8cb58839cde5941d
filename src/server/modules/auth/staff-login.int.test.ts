/** Staff sign-in: password, lockout, TOTP, cookie, logout, rate limits. */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, citizenToken, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

let env: TestEnv;
let limited: TestEnv;

beforeAll(async () => {
  // one after the other: PGlite work blocks the event loop, and Fastify's plugin timeout runs meanwhile
  env = await createTestEnv({ provinces: ['75'], config: { authRateLimitPerMinute: 10_000 } });
  limited = await createTestEnv({ provinces: [], config: { authRateLimitPerMinute: 3 } });
}, 180_000);
afterAll(async () => {
  await Promise.all([env?.close(), limited?.close()]);
}, 60_000);

const login = (payload: Record<string, string>, target = env) =>
  target.app.inject({ method: 'POST', url: '/api/v1/auth/staff/login', payload });
const me = (headers: Record<string, string>) => env.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });

describe('staff login', () => {
  it('right password → 200 {token, user} and the token works', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    const res = await login({ username: u.username, password: u.password });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token).toEqual(expect.any(String));
    expect(body.user).toMatchObject({
      id: u.userId,
      username: u.username,
      totpEnabled: false,
      grants: [{ role: 'tracer', unitCode: UNITS.bienHoa, unitName: expect.stringContaining('Biên Hòa') }],
    });
    const who = await me(bearer(body.token));
    expect(who.statusCode).toBe(200);
    expect(who.json()).toMatchObject({ kind: 'staff', user: { id: u.userId } });
  });

  it('usernames are case-insensitive', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    expect((await login({ username: ` ${u.username.toUpperCase()} `, password: u.password })).statusCode).toBe(200);
  });

  it('wrong password → 401 INVALID_CREDENTIALS; unknown user → 401 with the same code', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    const bad = await login({ username: u.username, password: 'wrong-password-123' });
    const unknown = await login({ username: 'nobody-here', password: 'whatever-123456' });
    for (const res of [bad, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('INVALID_CREDENTIALS');
      expect(res.json().error.messageVi).toEqual(expect.any(String));
    }
    expect(bad.json()).toEqual(unknown.json());
  });

  it('10 failures lock the account: 429 ACCOUNT_LOCKED even with the right password', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    for (let i = 0; i < 10; i++) {
      expect((await login({ username: u.username, password: `wrong-${i}-xxxxxxxx` })).statusCode).toBe(401);
    }
    const res = await login({ username: u.username, password: u.password });
    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe('ACCOUNT_LOCKED');
    // after the lock runs out the right password works again
    await env.ctx.db
      .updateTable('staff_users')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('id', '=', u.userId)
      .execute();
    expect((await login({ username: u.username, password: u.password })).statusCode).toBe(200);
  });

  it('an unknown username answers like an account, lock included: 10 × 401, then 429 (no existence oracle)', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    const known: Array<{ status: number; body: unknown }> = [];
    const unknown: Array<{ status: number; body: unknown }> = [];
    for (let i = 0; i < 12; i++) {
      const a = await login({ username: u.username, password: `wrong-${i}-xxxxxxxx` });
      known.push({ status: a.statusCode, body: a.json() });
      const b = await login({ username: `No-Such-${u.username}`, password: `wrong-${i}-xxxxxxxx` });
      unknown.push({ status: b.statusCode, body: b.json() });
    }
    expect(known.map((r) => r.status)).toEqual([...Array(10).fill(401), 429, 429]);
    expect(unknown).toEqual(known);
    // the name is stored hashed, never in clear, and forgotten after the lock like an account's failures
    const rows = await env.ctx.db.selectFrom('login_throttle').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(u.username);
    await env.ctx.db
      .updateTable('login_throttle')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .execute();
    expect((await login({ username: `no-such-${u.username}`, password: 'wrong-again-xxxxxxx' })).statusCode).toBe(401);
  });

  it('concurrent wrong passwords are all counted: 12 parallel guesses lock the account', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => login({ username: u.username, password: `guess-${i}-xxxxxxxx` })),
    );
    expect(results.every((r) => r.statusCode === 401 || r.statusCode === 429)).toBe(true);
    const res = await login({ username: u.username, password: u.password });
    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe('ACCOUNT_LOCKED');
  });

  it('60 concurrent sign-ins (59 wrong, the right one last): only 10 passwords are tried, the right one is refused', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    const results = await Promise.all([
      ...Array.from({ length: 59 }, (_, i) => login({ username: u.username, password: `burst-${i}-xxxxxxxx` })),
      login({ username: u.username, password: u.password }),
    ]);
    const right = results.at(-1);
    expect(right?.statusCode).toBe(429);
    expect(right?.json().error.code).toBe('ACCOUNT_LOCKED');
    // each attempt reserves its place before the password is checked: past the 10th, none is even tried
    expect(results.filter((r) => r.statusCode === 401)).toHaveLength(10);
    expect(results.filter((r) => r.statusCode === 429)).toHaveLength(50);
    const row = await env.ctx.db
      .selectFrom('staff_users')
      .select('locked_until')
      .where('id', '=', u.userId)
      .executeTakeFirstOrThrow();
    expect(row.locked_until?.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect((await login({ username: u.username, password: u.password })).statusCode).toBe(429);
  });

  it('a successful login resets the failure count', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    for (let i = 0; i < 9; i++) await login({ username: u.username, password: `wrong-${i}-xxxxxxxx` });
    const row = () =>
      env.ctx.db
        .selectFrom('staff_users')
        .select(['failed_logins', 'locked_until'])
        .where('id', '=', u.userId)
        .executeTakeFirstOrThrow();
    expect((await row()).failed_logins).toBe(9);
    expect((await login({ username: u.username, password: u.password })).statusCode).toBe(200);
    expect(await row()).toEqual({ failed_logins: 0, locked_until: null });
  });

  it('TOTP: setup, enable with a real code, then login needs it (TOTP_REQUIRED, TOTP_INVALID, 200)', async () => {
    const u = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const setup = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/totp/setup',
      headers: bearer(u.token),
    });
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUrl } = setup.json();
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });

    // not yet enabled: login still works without a code
    expect((await login({ username: u.username, password: u.password })).statusCode).toBe(200);

    const badEnable = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/totp/enable',
      headers: bearer(u.token),
      payload: { currentPassword: u.password, code: '000000' === totp.generate() ? '111111' : '000000' },
    });
    expect(badEnable.statusCode).toBe(400);
    expect(badEnable.json().error.code).toBe('TOTP_INVALID');

    const enable = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/totp/enable',
      headers: bearer(u.token),
      payload: { code: totp.generate(), currentPassword: u.password },
    });
    expect(enable.statusCode).toBe(204);

    const without = await login({ username: u.username, password: u.password });
    expect(without.statusCode).toBe(401);
    expect(without.json().error.code).toBe('TOTP_REQUIRED');

    const wrongCode = String((Number(totp.generate()) + 500_000) % 1_000_000).padStart(6, '0');
    const withWrong = await login({ username: u.username, password: u.password, totp: wrongCode });
    expect(withWrong.statusCode).toBe(401);
    expect(withWrong.json().error.code).toBe('TOTP_INVALID');

    // the next time step's code: the one that enabled two-factor is used up (see the test below)
    const code = totp.generate({ timestamp: Date.now() + totp.period * 1000 });
    const withRight = await login({ username: u.username, password: u.password, totp: code });
    expect(withRight.statusCode).toBe(200);
    expect(withRight.json().user.totpEnabled).toBe(true);

    // the same code cannot be used twice (an intercepted code replayed within its window)
    const replay = await login({ username: u.username, password: u.password, totp: code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('TOTP_INVALID');

    // a session cannot silently replace (and so switch off) an enabled second factor
    const again = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/totp/setup',
      headers: bearer(u.token),
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('TOTP_ALREADY_ENABLED');
    expect((await login({ username: u.username, password: u.password })).json().error.code).toBe('TOTP_REQUIRED');

    // a wrong password with a right TOTP code is still wrong credentials
    const badPw = await login({ username: u.username, password: 'nope-nope-nope', totp: totp.generate() });
    expect(badPw.json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('enabling two-factor needs the current password: a session alone cannot enrol an authenticator', async () => {
    const u = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const { secret } = (
      await env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/totp/setup', headers: bearer(u.token) })
    ).json();
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    const enable = (payload: Record<string, unknown>) =>
      env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/totp/enable', headers: bearer(u.token), payload });
    const missing = await enable({ code: totp.generate() });
    expect(missing.statusCode).toBe(400);
    const wrong = await enable({ code: totp.generate(), currentPassword: 'not-the-password-1' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('CURRENT_PASSWORD_WRONG');
    // still off: the password alone signs in
    expect((await login({ username: u.username, password: u.password })).statusCode).toBe(200);
    const denied = await env.ctx.db
      .selectFrom('audit_log')
      .select(['outcome', 'details'])
      .where('action', '=', 'auth.totp.enable')
      .where('resource_id', '=', u.userId)
      .execute();
    expect(denied).toEqual([
      { outcome: 'denied', details: expect.objectContaining({ reason: 'CURRENT_PASSWORD_WRONG' }) },
    ]);
  });

  it('the code that enabled two-factor counts as used: it cannot then sign in', async () => {
    const u = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const { secret } = (
      await env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/totp/setup', headers: bearer(u.token) })
    ).json();
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    const code = totp.generate();
    const enable = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/totp/enable',
      headers: bearer(u.token),
      payload: { code, currentPassword: u.password },
    });
    expect(enable.statusCode).toBe(204);
    const replay = await login({ username: u.username, password: u.password, totp: code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('TOTP_INVALID');
    // enabling twice is refused rather than silently re-done
    const twice = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/totp/enable',
      headers: bearer(u.token),
      payload: { code: totp.generate({ timestamp: Date.now() + totp.period * 1000 }), currentPassword: u.password },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('TOTP_ALREADY_ENABLED');
  });

  it('enabling two-factor ends every other session of the user at once (cached ones too); the current one stays', async () => {
    const u = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const other = (await login({ username: u.username, password: u.password })).json().token as string;
    const stranger = await staffToken(env, 'health_worker', UNITS.bienHoa);
    // both sessions are now in this process's session cache
    for (const t of [u.token, other, stranger.token]) expect((await me(bearer(t))).statusCode).toBe(200);
    const { secret } = (
      await env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/totp/setup', headers: bearer(u.token) })
    ).json();
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    const enable = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/totp/enable',
      headers: bearer(u.token),
      payload: { code: totp.generate(), currentPassword: u.password },
    });
    expect(enable.statusCode).toBe(204);
    expect((await me(bearer(other))).statusCode).toBe(401);
    expect((await me(bearer(u.token))).statusCode).toBe(200);
    expect((await me(bearer(stranger.token))).statusCode).toBe(200);
  });

  describe('password change', () => {
    const change = (token: string, payload: Record<string, string>) =>
      env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/password', headers: bearer(token), payload });

    it('the new password signs in, the old one no longer does; other sessions end at once, the current stays', async () => {
      const u = await staffToken(env, 'tracer', UNITS.bienHoa);
      const other = (await login({ username: u.username, password: u.password })).json().token as string;
      for (const t of [u.token, other]) expect((await me(bearer(t))).statusCode).toBe(200);
      const res = await change(u.token, { currentPassword: u.password, newPassword: 'a-new-long-password-42' });
      expect(res.statusCode).toBe(204);
      expect((await me(bearer(other))).statusCode).toBe(401);
      expect((await me(bearer(u.token))).statusCode).toBe(200);
      expect((await login({ username: u.username, password: u.password })).statusCode).toBe(401);
      expect((await login({ username: u.username, password: 'a-new-long-password-42' })).statusCode).toBe(200);
      const audit = await env.ctx.db
        .selectFrom('audit_log')
        .select(['outcome', 'details'])
        .where('action', '=', 'auth.password.change')
        .where('resource_id', '=', u.userId)
        .execute();
      expect(audit).toEqual([{ outcome: 'ok', details: expect.anything() }]);
      expect(JSON.stringify(audit)).not.toContain('a-new-long-password');
    });

    it('a wrong current password → 403 CURRENT_PASSWORD_WRONG and counts towards the sign-in lock', async () => {
      const u = await staffToken(env, 'tracer', UNITS.bienHoa);
      for (let i = 0; i < 10; i++) {
        const res = await change(u.token, {
          currentPassword: `guess-${i}-xxxxxxxx`,
          newPassword: 'whatever-long-pw-1',
        });
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe('CURRENT_PASSWORD_WRONG');
        expect(res.json().error.messageVi).toEqual(expect.any(String));
      }
      const locked = await change(u.token, { currentPassword: u.password, newPassword: 'whatever-long-pw-1' });
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
      expect((await login({ username: u.username, password: u.password })).statusCode).toBe(429);
    });

    it('a short new password → 400 WEAK_PASSWORD; citizens and anonymous callers are refused', async () => {
      const u = await staffToken(env, 'tracer', UNITS.bienHoa);
      const weak = await change(u.token, { currentPassword: u.password, newPassword: 'short' });
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error.code).toBe('WEAK_PASSWORD');
      const anonymous = await env.app.inject({
        method: 'POST',
        url: '/api/v1/auth/staff/password',
        payload: { currentPassword: 'x', newPassword: 'whatever-long-pw-1' },
      });
      expect(anonymous.statusCode).toBe(401);
      const citizen = await citizenToken(env, '0912345678');
      const asCitizen = await change(citizen.token, { currentPassword: 'x', newPassword: 'whatever-long-pw-1' });
      expect(asCitizen.statusCode).toBe(403);
      expect(asCitizen.json().error.code).toBe('FORBIDDEN');
      const extra = await change(u.token, { currentPassword: u.password, newPassword: 'whatever-long-pw-1', x: '1' });
      expect(extra.statusCode).toBe(400);
      expect(extra.json().error.code).toBe('VALIDATION_FAILED');
      expect((await login({ username: u.username, password: u.password })).statusCode).toBe(200);
    });
  });

  it('TOTP setup needs a staff session', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/totp/setup' });
    expect(res.statusCode).toBe(401);
  });

  it('sets an HttpOnly tv_session cookie that authenticates by itself', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    const res = await login({ username: u.username, password: u.password });
    const cookie = res.cookies.find((c) => c.name === 'tv_session');
    expect(cookie).toMatchObject({ httpOnly: true, path: '/', sameSite: 'Lax' });
    expect(cookie?.value).toBe(res.json().token);
    const who = await me({ cookie: `tv_session=${cookie?.value}` });
    expect(who.statusCode).toBe(200);
    expect(who.json().user.id).toBe(u.userId);
  });

  it('logout revokes the token (bearer) and clears the cookie', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    const { token } = (await login({ username: u.username, password: u.password })).json();
    expect((await me(bearer(token))).statusCode).toBe(200);
    const out = await env.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(token) });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'tv_session')?.value).toBe('');
    const after = await me(bearer(token));
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('logout through the cookie revokes the cookie session', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    const { token } = (await login({ username: u.username, password: u.password })).json();
    const cookie = { cookie: `tv_session=${token}` };
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: cookie })).statusCode).toBe(
      204,
    );
    expect((await me(cookie)).statusCode).toBe(401);
  });

  it('logins are audited, failures as denied', async () => {
    const rows = await env.ctx.db
      .selectFrom('audit_log')
      .select(['outcome', 'details'])
      .where('action', '=', 'auth.staff.login')
      .execute();
    expect(rows.some((r) => r.outcome === 'ok')).toBe(true);
    expect(
      rows.some((r) => r.outcome === 'denied' && (r.details as { reason?: string }).reason === 'ACCOUNT_LOCKED'),
    ).toBe(true);
    expect(JSON.stringify(rows)).not.toContain('wrong-');
  });
});

describe('auth rate limit', () => {
  it('the 4th auth request in a minute from one client → 429 RATE_LIMITED with Retry-After', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await login({ username: 'nobody', password: 'whatever-123456' }, limited);
      expect(res.statusCode).toBe(401);
    }
    const fourth = await login({ username: 'nobody', password: 'whatever-123456' }, limited);
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().error).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.any(String),
      messageVi: expect.any(String),
    });
    expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('OTP requests are rate limited too', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await limited.app.inject({
        method: 'POST',
        url: '/api/v1/auth/citizen/otp',
        payload: { phone: `09120000${String(10 + i)}` },
      });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([202, 202, 202, 429]);
  });

  it('other routes are not rate limited', async () => {
    for (let i = 0; i < 5; i++)
      expect((await limited.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
