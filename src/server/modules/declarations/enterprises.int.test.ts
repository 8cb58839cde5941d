/**
 * The enterprise self-assessment through the real app: an owner registers and assesses, sees the level; the park
 * board (a leader over the district) sees high-risk ones, inspects and requires re-assessment; refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, citizenToken, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

let env: TestEnv;
let owner: { token: string; personId: string };
let park: string;
let parkElsewhere: string;

async function call(method: 'GET' | 'POST', url: string, token: string | null, payload?: unknown) {
  return env.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: token ? bearer(token) : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  owner = await citizenToken(env, '0913000111');
  park = (await staffToken(env, 'leader', UNITS.bienHoa)).token;
  parkElsewhere = (await staffToken(env, 'leader', UNITS.longKhanh)).token;
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('enterprise self-assessment', () => {
  it('lets an owner assess; a high-risk result shows in the park board list until re-assessed', async () => {
    const criteria = (await call('GET', '/enterprise-criteria', owner.token)).json();
    expect(criteria.version).toBe(1);
    // the criteria are public, like the declaration forms: the same without an account
    const anonymous = await call('GET', '/enterprise-criteria', null);
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual(criteria);
    const created = await call('POST', '/enterprises', owner.token, {
      name: 'Công ty May Biên Hòa',
      taxCode: '3600123456',
      unitCode: UNITS.bienHoaCommune,
      workers: 1200,
      industrialPark: 'KCN Biên Hòa 2',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const answers = Object.fromEntries(
      criteria.questions.map((q: { id: string; kind: string }) => [
        q.id,
        q.kind === 'number' ? 40 : q.id === 'gate_screening',
      ]),
    );
    const assessed = await call('POST', `/enterprises/${id}/assessments`, owner.token, { answers });
    expect(assessed.statusCode, assessed.body).toBe(201);
    expect(assessed.json()).toMatchObject({ score: 22, level: 'very_high' });
    const high = (await call('GET', '/enterprises?filter=high_risk', park)).json();
    expect(high.items.map((e: { id: string }) => e.id)).toContain(id);
    expect((await call('GET', '/enterprises?filter=high_risk', parkElsewhere)).json().items).toEqual([]);
    const inspected = await call('POST', `/enterprises/${id}/inspections`, park, {
      findings: 'Nhà ăn chưa có vách ngăn',
      passed: false,
    });
    expect(inspected.statusCode, inspected.body).toBe(201);
    const detail = (await call('GET', `/enterprises/${id}`, owner.token)).json();
    expect(detail).toMatchObject({ allowedToOperate: false, overdue: true });
    expect(detail.inspections).toHaveLength(1);
    const all = Object.fromEntries(
      criteria.questions.map((q: { id: string; kind: string }) => [q.id, q.kind === 'number' ? 100 : true]),
    );
    const again = await call('POST', `/enterprises/${id}/assessments`, owner.token, {
      answers: all,
      criteriaVersion: 1,
    });
    expect(again.json()).toMatchObject({ score: 100, level: 'very_low' });
    expect((await call('GET', `/enterprises/${id}`, owner.token)).json().allowedToOperate).toBe(true);
  });

  it('refuses bad input and other people', async () => {
    const other = await citizenToken(env, '0913000222');
    const e = (await call('GET', '/enterprises', owner.token)).json().items[0];
    expect((await call('GET', `/enterprises/${e.id}`, other.token)).statusCode).toBe(404);
    expect((await call('GET', `/enterprises/${e.id}`, parkElsewhere)).statusCode).toBe(404);
    const dup = await call('POST', '/enterprises', other.token, {
      name: 'X',
      taxCode: '3600123456',
      unitCode: UNITS.bienHoaCommune,
      workers: 1,
    });
    expect(dup.json().error.code).toBe('ENTERPRISE_TAX_CODE_EXISTS');
    const badTax = await call('POST', '/enterprises', other.token, {
      name: 'X',
      taxCode: '36001234ab',
      unitCode: UNITS.bienHoaCommune,
      workers: 1,
    });
    expect(badTax.json().error.code).toBe('ENTERPRISE_TAX_CODE_INVALID');
    const badAnswers = await call('POST', `/enterprises/${e.id}/assessments`, owner.token, { answers: { nope: true } });
    expect(badAnswers.statusCode).toBe(400);
    expect(badAnswers.json().error.code).toBe('ASSESSMENT_INVALID');
    expect(
      (await call('POST', `/enterprises/${e.id}/assessments`, owner.token, { answers: {}, criteriaVersion: 7 })).json()
        .error.code,
    ).toBe('CRITERIA_OUTDATED');
    expect(
      (await call('POST', `/enterprises/${e.id}/inspections`, owner.token, { findings: 'x', passed: true })).statusCode,
    ).toBe(403);
  });
});
