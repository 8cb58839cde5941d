/** The audit log viewer: who accessed a person, for admins in their scope; the answer is audited too. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestEnv, makeNationalId, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

let env: TestEnv;
let personId: string;
let clerk: { token: string; username: string };

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  clerk = await staffToken(env, 'health_worker', UNITS.bienHoa);
  const created = await env.app.inject({
    method: 'POST',
    url: '/api/v1/people',
    headers: bearer(clerk.token),
    payload: { nationalId: makeNationalId(), name: 'Người Được Hỏi', unitCode: UNITS.bienHoaCommune },
  });
  expect(created.statusCode).toBe(201);
  personId = created.json().id;
  const search = await env.app.inject({
    method: 'GET',
    url: `/api/v1/people?q=${encodeURIComponent('Được Hỏi')}`,
    headers: bearer(clerk.token),
  });
  expect(search.json()).toHaveLength(1);
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

const ask = (token: string | undefined, query: string) =>
  env.app.inject({ method: 'GET', url: `/api/v1/audit?${query}`, headers: token ? bearer(token) : {} });

describe('GET /api/v1/audit?personId=', () => {
  it("an admin of the person's district sees every access, newest first; asking is itself recorded", async () => {
    const admin = await staffToken(env, 'admin', UNITS.bienHoa);
    const res = await ask(admin.token, `personId=${personId}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(
      res.json().map((a: { username: string; action: string; route: string }) => [a.username, a.action, a.route]),
    ).toEqual([
      [clerk.username, 'people.search', 'GET /api/v1/people'],
      [clerk.username, 'people.create', 'POST /api/v1/people'],
    ]);
    expect(res.json()[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const again = await ask(admin.token, `personId=${personId}&limit=1`);
    expect(again.json()).toMatchObject([
      { username: admin.username, action: 'audit.accessesTo', route: 'GET /api/v1/audit' },
    ]);
  });

  it('400 for a bad id, 401 without a session, 403 for other roles, 404 outside the admin scope or unknown', async () => {
    const admin = await staffToken(env, 'admin', UNITS.bienHoa);
    const bad = await ask(admin.token, 'personId=nope');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    expect((await ask(undefined, `personId=${personId}`)).statusCode).toBe(401);
    const tracer = await staffToken(env, 'tracer', UNITS.province);
    const forbidden = await ask(tracer.token, `personId=${personId}`);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('FORBIDDEN');
    const elsewhere = await staffToken(env, 'admin', UNITS.longKhanh);
    const hidden = await ask(elsewhere.token, `personId=${personId}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.code).toBe('PERSON_NOT_FOUND');
    const unknown = await ask(admin.token, 'personId=00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('PERSON_NOT_FOUND');
  });
});
