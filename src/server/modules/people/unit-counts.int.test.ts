/**
 * Residents per unit (`people_unit_counts`, migration 0037): counted on the spot the first time, then only by the
 * hourly `people.count-units` job (so a statistics page never scans people); read within a scope; a unit nobody
 * lives in any more loses its row; the job is scheduled once when workers start and reschedules itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, pendingRuns, type TestEnv, UNITS } from '../../../../test/harness.ts';
import { narrowScope, systemScope } from '../../platform/authorize.ts';
import { COUNT_UNITS } from './index.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75', '01'] });
});
afterAll(async () => {
  await env?.close();
});

const pathOf = async (code: string) =>
  (await env.ctx.db.selectFrom('admin_units').select('path').where('code', '=', code).executeTakeFirstOrThrow()).path;

async function addPeople(unitCode: string, n: number): Promise<string[]> {
  const rows = await env.ctx.db
    .insertInto('people')
    .values(Array.from({ length: n }, (_, i) => ({ name: `Cư dân ${i}`, unit_code: unitCode })))
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

const countIn = (rows: { path: string; n: number }[], path: string) =>
  rows.filter((r) => r.path === path).reduce((s, r) => s + r.n, 0);

describe('residents per unit', () => {
  it('counts on the first read, then keeps the count until the next count', async () => {
    const people = env.ctx.services.people;
    const commune = await pathOf(UNITS.bienHoaCommune);
    const before = await env.ctx.db
      .selectFrom('people')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('unit_code', '=', UNITS.bienHoaCommune)
      .executeTakeFirstOrThrow();
    await addPeople(UNITS.bienHoaCommune, 3);
    const first = await people.residentsByUnit(systemScope('test'));
    expect(countIn(first, commune)).toBe(Number(before.n) + 3);

    // more people: the statistics keep the count they were given (no scan per call) until the job counts again
    await addPeople(UNITS.bienHoaCommune, 2);
    expect(countIn(await people.residentsByUnit(systemScope('test')), commune)).toBe(Number(before.n) + 3);
    await people.countUnits();
    expect(countIn(await people.residentsByUnit(systemScope('test')), commune)).toBe(Number(before.n) + 5);
  });

  it("reads only the caller's scope", async () => {
    const people = env.ctx.services.people;
    await addPeople(UNITS.hanoi, 1);
    await people.countUnits();
    const hanoiPath = await pathOf(UNITS.hanoi);
    const all = await people.residentsByUnit(systemScope('test'));
    expect(all.some((r) => r.path.startsWith(hanoiPath))).toBe(true);
    // a district's scope (what a district leader's statistics page passes): Biên Hòa only
    const bienHoaPath = await pathOf(UNITS.bienHoa);
    const scoped = await people.residentsByUnit(narrowScope(systemScope('test'), bienHoaPath));
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.every((r) => r.path.startsWith(bienHoaPath))).toBe(true);
  });

  it('drops the row of a unit nobody lives in any more', async () => {
    const people = env.ctx.services.people;
    const longKhanh = await pathOf(UNITS.longKhanh);
    await addPeople(UNITS.longKhanh, 2);
    await people.countUnits();
    expect(countIn(await people.residentsByUnit(systemScope('test')), longKhanh)).toBeGreaterThanOrEqual(2);
    await env.ctx.db.deleteFrom('people').where('unit_code', '=', UNITS.longKhanh).execute();
    await people.countUnits();
    const rows = await env.ctx.db
      .selectFrom('people_unit_counts')
      .select('unit_code')
      .where('unit_code', '=', UNITS.longKhanh)
      .execute();
    expect(rows).toEqual([]);
  });

  it('runs as the hourly people.count-units job, scheduled once when workers start, rescheduling itself', async () => {
    const module = env.ctx.modules.find((m) => m.manifest.name === 'people');
    await module?.onWorkerStart?.();
    await module?.onWorkerStart?.();
    const pending = () => pendingRuns(env, COUNT_UNITS.name);
    expect(await pending()).toHaveLength(1);
    await addPeople(UNITS.bienHoaCommune, 4);
    const commune = await pathOf(UNITS.bienHoaCommune);
    const stale = countIn(await env.ctx.services.people.residentsByUnit(systemScope('test')), commune);
    await env.ctx.jobs.drain();
    expect(countIn(await env.ctx.services.people.residentsByUnit(systemScope('test')), commune)).toBe(stale + 4);
    const next = await pending();
    expect(next).toHaveLength(1);
    expect(next[0]?.run_at.getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
  });
});
