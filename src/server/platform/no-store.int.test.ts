/** API answers carry Cache-Control: no-store, so no browser or proxy cache keeps personal data. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, citizenToken, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../test/harness.ts';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'], config: { authRateLimitPerMinute: 10_000 } });
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('Cache-Control: no-store on the API', () => {
  it('people, cases, the signed-in user and the citizen profile answer no-store', async () => {
    const tracer = await staffToken(env, 'tracer', UNITS.bienHoa);
    const citizen = await citizenToken(env, '0913000001');
    const requests = [
      { url: '/api/v1/people?q=Nguyen', headers: bearer(tracer.token) },
      { url: '/api/v1/cases', headers: bearer(tracer.token) },
      { url: '/api/v1/auth/me', headers: bearer(tracer.token) },
      { url: '/api/v1/auth/me', headers: bearer(citizen.token) },
      { url: '/api/v1/me/profile', headers: bearer(citizen.token) },
    ];
    for (const r of requests) {
      const res = await env.app.inject({ method: 'GET', ...r });
      expect(res.statusCode, r.url).toBe(200);
      expect(res.headers['cache-control'], r.url).toBe('no-store');
    }
  });

  it('a sign-in answer (it carries the token) and error answers are no-store too', async () => {
    const u = await staffToken(env, 'tracer', UNITS.bienHoa);
    const login = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/login',
      payload: { username: u.username, password: u.password },
    });
    expect(login.statusCode).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    for (const url of ['/api/v1/cases', '/api/v1/no-such-route']) {
      const res = await env.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('outside the API the header is left to the route (health check)', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['cache-control']).toBeUndefined();
  });
});
