/**
 * Audit completeness (issue 10, finding 10): every search, household read and contact list records which people it
 * returned, so "who viewed person X" has an answer; a head recorded earlier detects a truncated tail.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestEnv, makeNationalId, staffToken, type TestEnv, UNITS } from '../../../test/harness.ts';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

async function register(token: string, name: string): Promise<string> {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/people',
    headers: bearer(token),
    payload: { nationalId: makeNationalId(), name, unitCode: UNITS.bienHoaCommune },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

describe('who viewed a person', () => {
  it('lists the searches, household reads, case reads and contact lists that returned the person, newest first, with route', async () => {
    const clerk = await staffToken(env, 'health_worker', UNITS.bienHoa, 'clerk.bienhoa');
    const tracer = await staffToken(env, 'tracer', UNITS.province, 'tracer.dongnai');
    const watched = await register(clerk.token, 'Nguyễn Văn Được Xem');
    const other = await register(clerk.token, 'Trần Thị Khác');
    const f0 = await register(clerk.token, 'Lê Văn Ca Bệnh');

    const search = await env.app.inject({
      method: 'GET',
      url: `/api/v1/people?q=${encodeURIComponent('Được Xem')}`,
      headers: bearer(clerk.token),
    });
    expect(search.statusCode).toBe(200);
    expect(search.json().map((p: { id: string }) => p.id)).toEqual([watched]);

    const household = await env.app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: bearer(clerk.token),
      payload: { unitCode: UNITS.bienHoaCommune, memberIds: [watched, f0] },
    });
    expect(household.statusCode).toBe(201);
    const read = await env.app.inject({
      method: 'GET',
      url: `/api/v1/households/${household.json().id}`,
      headers: bearer(clerk.token),
    });
    expect(read.statusCode).toBe(200);

    // the F0's household member becomes an F1 of the case: the tracer sees them in the contact list
    const opened = await env.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: bearer(tracer.token),
      payload: { person: { personId: f0 }, confirmedAt: new Date().toISOString() },
    });
    expect(opened.statusCode).toBe(201);
    const contacts = await env.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${opened.json().id}/contacts`,
      headers: bearer(tracer.token),
    });
    expect(contacts.json().map((c: { personId: string }) => c.personId)).toContain(watched);

    const direct = await env.app.inject({
      method: 'GET',
      url: `/api/v1/people/${watched}`,
      headers: bearer(tracer.token),
    });
    expect(direct.statusCode).toBe(200);

    const accesses = await env.ctx.audit.accessesTo(watched);
    const seen = accesses.map((a) => [a.username, a.action, a.route]);
    expect(seen).toEqual([
      ['tracer.dongnai', 'people.read', 'GET /api/v1/people/:id'],
      ['tracer.dongnai', 'cases.contacts', 'GET /api/v1/cases/:id/contacts'],
      ['clerk.bienhoa', 'households.read', 'GET /api/v1/households/:id'],
      ['clerk.bienhoa', 'households.create', 'POST /api/v1/households'],
      ['clerk.bienhoa', 'people.search', 'GET /api/v1/people'],
      ['clerk.bienhoa', 'people.create', 'POST /api/v1/people'],
    ]);
    expect(accesses.map((a) => a.id)).toEqual([...accesses.map((a) => a.id)].sort((a, b) => b - a));

    // the case's F0 was read (case page) and listed (case list); the other person was never returned to anyone
    await env.app.inject({ method: 'GET', url: `/api/v1/cases/${opened.json().id}`, headers: bearer(tracer.token) });
    await env.app.inject({ method: 'GET', url: '/api/v1/cases', headers: bearer(tracer.token) });
    expect((await env.ctx.audit.accessesTo(f0)).slice(0, 2).map((a) => a.action)).toEqual(['cases.list', 'cases.read']);
    expect((await env.ctx.audit.accessesTo(other)).map((a) => a.action)).toEqual(['people.create']);
  });

  it('the people a list returned are part of the hashed row: changing them breaks the chain there', async () => {
    expect((await env.ctx.audit.verify()).ok).toBe(true);
    const row = await env.ctx.db
      .selectFrom('audit_log')
      .select(['id', 'details'])
      .where('action', '=', 'people.search')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    await env.ctx.db.transaction().execute(async (trx) => {
      await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
      await sql`update audit_log set details = jsonb_set(details, '{personIds}', '[]'::jsonb) where id = ${row.id}`.execute(
        trx,
      );
      await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
    });
    expect(await env.ctx.audit.verify()).toMatchObject({ ok: false, brokenAt: row.id });
    await env.ctx.db.transaction().execute(async (trx) => {
      await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
      await sql`update audit_log set details = ${JSON.stringify(row.details)}::jsonb where id = ${row.id}`.execute(trx);
      await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
    });
    expect((await env.ctx.audit.verify()).ok).toBe(true);
  });
});

describe('the chain head', () => {
  it('verify with an earlier head passes while the log grows, and fails once its tail from that head on is removed', async () => {
    const clerk = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const head = await env.ctx.audit.head();
    expect(head).toMatchObject({ id: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    if (!head) throw new Error('no head');
    await register(clerk.token, 'Người Thêm Một');
    await register(clerk.token, 'Người Thêm Hai');
    expect(await env.ctx.audit.verify({ head: head.hash })).toMatchObject({ ok: true });
    expect((await env.ctx.audit.head())?.id).toBeGreaterThan(head.id);

    // an insider deletes the newest rows, the recorded head among them: the chain alone still verifies
    await env.ctx.db.transaction().execute(async (trx) => {
      await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
      await sql`delete from audit_log where id >= ${head.id}`.execute(trx);
      await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
    });
    expect((await env.ctx.audit.verify()).ok).toBe(true);
    const truncated = await env.ctx.audit.verify({ head: head.hash });
    expect(truncated.ok).toBe(false);
    expect(truncated.brokenAt).toBeUndefined();
    expect(truncated.reason).toMatch(/does not reach head/);
    // new rows appended after the cut do not bring the head back
    await register(clerk.token, 'Người Thêm Ba');
    expect((await env.ctx.audit.verify({ head: head.hash })).ok).toBe(false);
  });
});
