/**
 * The demo's month of declarations and its enterprises: flagged declarations with tasks in every state, badges and
 * daily statistics that agree with the declarations, enterprises at high risk and overdue as the park board sees them.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, makeNationalId, type TestEnv, UNITS } from '../../../test/harness.ts';
import { seedDeclarations } from './declarations.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  const system = { kind: 'system', name: 'test' } as const;
  await env.ctx.db.transaction().execute(async (trx) => {
    for (let i = 0; i < 80; i++) {
      await env.ctx.services.people.create(
        system,
        {
          nationalId: makeNationalId(),
          phone: `09${String(31_000_000 + i).padStart(8, '0')}`,
          birthYear: 1970 + (i % 30),
          name: `Cư dân ${i}`,
          unitCode: UNITS.bienHoaCommune,
        },
        trx,
      );
    }
  });
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('the demo declarations', () => {
  it('seeds a month of declarations, flagged ones with tasks in every state, and assessed enterprises', async () => {
    const r = await seedDeclarations(env.ctx, {
      province: '75',
      district: UNITS.bienHoa,
      commune: UNITS.bienHoaCommune,
    });
    expect(r.declarations).toBeGreaterThan(80 * 30 * 0.3);
    expect(r.flagged).toBeGreaterThanOrEqual(3);
    expect(r.tasks).toBe(r.flagged);
    expect(r.ownerPhone).toMatch(/^09/);
    const db = env.ctx.db;
    const states = await sql<{ status: string; n: number }>`
      select status, count(*)::int as n from health_tasks group by status`.execute(db);
    const by = Object.fromEntries(states.rows.map((x) => [x.status, x.n]));
    for (const s of ['new', 'called', 'tested']) expect(by[s], s).toBeGreaterThanOrEqual(1);
    // the statistics are what the declarations say, and every declaring person-day has its badge
    const check = await sql<{ stats: number; decl: number; people: number; badges: number }>`
      select (select sum(declarations)::int from declaration_daily_stats) as stats,
             (select count(*)::int from declarations) as decl,
             (select sum(people)::int from declaration_daily_stats) as people,
             (select count(*)::int from declaration_badges) as badges`.execute(db);
    expect(check.rows[0]?.stats).toBe(check.rows[0]?.decl);
    expect(check.rows[0]?.people).toBe(check.rows[0]?.badges);
    // nothing declared in the future
    const future = await sql<{
      n: number;
    }>`select count(*)::int as n from declarations where declared_at > now()`.execute(db);
    expect(future.rows[0]?.n).toBe(0);

    const park = { kind: 'system', name: 'test' } as const;
    const enterprises = env.ctx.services.declarations.enterprises;
    const high = await enterprises.list(park, { filter: 'high_risk' });
    const overdue = await enterprises.list(park, { filter: 'overdue' });
    expect(high.items.length).toBeGreaterThanOrEqual(1);
    expect(overdue.items.length).toBeGreaterThanOrEqual(2);
    expect(overdue.items.some((e) => e.level === null)).toBe(true);

    // member lists: civil-service agencies (one at 100 % today) and every enterprise's workers
    const orgs = await env.ctx.services.declarations.organisations.list(park, {});
    expect(r.organisations).toBe(orgs.items.length);
    const agencies = orgs.items.filter((o) => o.civilService);
    expect(agencies.length).toBe(5);
    expect(agencies.every((o) => o.members > 0)).toBe(true);
    expect(agencies.some((o) => o.atTarget)).toBe(true);
    expect(orgs.civilService.share).toBeGreaterThan(0.8);
    expect(orgs.items.filter((o) => o.kind === 'enterprise').length).toBe(r.enterprises);
  });
});
