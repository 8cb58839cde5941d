/**
 * The serial writer of citizens' declarations: what arrives together is written by one statement; an item that fails
 * (here a person who does not exist: a foreign key) fails alone — the batch is recorded again item by item — and the
 * others are written; a key used again in the same batch answers with the first one's answer. Within a batch, one
 * person's declarations of a day are decided in arrival order (the badge colour so far, one person counted once in the
 * day's statistics, one follow-up task and one message), as they would be one after the other.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizenToken, createTestEnv, type TestEnv, UNITS } from '../../../../test/harness.ts';
import { heldCondition } from '../cases/index.ts';
import { declarationsRepo, type NewDeclaration, type RecordExtras } from './repo.ts';

let env: TestEnv;
let personId = '';
let otherId = '';
let thirdId = '';
beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  personId = (await citizenToken(env, '0912555001')).personId;
  otherId = (await citizenToken(env, '0912555002')).personId;
  thirdId = (await citizenToken(env, '0912555003')).personId;
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
  unitCode: UNITS.bienHoaCommune,
  communeCode: UNITS.bienHoaCommune,
  communePath: null,
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
    task: null,
    message: null,
  };
};
const flagged = (person: string): NewDeclaration => ({ ...row(person), status: 'flagged', reasons: ['symptom'] });
const flaggedExtras = (key: string | null, phone: string): RecordExtras => ({
  ...extras(key),
  task: { unitPath: null, dueAt: new Date(Date.now() + 4 * 3_600_000) },
  message: { channel: 'sms', to: phone, text: 'Truyvet: test' },
});

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
  it('writes a batch in one go, fails only the item that fails, replays a key used twice', async () => {
    const repo = declarationsRepo(env.ctx.db, { heldCondition });
    const results = await Promise.allSettled([
      repo.queueDeclaration(row(personId), extras('writer-key-0001')),
      repo.queueDeclaration(row(personId), extras('writer-key-0002')),
      repo.queueDeclaration(row(randomUUID()), extras('writer-key-0003')),
      repo.queueDeclaration(row(personId), extras('writer-key-0002')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const [a, b, c, d] = results;
    expect(a.status === 'fulfilled' && a.value.outcome).toBe('written');
    expect(b.status === 'fulfilled' && b.value.outcome).toBe('written');
    expect(c.status === 'rejected' && (c.reason as { code?: string }).code).toBe('23503');
    expect(d.status === 'fulfilled' && d.value.outcome).toBe('stored');
    if (d.status === 'fulfilled' && b.status === 'fulfilled') expect(d.value.response).toEqual(b.value.response);
    const n = await sql<{
      n: number;
    }>`select count(*)::int as n from declarations where person_id = ${personId}`.execute(env.ctx.db);
    expect(n.rows[0]?.n).toBe(2);
  });

  it("decides one person's declarations of a batch in arrival order: colour so far, counted once, one task and message", async () => {
    const repo = declarationsRepo(env.ctx.db, { heldCondition });
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
      repo.queueDeclaration(flagged(otherId), flaggedExtras('order-key-0002', phone)),
      repo.queueDeclaration(row(otherId), extras('order-key-0003')),
      repo.queueDeclaration(flagged(otherId), flaggedExtras('order-key-0004', phone)),
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
    const repo = declarationsRepo(env.ctx.db, { heldCondition });
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
});
