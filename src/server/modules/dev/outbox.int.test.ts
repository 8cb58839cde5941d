/**
 * The fake outbox holds every citizen's one-time codes: only a national administrator may read it. A district admin
 * reading it could sign in as any citizen of the province.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, citizenToken, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

const outbox = (headers: Record<string, string> = {}) =>
  env.app.inject({ method: 'GET', url: '/api/v1/dev/outbox?limit=5', headers });

describe('GET /api/v1/dev/outbox', () => {
  it('a national admin reads the recorded messages', async () => {
    await env.ctx.notifier.enqueue(env.ctx.db, { channel: 'sms', to: '+84912000111', text: 'Ma xac thuc 123456' });
    await env.ctx.jobs.drain();
    const admin = await staffToken(env, 'admin', null);
    const res = await outbox(bearer(admin.token));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toContainEqual(expect.objectContaining({ to: '+84912000111', text: 'Ma xac thuc 123456' }));
  });

  it('an admin of a province or district, any other staff role (even national), or a citizen → 403 FORBIDDEN', async () => {
    const callers = [
      await staffToken(env, 'admin', UNITS.province),
      await staffToken(env, 'admin', UNITS.bienHoa),
      await staffToken(env, 'leader', null),
      await staffToken(env, 'tracer', null),
      await citizenToken(env, '0912000222'),
    ];
    for (const caller of callers) {
      const res = await outbox(bearer(caller.token));
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
  });

  it('anonymous → 401 UNAUTHENTICATED', async () => {
    const res = await outbox();
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });
});
