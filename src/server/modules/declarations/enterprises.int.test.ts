/**
 * The enterprise self-assessment through the real app: an owner registers and assesses, sees the level; the park
 * board (a leader over the district) sees high-risk ones, inspects and requires re-assessment; refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  citizenToken,
  createTestEnv,
  expectError,
  staffToken,
  type TestEnv,
  UNITS,
} from '../../../../test/harness.ts';

let env: TestEnv;
let owner: { token: string; personId: string };
let park: string;
let parkElsewhere: string;

async function call(method: 'GET' | 'POST' | 'PUT', url: string, token: string | null, payload?: unknown) {
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

  it('gives a tax code claimed by someone else back to the real owner (oversight staff only); audited', async () => {
    // a citizen registers a competitor's tax code and answers every criterion "no"
    const squatter = await citizenToken(env, '0913000333');
    const claimed = await call('POST', '/enterprises', squatter.token, {
      name: 'Công ty Thật (giả mạo)',
      taxCode: '3600777888',
      unitCode: UNITS.bienHoaCommune,
      workers: 50,
    });
    expect(claimed.statusCode, claimed.body).toBe(201);
    const id = claimed.json().id;
    const real = await citizenToken(env, '0913000444');
    const taken = await call('POST', '/enterprises', real.token, {
      name: 'Công ty Thật',
      taxCode: '3600777888',
      unitCode: UNITS.bienHoaCommune,
      workers: 50,
    });
    expectError(taken, 409, 'ENTERPRISE_TAX_CODE_EXISTS');
    expect(taken.json().error.messageVi).toContain('giao lại');

    // neither citizen, nor staff of another district, may hand it over; a phone without an account is refused
    expectError(
      await call('PUT', `/enterprises/${id}/owner`, squatter.token, { phone: '0913000333' }),
      403,
      'FORBIDDEN',
    );
    expect((await call('PUT', `/enterprises/${id}/owner`, parkElsewhere, { phone: '0913000444' })).statusCode).toBe(
      404,
    );
    expectError(
      await call('PUT', `/enterprises/${id}/owner`, park, { phone: '0913999999' }),
      404,
      'ENTERPRISE_OWNER_NO_ACCOUNT',
    );
    expectError(await call('PUT', `/enterprises/${id}/owner`, park, { phone: 'abc' }), 400, 'INVALID_PHONE');
    expect((await call('GET', `/enterprises/${id}`, squatter.token)).statusCode).toBe(200);

    const handed = await call('PUT', `/enterprises/${id}/owner`, park, { phone: '0913 000 444' });
    expect(handed.statusCode, handed.body).toBe(204);
    expect((await call('GET', `/enterprises/${id}`, squatter.token)).statusCode).toBe(404);
    const mine = await call('GET', `/enterprises/${id}`, real.token);
    expect(mine.statusCode).toBe(200);
    expect(mine.json().hasOwner).toBe(true);
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'enterprises.owner')
      .where('resource_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ from: squatter.personId, to: real.personId });
    await env.ctx.jobs.drain();
    const sms = await env.ctx.notifier.fakeOutbox({ to: '+84913000444', limit: 5 });
    // an SMS carries no diacritics (smsText)
    expect(sms.map((m) => m.text)).toContainEqual(expect.stringContaining('doanh nghiep Cong ty That'));

    // or taken from its owner: the staff keep it alone
    expect((await call('PUT', `/enterprises/${id}/owner`, park, { phone: null })).statusCode).toBe(204);
    expect((await call('GET', `/enterprises/${id}`, real.token)).statusCode).toBe(404);
    expect((await call('GET', `/enterprises/${id}`, park)).json().hasOwner).toBe(false);
  });
});
