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

describe('GET /api/v1/audit with filters: the audit log viewer', () => {
  interface Entry {
    id: number;
    at: string;
    username: string | null;
    action: string;
    resourceType: string | null;
    unitCode: string | null;
    personCount: number;
    details: Record<string, unknown>;
  }
  const entries = async (token: string, query: string) => {
    const res = await ask(token, query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Entry[];
  };

  it("filters by actor (a username the admin manages), by action or a module's actions, and by time", async () => {
    const admin = await staffToken(env, 'admin', UNITS.province);
    const mine = await entries(admin.token, `actor=${clerk.username}`);
    expect(mine.map((e) => e.action)).toEqual(['people.search', 'people.create']);
    expect(mine.every((e) => e.username === clerk.username)).toBe(true);
    // a search names how many people it returned, never who
    expect(mine[0]).toMatchObject({ personCount: 1, resourceType: 'person', details: { results: 1 } });
    expect(JSON.stringify(mine[0])).not.toContain(personId);
    expect(mine[1]).toMatchObject({ resourceType: 'person', resourceId: personId });
    expect((await entries(admin.token, `actor=${clerk.username}&action=people.create`)).map((e) => e.action)).toEqual([
      'people.create',
    ]);
    expect((await entries(admin.token, 'action=people.')).every((e) => e.action.startsWith('people.'))).toBe(true);
    const created = mine[1] as Entry;
    const from = new Date(Date.parse(created.at)).toISOString();
    const to = new Date(Date.parse(created.at) + 1).toISOString();
    expect((await entries(admin.token, `actor=${clerk.username}&from=${from}&to=${to}`)).map((e) => e.id)).toEqual([
      created.id,
    ]);
    expect(await entries(admin.token, `actor=${clerk.username}&to=${from}`)).toEqual([]);
  });

  it('pages with before= and limit=, newest first', async () => {
    const admin = await staffToken(env, 'admin', null);
    const first = await entries(admin.token, 'limit=3');
    expect(first).toHaveLength(3);
    const next = await entries(admin.token, `limit=3&before=${first[2]?.id}`);
    expect(next[0]?.id).toBeLessThan(first[2]?.id as number);
    const ids = [...first, ...next].map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it("without a person or an actor, a district admin sees the entries of the district's units only", async () => {
    const district = await staffToken(env, 'admin', UNITS.bienHoa);
    const elsewhere = await staffToken(env, 'admin', UNITS.longKhanh);
    const inBienHoa = await entries(district.token, 'action=people.create');
    expect(inBienHoa.map((e) => e.unitCode)).toEqual([UNITS.bienHoaCommune]);
    expect(await entries(elsewhere.token, 'action=people.create')).toEqual([]);
  });

  it('asking is audited: audit.search with the filters, audit.accessesTo when about a person', async () => {
    const admin = await staffToken(env, 'admin', UNITS.province);
    await ask(admin.token, `actor=${clerk.username}&action=people.`);
    const own = await entries(admin.token, `actor=${admin.username}`);
    expect(own[0]).toMatchObject({
      action: 'audit.search',
      details: { filterAction: 'people.', results: 2 },
    });
  });

  it('400 for a bad filter, 404 STAFF_NOT_FOUND for an account out of reach or unknown, 403 for other roles', async () => {
    const admin = await staffToken(env, 'admin', UNITS.bienHoa);
    for (const query of ['action=DROP TABLE', 'from=yesterday', 'before=0', 'limit=5000', 'who=me']) {
      const bad = await ask(admin.token, query);
      expect([bad.statusCode, bad.json().error.code], query).toEqual([400, 'VALIDATION_FAILED']);
    }
    const backwards = await ask(admin.token, 'from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z');
    expect(backwards.statusCode).toBe(400);
    const provincialTracer = await staffToken(env, 'tracer', UNITS.province);
    for (const username of [provincialTracer.username, 'nobody-here']) {
      const hidden = await ask(admin.token, `actor=${username}`);
      expect([hidden.statusCode, hidden.json().error.code]).toEqual([404, 'STAFF_NOT_FOUND']);
    }
    const leader = await staffToken(env, 'leader', UNITS.province);
    for (const query of ['', `actor=${clerk.username}`, 'action=people.']) {
      const refused = await ask(leader.token, query);
      expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'FORBIDDEN']);
    }
    expect((await ask(undefined, 'action=people.')).statusCode).toBe(401);
  });
});
