/**
 * Contacts outside the tracer's area (issue 10, finding 5): a district tracer who names a contact living in another
 * district learns only that district and the contact's status, never who they are; the tracers of that district
 * get the contact as a task, with identity, and follow it up.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestEnv,
  expectError,
  makeNationalId,
  staffToken,
  type TestEnv,
  UNITS,
} from '../../../../test/harness.ts';

let env: TestEnv;
let registrar: string;
let bienHoaTracer: { token: string; userId: string };
let longKhanhTracer: { token: string; userId: string };
const LONG_KHANH_COMMUNE = '26077';

interface Registered {
  id: string;
  nationalId: string;
  phone: string;
  name: string;
  unitCode: string;
}

let phoneSerial = 0;
async function register(name: string, unitCode: string): Promise<Registered> {
  const nationalId = makeNationalId();
  const phone = `09130004${String(++phoneSerial).padStart(2, '0')}`;
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/people',
    headers: bearer(registrar),
    payload: { nationalId, phone, name, unitCode },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, nationalId, phone, name, unitCode };
}

async function openCase(token: string, personId: string): Promise<string> {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/cases',
    headers: bearer(token),
    payload: { person: { personId }, confirmedAt: new Date().toISOString() },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** True when the text mentions any identifying field of the person (the phone also in its +84 form). */
function mentions(text: string, p: Registered): boolean {
  return [p.name, p.nationalId, p.phone, `+84${p.phone.slice(1)}`, p.unitCode].some((v) => text.includes(v));
}

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  registrar = (await staffToken(env, 'health_worker', UNITS.province)).token;
  bienHoaTracer = await staffToken(env, 'tracer', UNITS.bienHoa);
  longKhanhTracer = await staffToken(env, 'tracer', UNITS.longKhanh);
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('interview contacts who live in another district', () => {
  it('the adding tracer sees "someone in Long Khánh" and the status, never the name, phone, national ID or commune', async () => {
    const f0 = await register('Trần Văn Ca', UNITS.bienHoaCommune);
    const other = await register('Lê Thị Bí Mật', LONG_KHANH_COMMUNE);
    const caseId = await openCase(bienHoaTracer.token, f0.id);

    for (const person of [{ nationalId: other.nationalId }, { phone: other.phone }]) {
      const added = await env.app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseId}/contacts`,
        headers: bearer(bienHoaTracer.token),
        payload: { person, note: 'đi chung xe' },
      });
      expect(added.statusCode, added.body).toBe(201);
      expect(added.json()).toMatchObject({
        outOfScope: true,
        district: { code: UNITS.longKhanh, name: 'Thành phố Long Khánh' },
      });
      expect(mentions(added.body, other)).toBe(false);
    }

    const listed = await env.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${caseId}/contacts`,
      headers: bearer(bienHoaTracer.token),
    });
    expect(listed.statusCode).toBe(200);
    expect(mentions(listed.body, other)).toBe(false);
    const row = listed.json().find((c: { personId: string }) => c.personId === other.id);
    expect(row).toMatchObject({
      outOfScope: true,
      name: null,
      phone: null,
      unitCode: null,
      district: { code: UNITS.longKhanh, name: 'Thành phố Long Khánh' },
      // told by SMS like any new F1
      followUp: 'notified',
      degree: 1,
      // handed over: not the adding tracer's to follow up
      assignedTracerId: null,
    });
    expect(row.quarantine).toMatchObject({ kind: expect.any(String), status: 'active' });

    const graph = await env.app.inject({
      method: 'GET',
      url: '/api/v1/cases/graph',
      headers: bearer(bienHoaTracer.token),
    });
    expect(graph.statusCode).toBe(200);
    expect(mentions(graph.body, other)).toBe(false);

    // a province tracer's area covers both districts: identity shown as before
    const province = await staffToken(env, 'tracer', UNITS.province);
    const full = await env.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${caseId}/contacts`,
      headers: bearer(province.token),
    });
    expect(full.json().find((c: { personId: string }) => c.personId === other.id)).toMatchObject({
      outOfScope: false,
      name: other.name,
      unitCode: other.unitCode,
      district: null,
    });
  });

  it('an unknown national ID answers as before (404 PERSON_NOT_FOUND), a contact in the area shows its identity', async () => {
    const f0 = await register('Phạm Văn Một', UNITS.bienHoaCommune);
    const neighbour = await register('Đỗ Thị Hàng Xóm', UNITS.bienHoaCommune);
    const caseId = await openCase(bienHoaTracer.token, f0.id);
    const unknown = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/contacts`,
      headers: bearer(bienHoaTracer.token),
      payload: { person: { nationalId: '079999999999' } },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('PERSON_NOT_FOUND');

    const local = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/contacts`,
      headers: bearer(bienHoaTracer.token),
      payload: { person: { nationalId: neighbour.nationalId } },
    });
    expect(local.statusCode).toBe(201);
    expect(local.json()).toMatchObject({ outOfScope: false, district: null, personId: neighbour.id });
    const listed = await env.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${caseId}/contacts`,
      headers: bearer(bienHoaTracer.token),
    });
    expect(listed.json().find((c: { personId: string }) => c.personId === neighbour.id)).toMatchObject({
      outOfScope: false,
      name: neighbour.name,
      assignedTracerId: bienHoaTracer.userId,
    });
  });

  it("the contact's district gets it as a task with identity, follows it up, and the case's tracer sees the new status", async () => {
    const f0 = await register('Ngô Văn Hai', UNITS.bienHoaCommune);
    const other = await register('Vũ Thị Được Giao', LONG_KHANH_COMMUNE);
    const caseId = await openCase(bienHoaTracer.token, f0.id);
    const added = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/contacts`,
      headers: bearer(bienHoaTracer.token),
      payload: { person: { phone: other.phone } },
    });
    expect(added.statusCode).toBe(201);
    const displayCode = (
      await env.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}`, headers: bearer(bienHoaTracer.token) })
    ).json().displayCode;

    const tasks = await env.app.inject({
      method: 'GET',
      url: '/api/v1/contact-tasks',
      headers: bearer(longKhanhTracer.token),
    });
    expect(tasks.statusCode).toBe(200);
    const task = tasks.json().find((t: { personId: string }) => t.personId === other.id);
    expect(task).toMatchObject({
      caseId,
      caseDisplayCode: displayCode,
      caseDistrict: { code: UNITS.bienHoa, name: 'Thành phố Biên Hòa' },
      name: other.name,
      phone: `+84${other.phone.slice(1)}`,
      unitCode: other.unitCode,
      degree: 1,
      via: { type: 'manual' },
      followUp: 'notified',
    });
    // the F0 stays the case district's business
    expect(tasks.body).not.toContain(f0.name);
    expect(
      (await env.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}`, headers: bearer(longKhanhTracer.token) }))
        .statusCode,
    ).toBe(404);

    // the case's own district has no task for it (it is their case), and may not update it as a task
    const mine = await env.app.inject({
      method: 'GET',
      url: '/api/v1/contact-tasks',
      headers: bearer(bienHoaTracer.token),
    });
    expect(mine.json().some((t: { personId: string }) => t.personId === other.id)).toBe(false);
    const foreign = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/contact-tasks/${caseId}/${other.id}`,
      headers: bearer(bienHoaTracer.token),
      payload: { followUp: 'reached' },
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('CONTACT_NOT_FOUND');

    const reached = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/contact-tasks/${caseId}/${other.id}`,
      headers: bearer(longKhanhTracer.token),
      payload: { followUp: 'reached' },
    });
    expect(reached.statusCode, reached.body).toBe(200);
    expect(reached.json()).toEqual({ updated: 1 });
    const seen = await env.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${caseId}/contacts`,
      headers: bearer(bienHoaTracer.token),
    });
    expect(seen.json().find((c: { personId: string }) => c.personId === other.id)).toMatchObject({
      followUp: 'reached',
      name: null,
    });
    const filtered = await env.app.inject({
      method: 'GET',
      url: '/api/v1/contact-tasks?followUp=notified',
      headers: bearer(longKhanhTracer.token),
    });
    expect(filtered.json().some((t: { personId: string }) => t.personId === other.id)).toBe(false);

    // every task list read is audited with the people it returned
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'cases.contactTasks')
      .where('actor_id', '=', longKhanhTracer.userId)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect((audit.details as { personIds: string[] }).personIds).toContain(other.id);
  });

  it('task routes: 400 with the exact code, 401, 403 for a role that never traces, 404 for an unknown contact', async () => {
    const f0 = await register('Hồ Văn Ba', UNITS.bienHoaCommune);
    const caseId = await openCase(bienHoaTracer.token, f0.id);
    const bad = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/contact-tasks/${caseId}/${f0.id}`,
      headers: bearer(longKhanhTracer.token),
      payload: { followUp: 'identified' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    const badQuery = await env.app.inject({
      method: 'GET',
      url: '/api/v1/contact-tasks?limit=0',
      headers: bearer(longKhanhTracer.token),
    });
    expect(badQuery.statusCode).toBe(400);
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/contact-tasks' })).statusCode).toBe(401);
    const leader = await staffToken(env, 'leader', UNITS.longKhanh);
    const forbidden = await env.app.inject({
      method: 'GET',
      url: '/api/v1/contact-tasks',
      headers: bearer(leader.token),
    });
    expect(forbidden.statusCode).toBe(403);
    const none = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/contact-tasks/${caseId}/${f0.id}`,
      headers: bearer(longKhanhTracer.token),
      payload: { followUp: 'reached' },
    });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('CONTACT_NOT_FOUND');
  });
});

describe("bulk follow-up: only contacts the tracer may follow up, only orders of the tracer's area", () => {
  const bulk = (token: string, caseId: string, payload: Record<string, unknown>) =>
    env.app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/contacts/bulk`, headers: bearer(token), payload });

  async function addContact(caseId: string, personId: string) {
    const res = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/contacts`,
      headers: bearer(bienHoaTracer.token),
      payload: { person: { personId } },
    });
    expect(res.statusCode, res.body).toBe(201);
  }

  /** The person's contact rows and quarantine order in the case, as stored. */
  async function stored(caseId: string, personId: string) {
    const contact = await env.ctx.db
      .selectFrom('contacts')
      .select(['follow_up', 'assigned_tracer_id'])
      .where('case_id', '=', caseId)
      .where('person_id', '=', personId)
      .executeTakeFirstOrThrow();
    const order = await env.ctx.db
      .selectFrom('quarantine_orders')
      .select(['status', 'unit_code'])
      .where('case_id', '=', caseId)
      .where('person_id', '=', personId)
      .executeTakeFirstOrThrow();
    return { followUp: contact.follow_up, assignedTracerId: contact.assigned_tracer_id, order };
  }

  const moveTo = (personId: string, unitCode: string) =>
    env.ctx.db.updateTable('people').set({ unit_code: unitCode }).where('id', '=', personId).execute();

  it('refuses the whole request (404 CONTACT_NOT_FOUND, nothing changed) when a listed person lives elsewhere or is no contact', async () => {
    const f0 = await register('Lý Văn Bốn', UNITS.bienHoaCommune);
    const local = await register('Mai Thị Gần', UNITS.bienHoaCommune);
    const other = await register('Tạ Văn Xa', LONG_KHANH_COMMUNE);
    const caseId = await openCase(bienHoaTracer.token, f0.id);
    await addContact(caseId, local.id);
    await addContact(caseId, other.id);
    const before = await stored(caseId, other.id);
    expect(before).toMatchObject({ followUp: 'notified', assignedTracerId: null, order: { status: 'active' } });
    expect(before.order.unit_code).toBe(LONG_KHANH_COMMUNE);

    // releasing someone living in Long Khánh (and their Long Khánh order) is not Biên Hòa's to do
    const mixed = await bulk(bienHoaTracer.token, caseId, { personIds: [local.id, other.id], followUp: 'released' });
    expect(expectError(mixed, 404, 'CONTACT_NOT_FOUND').error.details).toEqual({ personIds: [other.id] });
    // nor assigning them a tracer
    const assign = await bulk(bienHoaTracer.token, caseId, {
      personIds: [other.id],
      assignedTracerId: bienHoaTracer.userId,
    });
    expectError(assign, 404, 'CONTACT_NOT_FOUND');
    // someone who is no contact of the case answers the same
    const stranger = randomUUID();
    const none = await bulk(bienHoaTracer.token, caseId, {
      personIds: [local.id, f0.id, stranger],
      followUp: 'reached',
    });
    expect(expectError(none, 404, 'CONTACT_NOT_FOUND').error.details).toEqual({ personIds: [f0.id, stranger] });
    // nothing at all was changed: not even the contact in the area
    expect(await stored(caseId, other.id)).toEqual(before);
    expect(await stored(caseId, local.id)).toMatchObject({ followUp: 'notified', order: { status: 'active' } });

    // the contacts of the area are the tracer's: changed, their order released, audited naming them
    const ok = await bulk(bienHoaTracer.token, caseId, { personIds: [local.id, local.id], followUp: 'released' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ updated: 1 });
    expect(await stored(caseId, local.id)).toMatchObject({ followUp: 'released', order: { status: 'released' } });
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select(['unit_code', 'details'])
      .where('action', '=', 'cases.bulkContacts')
      .where('resource_id', '=', caseId)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      unit_code: UNITS.bienHoaCommune,
      details: { people: 1, personIds: [local.id], followUp: 'released', ordersReleased: 1 },
    });

    // Long Khánh's tracers still follow their resident up (the contact task), order and all
    const task = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/contact-tasks/${caseId}/${other.id}`,
      headers: bearer(longKhanhTracer.token),
      payload: { followUp: 'released' },
    });
    expect(task.statusCode, task.body).toBe(200);
    expect(await stored(caseId, other.id)).toMatchObject({ followUp: 'released', order: { status: 'released' } });
  });

  it('a released follow-up leaves an order issued in another area active, by bulk or as a contact task', async () => {
    const f0 = await register('Châu Văn Năm', UNITS.bienHoaCommune);
    // ordered in Long Khánh, since moved to Biên Hòa: Biên Hòa follows them up, the order is Long Khánh's
    const cameHere = await register('Kha Thị Đến', LONG_KHANH_COMMUNE);
    // ordered in Biên Hòa, since moved to Long Khánh: the other way round
    const wentAway = await register('Lâm Văn Đi', UNITS.bienHoaCommune);
    const caseId = await openCase(bienHoaTracer.token, f0.id);
    await addContact(caseId, cameHere.id);
    await addContact(caseId, wentAway.id);
    await moveTo(cameHere.id, UNITS.bienHoaCommune);
    await moveTo(wentAway.id, LONG_KHANH_COMMUNE);

    const ok = await bulk(bienHoaTracer.token, caseId, { personIds: [cameHere.id], followUp: 'released' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await stored(caseId, cameHere.id)).toMatchObject({
      followUp: 'released',
      order: { status: 'active', unit_code: LONG_KHANH_COMMUNE },
    });
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'cases.bulkContacts')
      .where('resource_id', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ personIds: [cameHere.id], ordersReleased: 0 });

    const task = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/contact-tasks/${caseId}/${wentAway.id}`,
      headers: bearer(longKhanhTracer.token),
      payload: { followUp: 'released' },
    });
    expect(task.statusCode, task.body).toBe(200);
    expect(await stored(caseId, wentAway.id)).toMatchObject({
      followUp: 'released',
      order: { status: 'active', unit_code: UNITS.bienHoaCommune },
    });
  });
});
