/**
 * One-time code keys on a real database (platform/otp.ts): without TRUYVET_OTP_SECRET (development, tests) every
 * process on the database derives its keys from one generated secret; with it, the codes are hashed under the
 * deployment's secret, and a code stored under another secret (before an upgrade or a change of secret) no longer
 * signs anyone in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/harness.ts';
import { type App, buildApp } from '../app.ts';
import { createContext } from '../context.ts';
import { createOneTimeCodes, oneTimeCodeKey } from './otp.ts';

const SECRET = 'a deployment secret for this test, 32+ characters';
let env: TestEnv;
let withSecret: App;

beforeAll(async () => {
  env = await createTestEnv({ provinces: [], config: { authRateLimitPerMinute: 10_000 } });
  // a second app on the same database, configured with a secret of its own
  withSecret = await buildApp(createContext({ ...env.ctx.config, otpSecret: SECRET }, env.ctx.database, env.ctx.log));
}, 180_000);
afterAll(async () => {
  await withSecret?.close();
  await env?.close();
}, 60_000);

const requestOtp = (app: App, phone: string) =>
  app.inject({ method: 'POST', url: '/api/v1/auth/citizen/otp', payload: { phone } });
const verify = (app: App, phone: string, code: string) =>
  app.inject({ method: 'POST', url: '/api/v1/auth/citizen/verify', payload: { phone, code } });

describe('one-time code keys', () => {
  it('without a configured secret, every process on the database uses the one generated secret', async () => {
    const config = { env: 'test' as const, otpSecret: undefined };
    const processes = Array.from({ length: 4 }, () => createOneTimeCodes(env.ctx.db, config));
    // started together: they insert one row between them and agree on it
    const keys = await Promise.all([...processes, env.ctx.otp].map((p) => p.key('truyvet-otp')));
    const hashes = new Set(keys.map((k) => k.hash('+84912000001', '123456')));
    expect(hashes.size).toBe(1);
    const rows = await env.ctx.db
      .selectFrom('signing_keys')
      .select(['kid', 'secret'])
      .where('purpose', '=', 'one-time-codes')
      .execute();
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(oneTimeCodeKey(row?.secret ?? '', 'truyvet-otp').hash('+84912000001', '123456')).toBe([...hashes][0]);
  });

  it('a configured secret hashes differently from the generated one', async () => {
    const generated = await env.ctx.otp.key('truyvet-otp');
    const configured = await createOneTimeCodes(env.ctx.db, { env: 'test', otpSecret: SECRET }).key('truyvet-otp');
    expect(configured.hash('+84912000001', '123456')).not.toBe(generated.hash('+84912000001', '123456'));
  });

  it('a sign-in code stored under another secret does not sign in; one sent under the new secret does', async () => {
    const phone = '0912000701';
    const before = await requestOtp(env.app, phone);
    expect(before.statusCode).toBe(202);
    const stale = before.json().devCode as string;
    const refused = await verify(withSecret, phone, stale);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('OTP_INVALID');

    const after = await requestOtp(withSecret, phone);
    expect(after.statusCode).toBe(202);
    const signedIn = await verify(withSecret, phone, after.json().devCode as string);
    expect(signedIn.statusCode).toBe(200);
  });
});
