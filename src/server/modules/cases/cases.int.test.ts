import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  citizenToken,
  createTestEnv,
  makeNationalId,
  staffToken,
  type TestEnv,
  UNITS,
} from '../../../../test/harness.ts';
import { TEST_RESULT_POSITIVE } from './schemas.ts';

let env: TestEnv;
let tracer: string;
let door: string;
let manager: { token: string; personId: string };
let venue: { id: string; qr: string };
const MIN = 60_000;

/** A citizen signed in by phone who has completed the profile (lives in a Biên Hòa commune). */
async function resident(phone: string) {
  const c = await citizenToken(env, phone);
  const res = await env.app.inject({
    method: 'PUT',
    url: '/api/v1/me/profile',
    headers: bearer(c.token),
    payload: { name: `Cư dân ${phone.slice(-3)}`, unitCode: UNITS.bienHoaCommune },
  });
  expect(res.statusCode).toBe(200);
  return c;
}

/** Each test gets its own market so their visitors never meet. */
async function newMarket(name: string) {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    headers: bearer(manager.token),
    payload: {
      name,
      category: 'market_supermarket_mall_shop',
      unitCode: UNITS.bienHoaCommune,
      address: '1 Cách Mạng Tháng Tám',
      defaultStayMinutes: 60,
    },
  });
  expect(res.statusCode).toBe(201);
  venue = res.json();
}

/**
 * The person was at the market at `at` (hours ago): the market's door scanned their personal QR and its offline
 * queue synced the scan later, with its time (only a staff door may send past times).
 */
async function checkin(personToken: string, at: Date) {
  const qr = (await env.app.inject({ method: 'GET', url: '/api/v1/me/qr', headers: bearer(personToken) })).json().qr;
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/checkins/batch',
    headers: bearer(door),
    payload: {
      items: [{ idempotencyKey: `k-${randomUUID()}`, venueId: venue.id, personQr: qr, at: at.toISOString() }],
    },
  });
  expect(res.statusCode).toBe(200);
  expect(res.json().results[0].status).toBe(201);
  return res.json().results[0].checkin.id as string;
}

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  tracer = (await staffToken(env, 'tracer', UNITS.province)).token;
  door = (await staffToken(env, 'venue_manager', UNITS.bienHoa)).token;
  manager = await citizenToken(env, '0912000301');
});
afterAll(async () => {
  await env?.close();
});

describe('cases and automatic tracing', () => {
  it('a tracer confirms a case: F1 from venue co-presence and household, F2 through an F1, with evidence, notifications and quarantine', async () => {
    await newMarket('Chợ Biên Hòa');
    const now = Date.now();
    const f0 = await resident('0912000310');
    const f1 = await resident('0912000311');
    const f2 = await resident('0912000312');
    const stranger = await resident('0912000313');
    // F0 and F1 at the market together (overlap 40 min); the stranger leaves as the F0 arrives (touching)
    await checkin(f0.token, new Date(now - 5 * 3600_000));
    await checkin(f1.token, new Date(now - 5 * 3600_000 + 20 * MIN));
    const strangerIn = await checkin(stranger.token, new Date(now - 6 * 3600_000 - 30 * MIN));
    await env.app.inject({
      method: 'POST',
      url: `/api/v1/checkins/${strangerIn}/checkout`,
      headers: bearer(stranger.token),
      payload: { at: new Date(now - 5 * 3600_000).toISOString() },
    });
    // F1 later meets F2 at the market again (2 h later)
    await checkin(f1.token, new Date(now - 2 * 3600_000));
    await checkin(f2.token, new Date(now - 2 * 3600_000 + 10 * MIN));

    // the F0 lives with a child (household member without a phone, managed by the F0)
    const child = await env.app.inject({
      method: 'POST',
      url: '/api/v1/me/dependants',
      headers: bearer(f0.token),
      payload: { name: 'Bé An', relation: 'child', birthYear: 2018, unitCode: UNITS.bienHoaCommune },
    });
    expect(child.statusCode).toBe(201);
    const household = await env.app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: bearer((await staffToken(env, 'health_worker', UNITS.bienHoa)).token),
      payload: { unitCode: UNITS.bienHoaCommune, memberIds: [f0.personId, child.json().id] },
    });
    expect(household.statusCode).toBe(201);

    const created = await env.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: bearer(tracer),
      payload: {
        person: { phone: '0912000310' },
        confirmedAt: new Date(now - 3600_000).toISOString(),
        onsetAt: new Date(now - 26 * 3600_000).toISOString(),
      },
    });
    expect(created.statusCode).toBe(201);
    const { id, displayCode } = created.json();
    expect(displayCode).toMatch(/^BN75-\d{6}$/);

    const contacts = await env.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${id}/contacts?degree=1`,
      headers: bearer(tracer),
    });
    expect(contacts.statusCode).toBe(200);
    const f1s = contacts.json();
    expect(f1s.map((c: { personId: string }) => c.personId).sort()).toEqual([f1.personId, child.json().id].sort());
    // household first (strongest), then venue with its evidence
    expect(f1s[0].via.type).toBe('household');
    expect(f1s[1]).toMatchObject({
      personId: f1.personId,
      degree: 1,
      via: { type: 'venue', venueId: venue.id, overlapMinutes: 40 },
    });
    expect(f1s.find((c: { personId: string }) => c.personId === stranger.personId)).toBeUndefined();

    const second = await env.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${id}/contacts?degree=2`,
      headers: bearer(tracer),
    });
    expect(second.json()).toEqual([
      expect.objectContaining({
        personId: f2.personId,
        degree: 2,
        via: expect.objectContaining({ type: 'venue', throughPersonId: f1.personId }),
      }),
    ]);

    const stays = await env.app.inject({ method: 'GET', url: `/api/v1/cases/${id}/venues`, headers: bearer(tracer) });
    expect(stays.json()).toEqual([expect.objectContaining({ venueId: venue.id, overlapCount: 1 })]);

    // notifications went through the outbox; the F1 sees the exposure (without the case) and the quarantine order
    await env.ctx.jobs.drain();
    const sms = await env.ctx.db
      .selectFrom('notify_fake_messages')
      .select(['recipient', 'text'])
      .where('recipient', '=', '+84912000311')
      .execute();
    expect(sms.some((m) => m.text.includes('F1') && m.text.includes('Cho Bien Hoa'))).toBe(true);
    const f2sms = await env.ctx.db
      .selectFrom('notify_fake_messages')
      .select('text')
      .where('recipient', '=', '+84912000312')
      .execute();
    expect(f2sms.some((m) => m.text.includes('F2'))).toBe(true);
    const exposures = await env.app.inject({ method: 'GET', url: '/api/v1/me/exposures', headers: bearer(f1.token) });
    expect(exposures.json()[0]).toMatchObject({ kind: 'venue', venueName: 'Chợ Biên Hòa', degree: 1 });
    expect(JSON.stringify(exposures.json())).not.toContain(f0.personId);
    const quarantine = await env.app.inject({ method: 'GET', url: '/api/v1/me/quarantine', headers: bearer(f1.token) });
    expect(quarantine.json()[0]).toMatchObject({ kind: 'home', status: 'active' });

    // re-tracing adds nothing and notifies nobody twice
    const before = await env.ctx.db
      .selectFrom('notify_fake_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const retrace = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${id}/retrace`,
      headers: bearer(tracer),
    });
    expect(retrace.json()).toMatchObject({ f1: 2, f2: 1, newF1: 0, newF2: 0 });
    await env.ctx.jobs.drain();
    const after = await env.ctx.db
      .selectFrom('notify_fake_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));

    // bulk follow-up
    const bulk = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${id}/contacts/bulk`,
      headers: bearer(tracer),
      payload: { personIds: [f1.personId], followUp: 'reached' },
    });
    expect(bulk.json()).toEqual({ updated: 1 });

    // the chain graph has the case and its F1 links
    const graph = await env.app.inject({ method: 'GET', url: '/api/v1/cases/graph', headers: bearer(tracer) });
    expect(graph.json().nodes.some((n: { id: string }) => n.id === id)).toBe(true);
    expect(graph.json().edges.length).toBeGreaterThanOrEqual(2);
  });

  it('a late check-in synced after tracing adds the missed contact', async () => {
    await newMarket('Chợ Tân Mai');
    const now = Date.now();
    const f0 = await resident('0912000320');
    const late = await resident('0912000321');
    await checkin(f0.token, new Date(now - 4 * 3600_000));
    const created = await env.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: bearer(tracer),
      payload: { person: { phone: '0912000320' }, confirmedAt: new Date(now - 60_000).toISOString() },
    });
    const { id } = created.json();
    expect(
      (await env.app.inject({ method: 'GET', url: `/api/v1/cases/${id}/contacts`, headers: bearer(tracer) })).json(),
    ).toEqual([]);
    await checkin(late.token, new Date(now - 4 * 3600_000 + 5 * MIN));
    await env.ctx.jobs.drain();
    const contacts = (
      await env.app.inject({ method: 'GET', url: `/api/v1/cases/${id}/contacts`, headers: bearer(tracer) })
    ).json();
    expect(contacts.map((c: { personId: string }) => c.personId)).toContain(late.personId);
  });

  it('a test.result.positive event written to the outbox opens a case by itself, once', async () => {
    const person = await resident('0912000330');
    const event = {
      resultId: 'lab-75-000123',
      personId: person.personId,
      sampleTakenAt: new Date(Date.now() - 86_400_000).toISOString(),
      resultAt: new Date().toISOString(),
      testType: 'rt_pcr' as const,
    };
    await env.ctx.jobs.enqueue(env.ctx.db, TEST_RESULT_POSITIVE, event);
    await env.ctx.jobs.enqueue(env.ctx.db, TEST_RESULT_POSITIVE, event);
    await env.ctx.jobs.drain();
    const cases = await env.ctx.db.selectFrom('cases').selectAll().where('person_id', '=', person.personId).execute();
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ origin: 'test_result', origin_ref: 'lab-75-000123', status: 'confirmed' });
  });

  it('cases opened at the same moment are traced together: own codes and contacts, one case per person', async () => {
    await newMarket('Chợ Tân Hiệp');
    const people = [];
    for (let i = 0; i < 5; i++) people.push(await resident(`091200036${i}`));
    const t0 = new Date(Date.now() - 3 * 3600_000);
    for (const p of people) await checkin(p.token, t0);
    const open = (personId: string) =>
      env.app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: bearer(tracer),
        payload: { person: { personId }, confirmedAt: new Date().toISOString() },
      });
    const [a, b, c, again, d] = [people[0], people[1], people[2], people[0], people[3]].map(
      (p) => p?.personId as string,
    );
    // a positive test for the fifth person arrives twice at the same moment, alongside the tracers' requests
    const event = { kind: 'test_result' as const, ref: 'lab-75-burst-1' };
    const system = { kind: 'system' as const, name: 'testing' };
    const fifth = { person: { personId: people[4]?.personId as string }, confirmedAt: new Date().toISOString() };
    const service = env.ctx.services.cases;
    const [ra, rb, rc, rAgain, rd, e1, e2] = await Promise.all([
      open(a as string),
      open(b as string),
      open(c as string),
      open(again as string),
      open(d as string),
      service.openCase(system, fifth, event),
      service.openCase(system, fifth, event),
    ]);
    // the same person twice: whichever reached the opener first made the case, the other is told which
    const [winner, loser] = ra?.statusCode === 201 ? [ra, rAgain] : [rAgain, ra];
    expect(loser?.statusCode).toBe(409);
    expect(loser?.json()).toMatchObject({ error: { code: 'CASE_EXISTS' }, id: winner?.json().id });
    const created = [winner, rb, rc, rd].map((r) => {
      expect(r?.statusCode).toBe(201);
      return r?.json() as { id: string; displayCode: string; contacts: { f1: number } };
    });
    expect(e2.id).toBe(e1.id);
    const codes = [...created.map((x) => x.displayCode), e1.displayCode];
    expect(new Set(codes).size).toBe(5);
    for (const code of codes) expect(code).toMatch(/^BN75-\d{6}$/);
    // everyone was at the market together: each case's F1 are the other four, with the venue as evidence
    for (const [k, x] of created.entries()) {
      expect(x.contacts.f1).toBe(4);
      const res = await env.app.inject({
        method: 'GET',
        url: `/api/v1/cases/${x.id}/contacts?degree=1`,
        headers: bearer(tracer),
      });
      const contacts = res.json() as Array<{ personId: string; via: { type: string; venueId?: string } }>;
      const mine = [a, b, c, d][k];
      expect(contacts.map((r) => r.personId).sort()).toEqual(
        people
          .map((p) => p.personId)
          .filter((id) => id !== mine)
          .sort(),
      );
      for (const r of contacts) expect(r.via).toMatchObject({ type: 'venue', venueId: venue.id });
    }
    const stored = await env.ctx.db
      .selectFrom('cases')
      .select(['person_id', 'traced_at'])
      .where(
        'person_id',
        'in',
        people.map((p) => p.personId),
      )
      .execute();
    expect(stored).toHaveLength(5);
    for (const c of stored) expect(c.traced_at).toBeInstanceOf(Date);
  });

  it('refuses an unknown person, onset after confirmation, a second open case, and staff out of scope', async () => {
    const unknown = await env.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: bearer(tracer),
      payload: { person: { nationalId: makeNationalId() }, confirmedAt: new Date().toISOString() },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('PERSON_NOT_FOUND');
    const p = await resident('0912000340');
    const onset = await env.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: bearer(tracer),
      payload: {
        person: { personId: p.personId },
        confirmedAt: new Date(Date.now() - 86_400_000).toISOString(),
        onsetAt: new Date().toISOString(),
      },
    });
    expect(onset.statusCode).toBe(400);
    expect(onset.json().error.code).toBe('CASE_ONSET_AFTER_CONFIRMATION');
    const first = await env.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: bearer(tracer),
      payload: { person: { personId: p.personId }, confirmedAt: new Date().toISOString() },
    });
    expect(first.statusCode).toBe(201);
    const dup = await env.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: bearer(tracer),
      payload: { person: { personId: p.personId }, confirmedAt: new Date().toISOString() },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ id: first.json().id, error: { code: 'CASE_EXISTS' } });
    const hanoiTracer = await staffToken(env, 'tracer', UNITS.longKhanh);
    const hidden = await env.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${first.json().id}`,
      headers: bearer(hanoiTracer.token),
    });
    expect(hidden.statusCode).toBe(404);
    const leader = await staffToken(env, 'leader', UNITS.province);
    const forbidden = await env.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${first.json().id}/contacts`,
      headers: bearer(leader.token),
    });
    expect(forbidden.statusCode).toBe(403);
  });

  it('an interview contact is notified and ordered into quarantine like any new F1, once', async () => {
    const f0 = await resident('0912000370');
    const named = await resident('0912000371');
    const opened = await env.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: bearer(tracer),
      payload: { person: { personId: f0.personId }, confirmedAt: new Date().toISOString() },
    });
    expect(opened.statusCode).toBe(201);
    const id = opened.json().id as string;
    const lastContactAt = new Date(Date.now() - 86_400_000).toISOString();
    const add = () =>
      env.app.inject({
        method: 'POST',
        url: `/api/v1/cases/${id}/contacts`,
        headers: bearer(tracer),
        payload: { person: { personId: named.personId }, note: 'ăn trưa cùng bàn', lastContactAt },
      });
    const added = await add();
    expect(added.statusCode).toBe(201);
    expect(added.json().contactId).toEqual(expect.any(String));
    const listed = await env.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${id}/contacts`,
      headers: bearer(tracer),
    });
    expect(listed.json()).toEqual([
      expect.objectContaining({
        personId: named.personId,
        degree: 1,
        via: expect.objectContaining({ type: 'manual' }),
      }),
    ]);
    expect(listed.json()[0].followUp).toBe('notified');

    await env.ctx.jobs.drain();
    const texts = async () =>
      (
        await env.ctx.db
          .selectFrom('notify_fake_messages')
          .select('text')
          .where('recipient', '=', '+84912000371')
          .where('text', 'like', '%F1%')
          .execute()
      ).map((m) => m.text);
    expect(await texts()).toHaveLength(1);
    const exposures = await env.app.inject({
      method: 'GET',
      url: '/api/v1/me/exposures',
      headers: bearer(named.token),
    });
    expect(exposures.json()).toEqual([expect.objectContaining({ kind: 'manual', degree: 1, venueId: null })]);
    expect(JSON.stringify(exposures.json())).not.toContain(f0.personId);
    const quarantine = await env.app.inject({
      method: 'GET',
      url: '/api/v1/me/quarantine',
      headers: bearer(named.token),
    });
    expect(quarantine.json()).toEqual([expect.objectContaining({ kind: 'home', status: 'active' })]);

    // the same interview entered twice: nothing new stored, nobody told twice
    const again = await add();
    expect(again.statusCode).toBe(201);
    expect(again.json().contactId).toBeNull();
    await env.ctx.jobs.drain();
    expect(await texts()).toHaveLength(1);
  });

  it('alerts everyone present at a venue in a window, with a preview count first', async () => {
    await newMarket('Chợ Long Bình');
    const now = Date.now();
    const f0 = await resident('0912000350');
    const buyers = await Promise.all(['0912000351', '0912000352', '0912000353'].map((p) => resident(p)));
    for (const [i, b] of buyers.entries()) await checkin(b.token, new Date(now - (3 + i) * 3600_000));
    const created = await env.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: bearer(tracer),
      payload: { person: { personId: f0.personId }, confirmedAt: new Date().toISOString() },
    });
    const body = {
      caseId: created.json().id,
      from: new Date(now - 6 * 3600_000).toISOString(),
      to: new Date(now).toISOString(),
    };
    const preview = await env.app.inject({
      method: 'POST',
      url: `/api/v1/venues/${venue.id}/alert/preview`,
      headers: bearer(tracer),
      payload: body,
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().people).toBeGreaterThanOrEqual(3);
    expect(preview.json().notified).toBe(0);
    const sent = await env.app.inject({
      method: 'POST',
      url: `/api/v1/venues/${venue.id}/alert`,
      headers: bearer(tracer),
      payload: body,
    });
    expect(sent.json().notified).toBeGreaterThanOrEqual(3);
    const contacts = (
      await env.app.inject({
        method: 'GET',
        url: `/api/v1/cases/${created.json().id}/contacts?degree=1`,
        headers: bearer(tracer),
      })
    ).json();
    for (const b of buyers) expect(contacts.map((c: { personId: string }) => c.personId)).toContain(b.personId);
  });

  it("audits the F0's stays naming the F0, a re-trace with its counts, and a status correction with the status it replaced", async () => {
    await newMarket('Chợ Long Bình');
    const now = Date.now();
    const f0 = await resident('0912000390');
    const f1 = await resident('0912000391');
    await checkin(f0.token, new Date(now - 3 * 3600_000));
    await checkin(f1.token, new Date(now - 3 * 3600_000 + 10 * MIN));
    const created = await env.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: bearer(tracer),
      payload: { person: { personId: f0.personId }, confirmedAt: new Date(now - MIN).toISOString() },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id: string = created.json().id;
    const auditOf = (action: string) =>
      env.ctx.db
        .selectFrom('audit_log')
        .select(['unit_code', 'details'])
        .where('action', '=', action)
        .where('resource_id', '=', id)
        .orderBy('id')
        .execute();

    // the F0's movements are an access to the F0 (`truyvet audit who-viewed`)
    const stays = await env.app.inject({ method: 'GET', url: `/api/v1/cases/${id}/venues`, headers: bearer(tracer) });
    expect(stays.statusCode).toBe(200);
    expect(await auditOf('cases.venues')).toMatchObject([
      { unit_code: UNITS.bienHoaCommune, details: { stays: 1, personIds: [f0.personId] } },
    ]);

    // a re-trace can order people into quarantine and message them: audited with the case, its unit and the counts
    const retrace = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${id}/retrace`,
      headers: bearer(tracer),
    });
    expect(retrace.statusCode).toBe(200);
    expect(await auditOf('cases.retrace')).toMatchObject([
      { unit_code: UNITS.bienHoaCommune, details: { caseId: id, f1: 1, f2: 0, newF1: 0, newF2: 0 } },
    ]);

    // a confirmed case may be corrected back to suspected: the log says from what to what
    const corrected = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/cases/${id}`,
      headers: bearer(tracer),
      payload: { status: 'suspected' },
    });
    expect(corrected.statusCode, corrected.body).toBe(200);
    expect(corrected.json().status).toBe('suspected');
    const again = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/cases/${id}`,
      headers: bearer(tracer),
      payload: { status: 'confirmed' },
    });
    expect(again.statusCode).toBe(200);
    expect((await auditOf('cases.update')).map((r) => r.details)).toMatchObject([
      { status: 'suspected', previousStatus: 'confirmed' },
      { status: 'confirmed', previousStatus: 'suspected' },
    ]);
  });
});
