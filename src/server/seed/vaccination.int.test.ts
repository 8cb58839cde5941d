/** The demo's vaccination campaign: sites, lots, sessions, doses at a realistic coverage, counters that match them. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, makeNationalId, type TestEnv, UNITS } from '../../../test/harness.ts';
import { seedVaccination } from './vaccination.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  const system = { kind: 'system', name: 'test' } as const;
  await env.ctx.db.transaction().execute(async (trx) => {
    for (let i = 0; i < 120; i++) {
      await env.ctx.services.people.create(
        system,
        {
          nationalId: makeNationalId(),
          name: `Cư dân ${i}`,
          unitCode: UNITS.bienHoaCommune,
          birthYear: 1940 + (i % 70),
        },
        trx,
      );
    }
  });
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('the demo vaccination campaign', () => {
  it('seeds doses whose coverage counters equal a recount, and registrations waiting', async () => {
    const started = Date.now();
    const result = await seedVaccination(env.ctx, { province: UNITS.province, firstCommune: UNITS.bienHoaCommune });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.sites).toBeGreaterThan(1);
    expect(result.doses).toBeGreaterThan(50);
    expect(result.registrations).toBeGreaterThan(0);
    const recount = await sql<{ dose1: number; full: number; doses: number }>`
      select count(*)::int as dose1, count(*) filter (where n >= 2)::int as full, sum(n)::int as doses
      from (select person_id, count(*) as n from vaccination_doses where status = 'valid' group by person_id) x`.execute(
      env.ctx.db,
    );
    const coverage = await env.ctx.services.vaccination.coverage({ kind: 'system', name: 'test' }, undefined);
    const sum = (k: 'dose1' | 'full' | 'doses') => coverage.items.reduce((a, c) => a + c[k], 0);
    expect({ dose1: sum('dose1'), full: sum('full'), doses: sum('doses') }).toEqual(recount.rows[0]);
    const commune = coverage.items.find((c) => c.communeCode === UNITS.bienHoaCommune);
    expect(commune?.adults).toBeGreaterThan(0);
    expect(commune?.adultsDose1Share).toBeGreaterThan(0.3);
    // no lot is used beyond its quantity, and an expired lot is never used
    const over = await sql<{ n: number }>`
      select count(*)::int as n from vaccine_lots where used > quantity or (expires_on < current_date and used > 0)`.execute(
      env.ctx.db,
    );
    expect(over.rows[0]?.n).toBe(0);
  });
});
