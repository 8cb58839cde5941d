/**
 * The client address behind the auth rate limits. By default no proxy is trusted, so a client cannot pick a new
 * rate-limit bucket per request by sending its own X-Forwarded-For (not in production either). TRUYVET_TRUST_PROXY
 * (a hop count, or proxy addresses and CIDR ranges) makes the server believe the header from those proxies only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/harness.ts';
import { type App, buildApp } from '../app.ts';
import type { Config } from '../config.ts';
import { createContext } from '../context.ts';

const LIMIT = 3;
let env: TestEnv;
const apps: App[] = [];
let attempt = 0;

/** Another app on the same database with these settings (each app has its own rate-limit store). */
async function appWith(config: Partial<Config>): Promise<App> {
  const app = await buildApp(
    createContext({ ...env.ctx.config, authRateLimitPerMinute: LIMIT, ...config }, env.ctx.database, env.ctx.log),
  );
  apps.push(app);
  return app;
}

let byDefault: App;
let byRange: App;
let byHops: App;

beforeAll(async () => {
  env = await createTestEnv({ provinces: [] });
  // production is where a trusting default did the harm; the setting, not the environment, decides now
  byDefault = await appWith({ env: 'production' });
  byRange = await appWith({ trustProxy: ['10.0.0.0/8'] });
  byHops = await appWith({ trustProxy: 1 });
}, 180_000);
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await env?.close();
}, 60_000);

/** LIMIT + 2 failed staff logins; each request's socket address and X-Forwarded-For from the callbacks. */
async function loginStatuses(app: App, remoteAddress: string, forwardedFor: (n: number) => string) {
  const statuses: number[] = [];
  for (let n = 0; n < LIMIT + 2; n++) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/login',
      remoteAddress,
      headers: { 'x-forwarded-for': forwardedFor(n) },
      // a new unknown name each time: only the rate limit, never an account lock-out, may refuse
      payload: { username: `nobody${++attempt}`, password: 'not-the-password' },
    });
    statuses.push(res.statusCode);
  }
  return statuses;
}

const refused = [401, 401, 401, 429, 429];
const allowed = [401, 401, 401, 401, 401];

describe('client address and X-Forwarded-For', () => {
  it('by default X-Forwarded-For is ignored: changing it does not escape the rate limit (production too)', async () => {
    expect(await loginStatuses(byDefault, '203.0.113.7', (n) => `198.51.100.${n}`)).toEqual(refused);
  });

  it('with trusted proxy ranges, X-Forwarded-For from a proxy in range names the client', async () => {
    // a different client behind the proxy each time: a bucket each
    expect(await loginStatuses(byRange, '10.1.2.3', (n) => `198.51.100.${n}`)).toEqual(allowed);
    // the same client through the proxy: one bucket
    expect(await loginStatuses(byRange, '10.1.2.3', () => '198.51.100.200')).toEqual(refused);
    // a caller outside the trusted range cannot spoof its address
    expect(await loginStatuses(byRange, '203.0.113.8', (n) => `198.51.100.${n + 10}`)).toEqual(refused);
  });

  it('with a hop count, the address that many hops in is the client, whatever the caller prepends', async () => {
    expect(await loginStatuses(byHops, '10.9.9.9', (n) => `198.51.100.${n + 20}`)).toEqual(allowed);
    // one proxy: the client is the last X-Forwarded-For entry; earlier ones are whatever the client sent
    expect(await loginStatuses(byHops, '10.9.9.9', (n) => `192.0.2.${n}, 198.51.100.250`)).toEqual(refused);
  });
});
