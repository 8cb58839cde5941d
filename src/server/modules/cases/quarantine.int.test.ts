/**
 * Every role has a home (issue 11, item 13): the quarantine officer's active orders in their area (with end dates and
 * status changes), and the leader's figures and chain graph — scoped in SQL, audited, refused to other roles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestEnv, makeNationalId, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';
import { localDate } from '../../platform/sms.ts';

let env: TestEnv;
let registrar: string;
let tracer: string;
let officer: { token: string; username: string };
let f1BienHoa: string;
let f1LongKhanh: string;
let caseId: string;
const LONG_KHANH_COMMUNE = '26077';
const today = localDate(new Date());

let phoneSerial = 0;
async function register(name: string, unitCode: string): Promise<string> {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/people',
    headers: bearer(registrar),
    payload: {
      nationalId: makeNationalId(),
      phone: `09130007${String(++phoneSerial).padStart(2, '0')}`,
      name,
      unitCode,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const call = (token: string | undefined, method: 'GET' | 'PATCH', url: string, payload?: unknown) =>
  env.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: token ? bearer(token) : {},
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

interface Order {
  id: string;
  personId: string;
  name: string;
  status: string;
  startsOn: string;
  endsOn: string;
  unitCode: string;
  caseDisplayCode: string;
}

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  registrar = (await staffToken(env, 'health_worker', UNITS.province)).token;
  tracer = (await staffToken(env, 'tracer', UNITS.province)).token;
  officer = await staffToken(env, 'quarantine_officer', UNITS.bienHoa);
  const f0 = await register('Ca Bệnh Cách Ly', UNITS.bienHoaCommune);
  f1BienHoa = await register('Người Cách Ly Biên Hòa', UNITS.bienHoaCommune);
  f1LongKhanh = await register('Người Cách Ly Long Khánh', LONG_KHANH_COMMUNE);
  const opened = await env.app.inject({
    method: 'POST',
    url: '/api/v1/cases',
    headers: bearer(tracer),
    payload: { person: { personId: f0 }, confirmedAt: new Date().toISOString() },
  });
  expect(opened.statusCode, opened.body).toBe(201);
  caseId = opened.json().id;
  for (const personId of [f1BienHoa, f1LongKhanh]) {
    const added = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${opened.json().id}/contacts`,
      headers: bearer(tracer),
      payload: { person: { personId }, note: 'ăn cùng mâm' },
    });
    expect(added.statusCode, added.body).toBe(201);
  }
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('GET /api/v1/quarantine-orders', () => {
  it("lists the active orders issued in the officer's district only, with the person and the case's code", async () => {
    const res = await call(officer.token, 'GET', '/quarantine-orders');
    expect(res.statusCode, res.body).toBe(200);
    const orders: Order[] = res.json();
    expect(orders.map((o) => o.personId)).toEqual([f1BienHoa]);
    expect(orders[0]).toMatchObject({
      name: 'Người Cách Ly Biên Hòa',
      phone: '+84913000702',
      status: 'active',
      startsOn: today,
      unitCode: UNITS.bienHoaCommune,
      caseDisplayCode: expect.stringMatching(/^BN75-\d{6}$/),
    });
    expect((orders[0]?.endsOn ?? '') > today).toBe(true);
    // a provincial officer sees both; a search narrows by name
    const province = await staffToken(env, 'quarantine_officer', UNITS.province);
    const all: Order[] = (await call(province.token, 'GET', '/quarantine-orders')).json();
    expect(all.map((o) => o.personId).sort()).toEqual([f1BienHoa, f1LongKhanh].sort());
    const found: Order[] = (
      await call(province.token, 'GET', `/quarantine-orders?q=${encodeURIComponent('Long Khánh')}`)
    ).json();
    expect(found.map((o) => o.personId)).toEqual([f1LongKhanh]);
    const narrowed: Order[] = (
      await call(province.token, 'GET', `/quarantine-orders?unitCode=${UNITS.longKhanh}`)
    ).json();
    expect(narrowed.map((o) => o.personId)).toEqual([f1LongKhanh]);
  });

  it('is audited with the people it returned, so "who viewed" names the officer', async () => {
    await call(officer.token, 'GET', '/quarantine-orders');
    const accesses = await env.ctx.audit.accessesTo(f1BienHoa);
    expect(accesses[0]).toMatchObject({ username: officer.username, action: 'cases.quarantine.list' });
    expect((await env.ctx.audit.accessesTo(f1LongKhanh)).some((a) => a.username === officer.username)).toBe(false);
  });

  it('400 for a bad filter, 401 without a session, 403 for roles that never follow quarantine', async () => {
    const bad = await call(officer.token, 'GET', '/quarantine-orders?status=closed');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    const unknownUnit = await call(officer.token, 'GET', '/quarantine-orders?unitCode=99999');
    expect(unknownUnit.statusCode).toBe(400);
    expect(unknownUnit.json().error.code).toBe('UNIT_NOT_FOUND');
    expect((await call(undefined, 'GET', '/quarantine-orders')).statusCode).toBe(401);
    for (const role of ['tracer', 'leader', 'lab', 'hotline_operator']) {
      const other = await staffToken(env, role, UNITS.province);
      const refused = await call(other.token, 'GET', '/quarantine-orders');
      expect(refused.statusCode, role).toBe(403);
      expect(refused.json().error.code).toBe('FORBIDDEN');
    }
  });
});

describe('PATCH /api/v1/quarantine-orders/{id}', () => {
  const orderOf = async (token: string, personId: string) =>
    ((await call(token, 'GET', '/quarantine-orders?status=all')).json() as Order[]).find(
      (o) => o.personId === personId,
    ) as Order;

  it('extends the end date, releases the order (the citizen sees it), and records both in the audit log', async () => {
    const order = await orderOf(officer.token, f1BienHoa);
    const later = localDate(new Date(Date.parse(`${order.endsOn}T00:00:00Z`) + 3 * 86_400_000));
    const extended = await call(officer.token, 'PATCH', `/quarantine-orders/${order.id}`, { endsOn: later });
    expect(extended.statusCode, extended.body).toBe(200);
    expect(extended.json()).toEqual({ id: order.id, status: 'active', startsOn: today, endsOn: later });

    const released = await call(officer.token, 'PATCH', `/quarantine-orders/${order.id}`, { status: 'released' });
    expect(released.json()).toMatchObject({ status: 'released', endsOn: later });
    // gone from the default (active) list, still listed under its status
    expect((await call(officer.token, 'GET', '/quarantine-orders')).json()).toEqual([]);
    const releasedList: Order[] = (await call(officer.token, 'GET', '/quarantine-orders?status=released')).json();
    expect(releasedList.map((o) => o.id)).toEqual([order.id]);

    const rows = await env.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'resource_id', 'details'])
      .where('action', '=', 'cases.quarantine.update')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.details)).toMatchObject([
      { endsOn: later, previousEndsOn: order.endsOn, personIds: [f1BienHoa] },
      { status: 'released', previousStatus: 'active', personIds: [f1BienHoa] },
    ]);
    expect(rows.every((r) => r.resource_id === order.id)).toBe(true);

    // a release made by mistake is undone
    const again = await call(officer.token, 'PATCH', `/quarantine-orders/${order.id}`, { status: 'active' });
    expect(again.json()).toMatchObject({ status: 'active' });
  });

  it('refuses an end date before the first day or past 60 days (400), and a new end for a closed order (409)', async () => {
    const order = await orderOf(officer.token, f1BienHoa);
    const before = await call(officer.token, 'PATCH', `/quarantine-orders/${order.id}`, { endsOn: '2020-01-01' });
    expect(before.statusCode).toBe(400);
    expect(before.json().error).toMatchObject({ code: 'QUARANTINE_END_INVALID', details: { startsOn: today } });
    const far = localDate(new Date(Date.now() + 61 * 86_400_000));
    expect((await call(officer.token, 'PATCH', `/quarantine-orders/${order.id}`, { endsOn: far })).statusCode).toBe(
      400,
    );
    const closed = await call(officer.token, 'PATCH', `/quarantine-orders/${order.id}`, {
      status: 'cancelled',
      endsOn: today,
    });
    expect(closed.statusCode).toBe(409);
    expect(closed.json().error.code).toBe('QUARANTINE_NOT_ACTIVE');
    const empty = await call(officer.token, 'PATCH', `/quarantine-orders/${order.id}`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('404 for an order issued outside the area and for an unknown id; 403 for other roles; 401 without a session', async () => {
    const province = await staffToken(env, 'quarantine_officer', UNITS.province);
    const elsewhere = await orderOf(province.token, f1LongKhanh);
    const hidden = await call(officer.token, 'PATCH', `/quarantine-orders/${elsewhere.id}`, { status: 'released' });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.code).toBe('QUARANTINE_ORDER_NOT_FOUND');
    const unknown = await call(officer.token, 'PATCH', '/quarantine-orders/00000000-0000-4000-8000-000000000000', {
      status: 'released',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('QUARANTINE_ORDER_NOT_FOUND');
    const leader = await staffToken(env, 'leader', UNITS.province);
    const refused = await call(leader.token, 'PATCH', `/quarantine-orders/${elsewhere.id}`, { status: 'released' });
    expect(refused.statusCode).toBe(403);
    expect(
      (await call(undefined, 'PATCH', `/quarantine-orders/${elsewhere.id}`, { status: 'released' })).statusCode,
    ).toBe(401);
    // nothing changed
    expect((await orderOf(province.token, f1LongKhanh)).status).toBe('active');
  });
});

describe('GET /api/v1/cases/stats and the chain graph for leaders', () => {
  it('counts cases per local day (zero-filled), open cases and F1 under quarantine in the area, with no names', async () => {
    const leader = await staffToken(env, 'leader', UNITS.province);
    const res = await call(leader.token, 'GET', '/cases/stats?days=7');
    expect(res.statusCode, res.body).toBe(200);
    const stats = res.json();
    expect(stats.casesPerDay).toHaveLength(7);
    expect(stats.casesPerDay.at(-1)).toEqual({ day: today, cases: 1 });
    expect(stats.casesPerDay.slice(0, 6).every((d: { cases: number }) => d.cases === 0)).toBe(true);
    expect(stats).toMatchObject({ unitCode: null, days: 7, openCases: 1, underQuarantine: 2 });
    expect(res.body).not.toContain('Cách Ly');
    // Long Khánh has no case, one person under quarantine
    const longKhanh = (await call(leader.token, 'GET', `/cases/stats?unitCode=${UNITS.longKhanh}`)).json();
    expect(longKhanh).toMatchObject({ unitCode: UNITS.longKhanh, days: 14, openCases: 0, underQuarantine: 1 });
    // a district leader elsewhere sees nothing of Biên Hòa
    const elsewhere = await staffToken(env, 'leader', UNITS.longKhanh);
    expect((await call(elsewhere.token, 'GET', '/cases/stats')).json()).toMatchObject({ openCases: 0 });
  });

  it('draws the chain graph for a leader (display codes, anonymous contacts) and keeps cases themselves closed', async () => {
    const leader = await staffToken(env, 'leader', UNITS.province);
    const graph = await call(leader.token, 'GET', '/cases/graph');
    expect(graph.statusCode, graph.body).toBe(200);
    expect(graph.json().nodes.filter((n: { kind: string }) => n.kind === 'case')).toHaveLength(1);
    expect(graph.body).not.toContain('Cách Ly');
    expect((await call(leader.token, 'GET', '/cases')).statusCode).toBe(403);
  });

  it('400 for a bad window, 401 without a session, 403 for roles without the figures', async () => {
    const leader = await staffToken(env, 'leader', UNITS.province);
    const bad = await call(leader.token, 'GET', '/cases/stats?days=0');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    expect((await call(undefined, 'GET', '/cases/stats')).statusCode).toBe(401);
    for (const role of ['quarantine_officer', 'lab', 'venue_manager']) {
      const other = await staffToken(env, role, UNITS.province);
      expect((await call(other.token, 'GET', '/cases/stats')).statusCode, role).toBe(403);
      expect((await call(other.token, 'GET', '/cases/graph')).statusCode, role).toBe(403);
    }
  });
});

describe('paging the quarantine orders (keyset, like the other long lists)', () => {
  it("pages through every order once, in the list's order, with X-Next-Cursor until the last page", async () => {
    // seven more F1 of the same case, two of them with the same name (the key breaks the tie by id)
    for (const name of [
      'Bùi Văn Ba',
      'Lê Thị Bốn',
      'Lê Thị Bốn',
      'Mai Văn Năm',
      'Ngô Thị Sáu',
      'Phí Văn Bảy',
      'Vũ Tám',
    ]) {
      const personId = await register(name, UNITS.bienHoaCommune);
      const added = await env.app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseId}/contacts`,
        headers: bearer(tracer),
        payload: { person: { personId }, note: 'cùng nhà' },
      });
      expect(added.statusCode, added.body).toBe(201);
    }
    const province = await staffToken(env, 'quarantine_officer', UNITS.province);
    const whole = await call(province.token, 'GET', '/quarantine-orders?status=all');
    expect(whole.headers['x-next-cursor']).toBeUndefined();
    const expected = (whole.json() as Order[]).map((o) => o.id);
    expect(expected.length).toBeGreaterThanOrEqual(9);

    const seen: string[] = [];
    let path = '/quarantine-orders?status=all&limit=2';
    for (let pages = 0; pages < 20; pages++) {
      const res = await call(province.token, 'GET', path);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as Order[];
      seen.push(...page.map((o) => o.id));
      const next = res.headers['x-next-cursor'];
      if (!next) {
        expect(page.length).toBeGreaterThan(0);
        break;
      }
      expect(page).toHaveLength(2);
      path = `/quarantine-orders?status=all&limit=2&after=${next}`;
    }
    expect(seen).toEqual(expected);
  });

  it('400 INVALID_CURSOR for a cursor it did not make', async () => {
    const forged = [
      'bm9wZQ',
      Buffer.from(JSON.stringify(['2026-13-45', 'x', '00000000-0000-4000-8000-000000000000'])).toString('base64url'),
      Buffer.from(JSON.stringify(['2026-12-01', 'x', 'not-a-uuid'])).toString('base64url'),
      Buffer.from(JSON.stringify(['2026-12-01', 'x'])).toString('base64url'),
    ];
    for (const after of forged) {
      const res = await call(officer.token, 'GET', `/quarantine-orders?after=${after}`);
      expect(res.statusCode, after).toBe(400);
      expect(res.json().error.code, after).toBe('INVALID_CURSOR');
    }
  });
});
