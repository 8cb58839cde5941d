/**
 * The serial writer of citizens' declarations: what arrives together is written by one statement, which reads who
 * each declaration is for (a person not on record answers 'missing', nothing written; their commune; whether the
 * cases module holds them today — then flagged whatever the answers); an item that fails (here a row the table's
 * check refuses) fails alone — the batch is recorded again item by item — and the others are written; a key used
 * again in the same batch answers with the first one's answer. Within a batch, one person's declarations of a day are
 * decided in arrival order (the badge colour so far, one person counted once in the day's statistics, one follow-up
 * task and one message), as they would be one after the other.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizenToken, createTestEnv, quarantineForDay, type TestEnv, UNITS } from '../../../../test/harness.ts';
import { declarationsRepo, type NewDeclaration, type RecordExtras } from './repo.ts';
import { communeOf } from './service.ts';

let env: TestEnv;
let personId = '';
let otherId = '';
let thirdId = '';
beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  personId = (await citizenToken(env, '0912555001')).personId;
  otherId = (await citizenToken(env, '0912555002')).personId;
  thirdId = (await citizenToken(env, '0912555003')).personId;
  // where they live: the writing statement places each declaration by the person's unit on record
  await sql`update people set unit_code = ${UNITS.bienHoaCommune}
            where id = any(${[personId, otherId, thirdId]}::uuid[])`.execute(env.ctx.db);
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

const day = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
const row = (person: string): NewDeclaration => ({
  personId: person,
  type: 'domestic',
  formVersion: 1,
  answers: { fever: false },
  status: 'ok',
  reasons: [],
  via: 'app',
  actorType: 'citizen',
  actorId: person,
  partnerId: null,
  day,
});
const extras = (key: string | null, hash = 'h'): RecordExtras => {
  const id = randomUUID();
  return {
    scope: 'declarations:test',
    key,
    hash,
    id,
    response: { id, status: 'ok', reasons: [], badge: { colour: 'green', validUntil: null } },
    taskDue: null,
    heldDue: new Date(Date.now() + 4 * 3_600_000),
    messageText: null,
  };
};
const flagged = (person: string): NewDeclaration => ({ ...row(person), status: 'flagged', reasons: ['symptom'] });
const flaggedExtras = (key: string | null): RecordExtras => ({
  ...extras(key),
  taskDue: new Date(Date.now() + 4 * 3_600_000),
  messageText: 'Truyvet: test',
});
const HELD = { adviceVi: 'Ở nhà', adviceEn: 'Stay home', messageText: 'Truyvet: o nha' };
const newRepo = () => declarationsRepo(env.ctx.db, { held: HELD });

/** The commune's statistics of the day (its shard rows summed). */
async function dayStats() {
  const { rows } = await sql<{ declarations: number; people: number; flagged: number; symptom: number }>`
    select coalesce(sum(declarations), 0)::int as declarations, coalesce(sum(people), 0)::int as people,
           coalesce(sum(flagged), 0)::int as flagged, coalesce(sum(symptom), 0)::int as symptom
    from declaration_daily_stats where day = ${day}::date and commune_code = ${UNITS.bienHoaCommune}`.execute(
    env.ctx.db,
  );
  return rows[0];
}
const colour = (r: PromiseSettledResult<{ response: unknown }>) =>
  r.status === 'fulfilled' ? (r.value.response as { badge: { colour: string } }).badge.colour : r.status;

describe('the serial declaration writer', () => {
  it('writes a batch in one go, answers an item whose person is not on record as missing, replays a key used twice', async () => {
    const repo = newRepo();
    const results = await Promise.allSettled([
      repo.queueDeclaration(row(personId), extras('writer-key-0001')),
      repo.queueDeclaration(row(personId), extras('writer-key-0002')),
      repo.queueDeclaration(row(randomUUID()), extras('writer-key-0003')),
      repo.queueDeclaration(row(personId), extras('writer-key-0002')),
      // a row the table refuses (a check constraint): the batch fails whole, is recorded again item by item, and
      // only this one fails
      repo.queueDeclaration({ ...row(personId), type: 'bogus' as never }, extras('writer-key-0004')),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.outcome : r.status))).toEqual([
      'written',
      'written',
      'missing',
      'stored',
      'rejected',
    ]);
    const [, b, , d, e] = results;
    expect(e.status === 'rejected' && (e.reason as { code?: string }).code).toBe('23514');
    if (d.status === 'fulfilled' && b.status === 'fulfilled') expect(d.value.response).toEqual(b.value.response);
    const n = await sql<{
      n: number;
    }>`select count(*)::int as n from declarations where person_id = ${personId}`.execute(env.ctx.db);
    expect(n.rows[0]?.n).toBe(2);
  });

  it("decides one person's declarations of a batch in arrival order: colour so far, counted once, one task and message", async () => {
    const repo = newRepo();
    const before = await dayStats();
    const phone = '+84912555002';
    const jobsBefore = await sql<{ n: number }>`
      select count(*)::int as n from jobs where topic = 'notify.send' and payload->>'to' = ${phone}`.execute(
      env.ctx.db,
    );
    // an idle writer starts at the end of the turn: all seven go in one batch
    const results = await Promise.allSettled([
      repo.queueDeclaration(row(thirdId), extras('order-key-0000')),
      repo.queueDeclaration(row(otherId), extras('order-key-0001')),
      repo.queueDeclaration(flagged(otherId), flaggedExtras('order-key-0002')),
      repo.queueDeclaration(row(otherId), extras('order-key-0003')),
      repo.queueDeclaration(flagged(otherId), flaggedExtras('order-key-0004')),
      repo.queueDeclaration(row(otherId), extras('order-key-0003', 'another body')),
      repo.queueDeclaration(row(otherId), extras('writer-key-0001')),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.outcome : r.status))).toEqual([
      'written',
      'written',
      'written',
      'written',
      'written',
      'reused',
      'stored',
    ]);
    // green until the day's first flagged declaration, yellow from it on
    expect(results.slice(1, 5).map(colour)).toEqual(['green', 'yellow', 'yellow', 'yellow']);
    const badge = await sql<{ status: string }>`
      select status from declaration_badges where person_id = ${otherId} and day = ${day}::date`.execute(env.ctx.db);
    expect(badge.rows[0]?.status).toBe('flagged');
    const after = await dayStats();
    // five declarations of two people, two of them flagged with a symptom
    expect(after).toEqual({
      declarations: (before?.declarations ?? 0) + 5,
      people: (before?.people ?? 0) + 2,
      flagged: (before?.flagged ?? 0) + 2,
      symptom: (before?.symptom ?? 0) + 2,
    });
    const tasks = await sql<{ n: number }>`
      select count(*)::int as n from health_tasks where person_id = ${otherId}`.execute(env.ctx.db);
    expect(tasks.rows[0]?.n).toBe(1);
    const jobs = await sql<{ n: number }>`
      select count(*)::int as n from jobs where topic = 'notify.send' and payload->>'to' = ${phone}`.execute(
      env.ctx.db,
    );
    expect(jobs.rows[0]?.n).toBe((jobsBefore.rows[0]?.n ?? 0) + 1);
    // the next day-first of this person is not counted again, and the day stays yellow
    const later = await repo.queueDeclaration(row(otherId), extras('order-key-0005'));
    expect((later.response as { badge: { colour: string } }).badge.colour).toBe('yellow');
    expect((await dayStats())?.people).toBe(after?.people);
  });

  it('takes what is queued in one event-loop turn into one statement when idle, not the first declaration alone', async () => {
    const repo = newRepo();
    const xs = ['turn-key-0001', 'turn-key-0002', 'turn-key-0003'].map((k) => extras(k));
    const results = await Promise.all(
      [personId, thirdId, personId].map((p, n) => repo.queueDeclaration(row(p), xs[n] as RecordExtras)),
    );
    expect(results.map((r) => r.outcome)).toEqual(['written', 'written', 'written']);
    // one statement commits once: its declarations share the transaction's time
    const { rows } = await sql<{ at: Date }>`
      select distinct declared_at as at from declarations where id = any(${xs.map((x) => x.id)}::uuid[])`.execute(
      env.ctx.db,
    );
    expect(rows).toHaveLength(1);
  });

  it('reads the person in the writing statement: their commune, a held person flagged, the message to their phone', async () => {
    const repo = newRepo();
    const held = (await citizenToken(env, '0912555004')).personId;
    const nowhere = (await citizenToken(env, '0912555005')).personId;
    await sql`update people set unit_code = ${UNITS.bienHoaCommune} where id = ${held}::uuid`.execute(env.ctx.db);
    await sql`update people set unit_code = null where id = ${nowhere}::uuid`.execute(env.ctx.db);
    // held today: a quarantine order covering today, of a case, as the cases module writes them
    const f0 = (await citizenToken(env, '0912555006')).personId;
    await quarantineForDay(env, f0, held, day, 'BN75-555006');
    const okX = extras('place-key-0001');
    const exposedX = { ...extras('place-key-0002'), taskDue: new Date(Date.now() + 24 * 3_600_000) };
    const nowhereX = extras('place-key-0003');
    const [ok, exposed, placeless] = await Promise.all([
      repo.queueDeclaration(row(held), okX),
      repo.queueDeclaration({ ...row(held), status: 'flagged', reasons: ['exposure'] }, exposedX),
      repo.queueDeclaration(row(nowhere), nowhereX),
    ]);
    // answered "ok" by the answers, flagged for being held, with the held advice
    expect(ok?.response).toMatchObject({
      status: 'flagged',
      reasons: ['case_or_quarantine'],
      adviceVi: HELD.adviceVi,
      adviceEn: HELD.adviceEn,
      badge: { colour: 'yellow' },
    });
    expect(exposed?.response).toMatchObject({ status: 'flagged', reasons: ['exposure', 'case_or_quarantine'] });
    expect(ok?.unitCode).toBe(UNITS.bienHoaCommune);
    expect(placeless?.response).toMatchObject({ status: 'ok', badge: { colour: 'green' } });
    expect(placeless?.unitCode).toBeNull();
    const { rows } = await sql<{
      id: string;
      status: string;
      reasons: string[];
      unit_code: string | null;
      commune_code: string;
    }>`
      select id, status, reasons, unit_code, commune_code from declarations
      where id = any(${[okX.id, exposedX.id, nowhereX.id]}::uuid[])`.execute(env.ctx.db);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(okX.id)).toMatchObject({
      status: 'flagged',
      reasons: ['case_or_quarantine'],
      unit_code: UNITS.bienHoaCommune,
      commune_code: UNITS.bienHoaCommune,
    });
    expect(byId.get(nowhereX.id)).toMatchObject({ status: 'ok', unit_code: null, commune_code: '-' });
    // one task, urgent (the held due time, not the exposure's 24 h), at the person's commune; one message to the
    // phone on record with the held text
    const tasks = await sql<{ due_at: Date; unit_path: string | null; reasons: string[] }>`
      select due_at, unit_path, reasons from health_tasks where person_id = ${held}::uuid`.execute(env.ctx.db);
    expect(tasks.rows).toHaveLength(1);
    expect(tasks.rows[0]?.due_at.getTime()).toBe(okX.heldDue.getTime());
    expect(tasks.rows[0]?.unit_path).toMatch(new RegExp(`\\.${UNITS.bienHoaCommune}\\.$`));
    const jobs = await sql<{ payload: unknown }>`
      select payload from jobs where topic = 'notify.send' and payload->>'to' = '+84912555004'
        and payload->>'text' not like 'Ma xac thuc%'`.execute(env.ctx.db);
    expect(jobs.rows.map((j) => j.payload)).toEqual([{ channel: 'sms', to: '+84912555004', text: HELD.messageText }]);
  });

  it("places a unit path in its commune as the service's communeOf does", async () => {
    const paths = [
      '75.731.25993.',
      '75.731.25993.25993-01.',
      '75.731.25993.25993-01.25993-01-02.',
      '75.',
      '75-1.',
      '.',
      '',
      null,
      '01.001.00001.00001-07.',
    ];
    const { rows } = await sql<{ n: number; code: string; path: string | null }>`
      select t.n::int as n, c.code, c.path
      from unnest(${paths}::text[]) with ordinality as t(p, n)
      cross join lateral declaration_commune(t.p) c
      order by t.n`.execute(env.ctx.db);
    expect(rows.map((r) => ({ code: r.code, path: r.path }))).toEqual(paths.map((p) => communeOf(p)));
  });
});
