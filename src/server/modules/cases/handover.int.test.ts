/**
 * Contacts outside the tracer's area (issue 10, finding 5): a district tracer who names a contact living in another
 * district learns only that district and the contact's status, never who they are; the tracers of that district
 * get the contact as a task, with identity, and follow it up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestEnv, makeNationalId, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

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
