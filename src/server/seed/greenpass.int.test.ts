/** The demo's green passes: vaccination certificates issued at seeding for demo citizens with doses. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, makeNationalId, type TestEnv, UNITS } from '../../../test/harness.ts';
import { decodeHcert } from '../../greenpass/hcert.ts';
import { seedGreenPasses } from './greenpass.ts';
import { seedVaccination } from './vaccination.ts';

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
          name: `Cư dân ${i}`,
          unitCode: UNITS.bienHoaCommune,
          birthYear: 1940 + (i % 70),
        },
        trx,
      );
    }
  });
  await seedVaccination(env.ctx, { province: UNITS.province, firstCommune: UNITS.bienHoaCommune });
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('the demo green passes', () => {
  it('issues signed vaccination certificates for demo citizens with doses, once', async () => {
    const issued = await seedGreenPasses(env.ctx, { limit: 10 });
    expect(issued).toBeGreaterThan(0);
    const rows = await env.ctx.db.selectFrom('gp_certificates').select(['type', 'qr']).execute();
    expect(rows).toHaveLength(issued);
    for (const r of rows) {
      expect(r.type).toBe('v');
      expect(decodeHcert(r.qr).claims.type).toBe('v');
    }
    // seeding again keeps the same certificates
    await seedGreenPasses(env.ctx, { limit: 10 });
    expect(await env.ctx.db.selectFrom('gp_certificates').select('id').execute()).toHaveLength(issued);
  });
});
