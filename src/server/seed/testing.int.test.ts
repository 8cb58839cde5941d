/** The demo's testing round: a lab, a campaign over Biên Hòa, ten pooled tubes, one positive pool whose people re-test. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, makeNationalId, type TestEnv, UNITS } from '../../../test/harness.ts';
import { seedTesting } from './testing.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  const system = { kind: 'system', name: 'test' } as const;
  await env.ctx.db.transaction().execute(async (trx) => {
    for (let i = 0; i < 50; i++) {
      await env.ctx.services.people.create(
        system,
        { nationalId: makeNationalId(), name: `Cư dân ${i}`, unitCode: UNITS.bienHoaCommune },
        trx,
      );
    }
  });
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('the demo testing round', () => {
  it('seeds a campaign in Biên Hòa with pooled results, one pool positive', async () => {
    const result = await seedTesting(env.ctx, { district: UNITS.bienHoa });
    expect(result).toMatchObject({ tubes: 10, positivePools: 1 });
    const positive = await env.ctx.db
      .selectFrom('samples')
      .select('id')
      .where('result', '=', 'positive')
      .executeTakeFirstOrThrow();
    const view = await env.ctx.services.testing.readSample({ kind: 'system', name: 'test' }, positive.id);
    expect(view.people.map((p) => p.status)).toEqual(Array(5).fill('retest'));
    const campaign = await env.ctx.services.testing.campaigns.getCampaign(
      { kind: 'system', name: 'test' },
      result?.campaignId as string,
    );
    expect(campaign.totals).toMatchObject({ tested: 50, tubes: 10, pooledTubes: 10, testsSaved: 40 });
  });
});
