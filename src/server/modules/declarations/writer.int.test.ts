/**
 * The serial writer of citizens' declarations: what arrives together is written by one statement; an item that fails
 * (here a person who does not exist: a foreign key) fails alone — the batch is recorded again item by item — and the
 * others are written; a key used again in the same batch answers with the first one's answer.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizenToken, createTestEnv, type TestEnv, UNITS } from '../../../../test/harness.ts';
import { declarationsRepo, type NewDeclaration, type RecordExtras } from './repo.ts';

let env: TestEnv;
let personId = '';
beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  personId = (await citizenToken(env, '0912555001')).personId;
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
const extras = (key: string | null): RecordExtras => {
  const id = randomUUID();
  return {
    scope: 'declarations:test',
    key,
    hash: 'h',
    id,
    response: { id, status: 'ok', reasons: [], badge: { colour: 'green', validUntil: null } },
    task: null,
    message: null,
  };
};

describe('the serial declaration writer', () => {
  it('writes a batch in one go, fails only the item that fails, replays a key used twice', async () => {
    const repo = declarationsRepo(env.ctx.db);
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
});
