/** Every answer carries the security headers: the API, errors, 404s and the web app alike. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/harness.ts';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

const CSP =
  "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'none';" +
  "img-src 'self' data: blob:;object-src 'none';script-src 'self';script-src-attr 'none';" +
  "style-src 'self' 'unsafe-inline';worker-src 'self';connect-src 'self'";

describe('security headers', () => {
  it('a health check, an API error, an unknown route and a refused sign-in all carry the same header set', async () => {
    const requests = [
      { method: 'GET' as const, url: '/healthz', status: 200 },
      { method: 'GET' as const, url: '/api/v1/cases', status: 401 },
      { method: 'GET' as const, url: '/api/v1/no-such-route', status: 404 },
      { method: 'POST' as const, url: '/api/v1/auth/staff/login', payload: { username: 'x' }, status: 400 },
    ];
    for (const { status, ...r } of requests) {
      const res = await env.app.inject(r);
      expect(res.statusCode, r.url).toBe(status);
      expect(res.headers['content-security-policy'], r.url).toBe(CSP);
      expect(res.headers['strict-transport-security'], r.url).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['x-content-type-options'], r.url).toBe('nosniff');
      expect(res.headers['x-frame-options'], r.url).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy'], r.url).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy'], r.url).toBe('same-origin');
      expect(res.headers['cross-origin-resource-policy'], r.url).toBe('same-origin');
      expect(res.headers['x-powered-by'], r.url).toBeUndefined();
    }
  });
});
