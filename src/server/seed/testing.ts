/**
 * The demo's testing round (issue 16), made through the testing module's own service with a system actor, so
 * everything it causes happens for real: a lab (CDC Đồng Nai), a campaign over Biên Hòa with targets per commune and
 * a test point, ten pooled RT-PCR tubes of five people collected yesterday, shipped and received, and a results file
 * making one pool positive (its five people: "re-test", a task at their commune and a message) and the others negative.
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Actor } from '../platform/access.ts';

const ACTOR: Actor = { kind: 'system', name: 'seed-demo' };
const DAY = 86_400_000;

const day = (offset: number) => new Date(Date.now() + 7 * 3_600_000 + offset * DAY).toISOString().slice(0, 10);

export interface TestingSeedResult {
  labId: string;
  campaignId: string;
  tubes: number;
  positivePools: number;
}

export async function seedTesting(
  ctx: AppContext,
  opts: { district?: string; log?: (line: string) => void } = {},
): Promise<TestingSeedResult | undefined> {
  const testing = ctx.services.testing;
  const district = opts.district ?? '731';
  const unit = await ctx.services.adminUnits.findByCode(district);
  if (!unit) return undefined;
  // people of Biên Hòa, by commune: each pool is collected where its people live
  const people = await sql<{ id: string; unit_code: string }>`
    select p.id, p.unit_code from people p join admin_units u on u.code = p.unit_code
    where u.path like ${`${unit.path}%`} order by p.unit_code, p.id limit 200`.execute(ctx.db);
  const byUnit = new Map<string, string[]>();
  for (const p of people.rows) byUnit.set(p.unit_code, [...(byUnit.get(p.unit_code) ?? []), p.id]);
  const groups = [...byUnit.entries()].flatMap(([unitCode, ids]) => {
    const out: Array<{ unitCode: string; ids: string[] }> = [];
    for (let i = 0; i + 5 <= ids.length; i += 5) out.push({ unitCode, ids: ids.slice(i, i + 5) });
    return out;
  });
  if (groups.length === 0) return undefined;

  const { id: labId } = await testing.createLab(ACTOR, { name: 'CDC Đồng Nai — Phòng xét nghiệm', unitCode: district });
  const { id: campaignId } = await testing.campaigns.createCampaign(ACTOR, {
    name: 'Xét nghiệm toàn dân Biên Hòa — vòng 1',
    unitCode: district,
    startsOn: day(-2),
    endsOn: day(1),
  });
  const first = groups[0] as { unitCode: string };
  const { id: pointId } = await testing.campaigns.addPoint(ACTOR, campaignId, {
    name: 'Nhà văn hóa khu phố 1',
    unitCode: first.unitCode,
    team: 'Tổ lấy mẫu số 1',
  });

  const collectedAt = new Date(Date.now() - DAY).toISOString();
  const tubes: string[] = [];
  for (const [i, g] of groups.slice(0, 10).entries()) {
    const created = await testing.collect(
      ACTOR,
      {
        kind: 'rt-pcr-pool',
        people: g.ids.map((personId) => ({ personId })),
        collectedAt,
        unitCode: g.unitCode,
        campaignId,
        ...(g.unitCode === first.unitCode ? { pointId } : {}),
      },
      `seed-demo-pool-${i}`,
    );
    tubes.push(created.body.barcode);
  }
  await testing.ship(ACTOR, { labId, barcodes: tubes });
  for (const barcode of tubes) await testing.intake(ACTOR, labId, { barcode, decision: 'accept' });
  const testedAt = new Date(Date.now() - 2 * 3_600_000).toISOString();
  const csv = [
    'barcode,result,ct,tested_at',
    ...tubes.map((b, i) => (i === 0 ? `${b},positive,27.4,${testedAt}` : `${b},negative,,${testedAt}`)),
  ].join('\r\n');
  const imported = await testing.importResults(ACTOR, labId, csv);
  opts.log?.(
    `testing: lab, campaign over ${unit.name}, ${tubes.length} pooled tubes (${imported.positive} positive pool: its people to re-test)`,
  );
  return { labId, campaignId, tubes: tubes.length, positivePools: imported.positive };
}
