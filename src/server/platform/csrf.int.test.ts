/** Cookie-authenticated state changes must come from our own origin; Bearer clients and reads are unaffected. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../test/harness.ts';

const PUBLIC_URL = 'https://truyvet.dongnai.example';
let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv({
    provinces: ['75'],
    config: { authRateLimitPerMinute: 10_000, publicUrl: PUBLIC_URL },
  });
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

/** A state-changing staff request (stores a pending TOTP secret) sent with the session cookie. */
async function setupTotp(headers: Record<string, string>) {
  const u = await staffToken(env, 'tracer', UNITS.bienHoa);
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/auth/staff/totp/setup',
    headers: { cookie: `tv_session=${u.token}`, ...headers },
  });
  const row = await env.ctx.db
    .selectFrom('staff_users')
    .select('totp_secret')
    .where('id', '=', u.userId)
    .executeTakeFirstOrThrow();
  return { res, changed: row.totp_secret !== null, user: u };
}

describe('CSRF origin check on cookie sessions', () => {
  it.each([
    ['another site', { origin: 'https://evil.example' }],
    ['an opaque origin ("null", sandboxed frames)', { origin: 'null' }],
    ['our host over another scheme', { origin: 'https://localhost' }],
    ['our host on another port', { origin: 'http://localhost:8080' }],
    ['a sibling subdomain of the public URL', { origin: 'https://evil.dongnai.example' }],
    ['no Origin and a foreign Referer', { referer: 'https://evil.example/form.html' }],
    ['a foreign Origin even with our own Referer', { origin: 'https://evil.example', referer: 'http://localhost/' }],
  ])('a POST from %s → 403 CSRF_ORIGIN_MISMATCH, nothing changes', async (_name, headers) => {
    const { res, changed } = await setupTotp(headers);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({
      code: 'CSRF_ORIGIN_MISMATCH',
      message: expect.any(String),
      messageVi: expect.any(String),
    });
    expect(changed).toBe(false);
  });

  it.each([
    ['our own origin (the Host)', { origin: 'http://localhost' }],
    ['the configured TRUYVET_PUBLIC_URL', { origin: PUBLIC_URL }],
    ['no Origin and our own Referer', { referer: 'http://localhost/settings' }],
    ['neither Origin nor Referer (a script, not a browser)', {}],
    ['the origin of the Host it was sent to', { host: 'truyvet.local:3000', origin: 'http://truyvet.local:3000' }],
  ])('a POST from %s passes', async (_name, headers) => {
    const { res, changed } = await setupTotp(headers);
    expect(res.statusCode).toBe(200);
    expect(changed).toBe(true);
  });

  it('a Bearer request with a foreign Origin passes (a page cannot make a browser send that header)', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/totp/setup',
      headers: { ...bearer(u.token), cookie: `tv_session=${u.token}`, origin: 'https://evil.example' },
    });
    expect(res.statusCode).toBe(200);
  });

  it('reads with the cookie from a foreign Origin are not refused here', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    const res = await env.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: `tv_session=${u.token}`, origin: 'https://evil.example' },
    });
    expect(res.statusCode).toBe(200);
  });

  it('requests without the session cookie are unaffected (sign-in from any origin)', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/login',
      headers: { origin: 'https://evil.example' },
      payload: { username: u.username, password: u.password },
    });
    expect(res.statusCode).toBe(200);
  });

  it('PUT, PATCH and DELETE are checked like POST, a stale cookie too', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const res = await env.app.inject({
        method,
        url: '/api/v1/people/00000000-0000-4000-8000-000000000000',
        headers: { cookie: 'tv_session=not-a-live-session', origin: 'https://evil.example' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('CSRF_ORIGIN_MISMATCH');
    }
  });
});
