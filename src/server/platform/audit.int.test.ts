/** The audit log is append-only and hash-chained: a modified or deleted row is detected by verify(). */
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

async function activity(n: number) {
  const { token } = await staffToken(env, 'health_worker', UNITS.bienHoa);
  for (let i = 0; i < n; i++) {
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: bearer(token),
      payload: { nationalId: makeNationalId(), name: `Người ${i}`, unitCode: UNITS.bienHoaCommune },
    });
    await env.app.inject({ method: 'GET', url: `/api/v1/people/${res.json().id}`, headers: bearer(token) });
  }
}

const ids = async () =>
  (await env.ctx.db.selectFrom('audit_log').select('id').orderBy('id').execute()).map((r) => r.id);

/** Runs tampering SQL as the superuser with the append-only trigger disabled for the statement. */
async function tamper(statement: ReturnType<typeof sql>) {
  await env.ctx.db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
    await statement.execute(trx);
    await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
  });
}

describe('audit chain', () => {
  it('concurrent reads and writes all chain correctly: verify is ok', async () => {
    await Promise.all([activity(3), activity(3), activity(3)]);
    const result = await env.ctx.audit.verify();
    expect(result.ok).toBe(true);
    expect(result.checked).toBe((await ids()).length);
    expect(result.checked).toBeGreaterThanOrEqual(18);
  });

  it('records ids and units, never names or national IDs', async () => {
    const rows = await env.ctx.db.selectFrom('audit_log').selectAll().execute();
    const text = JSON.stringify(rows);
    expect(text).not.toContain('Người');
    expect(text).not.toMatch(/"0750\d{8}"/);
  });

  it('UPDATE and DELETE are refused by the database', async () => {
    const [first] = await ids();
    await expect(sql`update audit_log set action = 'x' where id = ${first}`.execute(env.ctx.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_log where id = ${first}`.execute(env.ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(env.ctx.db)).rejects.toThrow(/append-only/);
    expect((await env.ctx.audit.verify()).ok).toBe(true);
  });

  it('a modified row is detected at that row', async () => {
    const all = await ids();
    const target = all[Math.floor(all.length / 2)] as number;
    const original = await env.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '=', target)
      .executeTakeFirstOrThrow();
    await tamper(sql`update audit_log set action = 'x' where id = ${target}`);
    const result = await env.ctx.audit.verify();
    expect(result).toMatchObject({ ok: false, brokenAt: target });
    expect(result.reason).toMatch(/modified/);
    // restore the row: the chain is whole again
    await tamper(sql`update audit_log set action = ${original.action} where id = ${target}`);
    expect((await env.ctx.audit.verify()).ok).toBe(true);
  });

  it('a changed detail (e.g. outcome) is detected too', async () => {
    const all = await ids();
    const target = all[2] as number;
    await tamper(sql`update audit_log set outcome = 'denied' where id = ${target}`);
    expect(await env.ctx.audit.verify()).toMatchObject({ ok: false, brokenAt: target });
    await tamper(sql`update audit_log set outcome = 'ok' where id = ${target}`);
    expect((await env.ctx.audit.verify()).ok).toBe(true);
  });

  it('a deleted middle row is detected at the row after it', async () => {
    const all = await ids();
    const middle = all[Math.floor(all.length / 2)] as number;
    const next = all[all.indexOf(middle) + 1] as number;
    await tamper(sql`delete from audit_log where id = ${middle}`);
    const result = await env.ctx.audit.verify();
    expect(result).toMatchObject({ ok: false, brokenAt: next });
    expect(result.reason).toMatch(/deleted/);
  });
});
