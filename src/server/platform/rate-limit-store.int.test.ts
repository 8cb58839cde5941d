/**
 * The rate limits count in the database (rate-limit-store.ts): two API processes on one database — here two apps
 * built on one context — hold one limit; each route counts apart; a window that ended starts again; the hourly purge
 * deletes ended windows only. On PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/harness.ts';
import { type App, buildApp } from '../app.ts';
import { purgeRateLimits } from './rate-limit-store.ts';

let env: TestEnv;
let second: App;

beforeAll(async () => {
  env = await createTestEnv({ provinces: [], config: { authRateLimitPerMinute: 3 } });
  second = await buildApp(env.ctx);
  await second.ready();
});

afterAll(async () => {
  await second?.close();
  await env?.close();
});

const login = (app: App, address = '203.0.113.7') =>
  app.inject({
    method: 'POST',
    url: '/api/v1/auth/staff/login',
    remoteAddress: address,
    payload: { username: 'nobody', password: 'whatever-123456' },
  });

describe('rate limits counted in the database', () => {
  it('holds one limit across two API processes on one database', async () => {
    // three sign-ins a minute from one address: two reach the first process, the third the second, the fourth either
    expect((await login(env.app)).statusCode).toBe(401);
    expect((await login(env.app)).statusCode).toBe(401);
    expect((await login(second)).statusCode).toBe(401);
    const fourth = await login(second);
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(fourth.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await login(env.app)).statusCode).toBe(429);
    // another address has its own count
    expect((await login(env.app, '203.0.113.8')).statusCode).toBe(401);
  });

  it('counts each route apart', async () => {
    const otp = await second.inject({
      method: 'POST',
      url: '/api/v1/auth/citizen/otp',
      remoteAddress: '203.0.113.7',
      payload: { phone: '0912345678' },
    });
    expect(otp.statusCode).not.toBe(429);
    const { rows } = await env.ctx.db
      .selectFrom('rate_limit_hits')
      .select(['key', 'hits'])
      .where('key', 'like', '%203.0.113.7')
      .orderBy('key')
      .execute()
      .then((r) => ({ rows: r }));
    expect(rows.map((r) => [r.key.replace(/\|.*/, ''), r.hits])).toEqual([
      ['POST /api/v1/auth/citizen/otp', 1],
      ['POST /api/v1/auth/staff/login', 5],
    ]);
  });

  it('starts a new window once the last one has ended, and the purge deletes ended windows only', async () => {
    await env.ctx.db
      .updateTable('rate_limit_hits')
      .set({ window_ends: new Date(Date.now() - 1000) })
      .where('key', 'like', 'POST /api/v1/auth/staff/login|%203.0.113.7')
      .execute();
    expect((await login(second)).statusCode).toBe(401);
    const row = await env.ctx.db
      .selectFrom('rate_limit_hits')
      .select(['hits', 'window_ends'])
      .where('key', 'like', 'POST /api/v1/auth/staff/login|%203.0.113.7')
      .executeTakeFirstOrThrow();
    expect(row.hits).toBe(1);
    expect(row.window_ends.getTime()).toBeGreaterThan(Date.now() + 50_000);

    await env.ctx.db
      .updateTable('rate_limit_hits')
      .set({ window_ends: new Date(Date.now() - 1000) })
      .where('key', 'like', '%203.0.113.8')
      .execute();
    const before = await env.ctx.db.selectFrom('rate_limit_hits').select('key').execute();
    expect(await purgeRateLimits(env.ctx.db)).toBe(1);
    const after = await env.ctx.db.selectFrom('rate_limit_hits').select('key').execute();
    expect(after.length).toBe(before.length - 1);
    expect(after.some((r) => r.key.endsWith('203.0.113.8'))).toBe(false);
  });
});
