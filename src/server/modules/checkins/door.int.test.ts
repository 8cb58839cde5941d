/**
 * What the door is told about the person whose personal QR it scanned (issue 11, item 7): name — masked unless the
 * account may read the person's record — birth year and the day's declaration badge, on the live answer and on the
 * offline queue's (the batch endpoint); nothing about the person for typed or door-code check-ins (that would tell
 * the door whether a national ID or phone is known); every door answer audited, a venue's citizen manager's too; a
 * replay is the stored answer as it was, for a door that may still act at the venue (security review, findings 1a
 * and 5).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  bearer,
  citizenToken,
  createTestEnv,
  expectError,
  makeNationalId,
  staffToken,
  type TestEnv,
  UNITS,
} from '../../../../test/harness.ts';
import { maskPersonName } from '../people/policy.ts';

let env: TestEnv;
let manager: { token: string; personId: string };
let an: { token: string; personId: string; qr: string };
const LONG_KHANH_COMMUNE = '26077';

const NO = {
  fever: false,
  cough: false,
  breath: false,
  sore_throat: false,
  taste_smell: false,
  fatigue: false,
  contact_f0: false,
  outbreak_area: false,
  from_abroad: false,
  vaccine_doses: '2',
};

async function call(method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: object, key?: string) {
  return env.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...bearer(token), ...(key ? { 'idempotency-key': key } : {}) },
    ...(payload ? { payload } : {}),
  });
}

async function newVenue(token: string, unitCode: string = UNITS.bienHoaCommune): Promise<string> {
  const res = await call('POST', '/venues', token, {
    name: `Quán ${Math.random().toString(36).slice(2, 8)}`,
    category: 'restaurant_cafe',
    unitCode,
    address: '1 Đồng Khởi',
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** A venue the manager registered, verified by the commune: its managers may check people in at its door. */
async function verifiedVenue(token: string): Promise<string> {
  const id = await newVenue(token);
  const health = await staffToken(env, 'health_worker', UNITS.bienHoa);
  const res = await call('POST', `/venues/${id}/verify`, health.token);
  expect(res.statusCode, res.body).toBe(200);
  return id;
}

async function doorAudit(actorId: string, personId: string) {
  return env.ctx.db
    .selectFrom('audit_log')
    .select(['actor_type', 'action', 'details'])
    .where('actor_id', '=', actorId)
    .where('resource_type', '=', 'person')
    .where('resource_id', '=', personId)
    .where('action', '=', 'checkins.create')
    .orderBy('id')
    .execute();
}

beforeAll(async () => {
  env = await createTestEnv();
  manager = await citizenToken(env, '0912000301');
  const citizen = await citizenToken(env, '0912000302');
  await env.ctx.db
    .updateTable('people')
    .set({ name: 'Nguyễn Văn An', birth_year: 1990, unit_code: UNITS.bienHoaCommune })
    .where('id', '=', citizen.personId)
    .execute();
  const qr = (await call('GET', '/me/qr', citizen.token)).json().qr;
  an = { ...citizen, qr };
});
afterAll(async () => {
  await env?.close();
});

describe('maskPersonName', () => {
  it('keeps the given name and the initials of the others', () => {
    expect(maskPersonName('Nguyễn Văn An')).toBe('N. V. An');
    expect(maskPersonName('  Đỗ   thị  Hồng Nhung ')).toBe('Đ. t. H. Nhung');
    expect(maskPersonName('An')).toBe('An');
    // a name written with combining marks is composed first: the initial is one letter, not a bare base letter
    expect(maskPersonName('E\u0302\u0301 Va\u0306n Ba')).toBe('Ế. V. Ba');
  });
});

describe('the door scans a personal QR', () => {
  it('refuses every door check-in at a venue the commune has not verified (403 VENUE_NOT_VERIFIED), writing and showing nothing', async () => {
    const venueId = await newVenue(manager.token);
    const before = await doorAudit(manager.personId, an.personId);
    expectError(
      await call('POST', '/checkins', manager.token, { venueId, personQr: an.qr }),
      403,
      'VENUE_NOT_VERIFIED',
    );
    const queued = await call('POST', '/checkins/batch', manager.token, {
      items: [{ idempotencyKey: `door-${Date.now()}-u`, venueId, personQr: an.qr }],
    });
    // in a batch (a door's offline queue) the refusal is the item's own: the queue drops it as final
    expect(queued.statusCode).toBe(200);
    expect(queued.json().results[0]).toMatchObject({ status: 403, error: { code: 'VENUE_NOT_VERIFIED' } });
    expectError(
      await call('POST', '/checkins', manager.token, { venueId, nationalId: makeNationalId(), name: 'Ai đó' }),
      403,
      'VENUE_NOT_VERIFIED',
    );
    expectError(
      await call('POST', '/checkins/door-codes', manager.token, { venueId, phone: '0912000399' }),
      403,
      'VENUE_NOT_VERIFIED',
    );
    const rows = await env.ctx.db.selectFrom('checkins').select('id').where('venue_id', '=', venueId).execute();
    expect(rows).toEqual([]);
    expect(await doorAudit(manager.personId, an.personId)).toEqual(before);
    // a staff account checks people in at any venue of its area, verified or not
    const health = await staffToken(env, 'health_worker', UNITS.bienHoa);
    expect((await call('POST', '/checkins', health.token, { venueId, personQr: an.qr })).statusCode).toBe(201);
  });

  it("shows a venue's citizen manager the masked name, birth year and grey badge through the offline queue, audited", async () => {
    const venueId = await verifiedVenue(manager.token);
    const res = await call('POST', '/checkins/batch', manager.token, {
      items: [{ idempotencyKey: `door-${Date.now()}-1`, venueId, personQr: an.qr }],
    });
    expect(res.statusCode, res.body).toBe(200);
    const [item] = res.json().results;
    expect(item.status).toBe(201);
    expect(item.checkin.person).toEqual({ name: 'N. V. An', nameMasked: true, birthYear: 1990 });
    expect(item.checkin.badge).toEqual({ colour: 'grey', validUntil: null });
    const audit = await doorAudit(manager.personId, an.personId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: 'citizen', details: { evidence: 'qr_personal', shown: 'masked' } });
  });

  it('shows the full name to a health worker whose area holds the person, and the green badge once declared', async () => {
    const declared = await call('POST', '/declarations', an.token, { type: 'domestic', answers: NO });
    expect(declared.statusCode, declared.body).toBe(201);
    const health = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const venueId = await newVenue(health.token);
    const k = `door-${Date.now()}-2`;
    const res = await call('POST', '/checkins', health.token, { venueId, personQr: an.qr }, k);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().person).toEqual({ name: 'Nguyễn Văn An', nameMasked: false, birthYear: 1990 });
    expect(res.json().badge).toMatchObject({ colour: 'green' });
    expect(await doorAudit(health.userId, an.personId)).toMatchObject([{ details: { shown: 'full' } }]);

    // a retry of the same request gets the stored answer as it was — no new look-up of the badge or of who it is —
    // and the door seeing the check-in again is audited too
    const again = await call('POST', '/checkins', health.token, { venueId, personQr: an.qr }, k);
    expect(again.statusCode, again.body).toBe(200);
    const { badge: _badge, person: _person, ...stored } = res.json();
    expect(again.json()).toEqual(stored);
    expect(await doorAudit(health.userId, an.personId)).toMatchObject([
      { details: { shown: 'full' } },
      { details: { checkinId: res.json().id, replay: true } },
    ]);
  });

  it('answers a replay only to a door that may still act at the venue, and never with a fresh badge', async () => {
    const door = await citizenToken(env, '0912000308');
    const venueId = await verifiedVenue(door.token);
    const guest = await citizenToken(env, '0912000309');
    const qr = (await call('GET', '/me/qr', guest.token)).json().qr;
    const k = `door-${Date.now()}-r`;
    const first = await call('POST', '/checkins', door.token, { venueId, personQr: qr }, k);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().badge).toEqual({ colour: 'grey', validUntil: null });

    // the person declares later: a replay does not read today's badge again
    expect((await call('POST', '/declarations', guest.token, { type: 'domestic', answers: NO })).statusCode).toBe(201);
    const replay = await call('POST', '/checkins', door.token, { venueId, personQr: qr }, k);
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.json().badge).toBeUndefined();
    expect(replay.json().person).toBeUndefined();
    expect(replay.json()).toMatchObject({ id: first.json().id, personId: guest.personId, evidence: 'qr_personal' });

    // no longer a manager of the venue: the same key is refused as a new check-in would be, and not audited
    await env.ctx.db
      .deleteFrom('venue_managers')
      .where('venue_id', '=', venueId)
      .where('person_id', '=', door.personId)
      .execute();
    await env.ctx.services.venues.loadCached(venueId, true);
    const audited = (await doorAudit(door.personId, guest.personId)).length;
    const gone = await call('POST', '/checkins', door.token, { venueId, personQr: qr }, k);
    expectError(gone, 404, 'VENUE_NOT_FOUND');
    expect(gone.json().id).toBeUndefined();
    const goneQueued = await call('POST', '/checkins/batch', door.token, {
      items: [{ idempotencyKey: k, venueId, personQr: qr }],
    });
    expect(goneQueued.statusCode).toBe(200);
    expect(goneQueued.json().results[0]).toMatchObject({ status: 404, error: { code: 'VENUE_NOT_FOUND' } });
    expect(goneQueued.json().results[0].checkin).toBeUndefined();
    expect((await doorAudit(door.personId, guest.personId)).length).toBe(audited);
  });

  it('answers the same personal QR scanned again within minutes with the check-in it repeats (409, existingId), by any route', async () => {
    const health = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const venueId = await newVenue(health.token);
    const guest = await citizenToken(env, '0912000310');
    const qr = (await call('GET', '/me/qr', guest.token)).json().qr;
    const first = await call('POST', '/checkins', health.token, { venueId, personQr: qr });
    expect(first.statusCode, first.body).toBe(201);
    const existingId = first.json().id;
    const again = await call('POST', '/checkins', health.token, { venueId, personQr: qr }, `door-${Date.now()}-a`);
    expect(expectError(again, 409, 'CHECKIN_DUPLICATE').error.details).toEqual({ existingId });
    const batch = await call('POST', '/checkins/batch', health.token, {
      items: [{ idempotencyKey: `door-${Date.now()}-b`, venueId, personQr: qr, live: true }],
    });
    expect(batch.json().results[0]).toMatchObject({ status: 409, error: { details: { existingId } } });
    const queued = await call('POST', '/checkins/batch', health.token, {
      items: [
        {
          idempotencyKey: `door-${Date.now()}-c`,
          venueId,
          personQr: qr,
          at: new Date(Date.now() - 3 * 60_000).toISOString(),
        },
      ],
    });
    expect(queued.json().results[0]).toMatchObject({ status: 409, error: { details: { existingId } } });
    const rows = await env.ctx.db
      .selectFrom('checkins')
      .select('id')
      .where('venue_id', '=', venueId)
      .where('person_id', '=', guest.personId)
      .execute();
    expect(rows).toEqual([{ id: existingId }]);
  });

  it("audits a verified venue's citizen manager typing someone in, and shows the badge but never who it is", async () => {
    const venueId = await verifiedVenue(manager.token);
    const res = await call('POST', '/checkins', manager.token, {
      venueId,
      nationalId: makeNationalId(),
      name: 'Bà Út',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ evidence: 'typed_staff', badge: { colour: 'grey' } });
    expect(res.json().person).toBeUndefined();
    expect(await doorAudit(manager.personId, res.json().personId)).toMatchObject([
      { actor_type: 'citizen', details: { venueId, method: 'staff_manual', evidence: 'typed_staff' } },
    ]);
  });

  it("masks the name for staff who may not read the person: a venue-manager role, another district's health worker", async () => {
    const gate = await staffToken(env, 'venue_manager', UNITS.bienHoa);
    const gateVenue = await newVenue(gate.token);
    const byGate = await call('POST', '/checkins', gate.token, { venueId: gateVenue, personQr: an.qr });
    expect(byGate.statusCode, byGate.body).toBe(201);
    expect(byGate.json().person).toEqual({ name: 'N. V. An', nameMasked: true, birthYear: 1990 });

    const elsewhere = await staffToken(env, 'health_worker', UNITS.longKhanh);
    const venueId = await newVenue(elsewhere.token, LONG_KHANH_COMMUNE);
    const res = await call('POST', '/checkins', elsewhere.token, { venueId, personQr: an.qr });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().person).toMatchObject({ name: 'N. V. An', nameMasked: true });
    expect(await doorAudit(elsewhere.userId, an.personId)).toMatchObject([{ details: { shown: 'masked' } }]);
  });

  it('gives no name for someone who never gave one, and nothing about the person for a typed national ID', async () => {
    const nameless = await citizenToken(env, '0912000303');
    const qr = (await call('GET', '/me/qr', nameless.token)).json().qr;
    const health = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const venueId = await newVenue(health.token);
    const res = await call('POST', '/checkins', health.token, { venueId, personQr: qr });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().person).toEqual({ name: null, nameMasked: false, birthYear: null });

    // typed: the stored name of a known national ID would tell the door that it is known
    const nationalId = makeNationalId();
    await env.ctx.db.updateTable('people').set({ national_id: nationalId }).where('id', '=', an.personId).execute();
    const typed = await call('POST', '/checkins', health.token, { venueId, nationalId, name: 'Ai đó' });
    expect(typed.statusCode, typed.body).toBe(201);
    expect(typed.json().personId).toBe(an.personId);
    expect(typed.json().person).toBeUndefined();
  });

  it('tells scans that arrive together who each is and their badge from the one door look-up of declarations', async () => {
    const people = await Promise.all(
      ['0912000304', '0912000305', '0912000306'].map(async (phone, n) => {
        const c = await citizenToken(env, phone);
        await env.ctx.db
          .updateTable('people')
          .set({ name: `Trần Thị Bé ${n}`, birth_year: 2000 + n, unit_code: UNITS.bienHoaCommune })
          .where('id', '=', c.personId)
          .execute();
        return { ...c, qr: (await call('GET', '/me/qr', c.token)).json().qr as string };
      }),
    );
    const venueId = await verifiedVenue(manager.token);
    // the person comes with the badge: people's own look-up is not asked as well
    const alone = vi.spyOn(env.ctx.services.people, 'atDoor');
    try {
      const answers = await Promise.all(
        people.map((p) => call('POST', '/checkins', manager.token, { venueId, personQr: p.qr })),
      );
      for (const [n, res] of answers.entries()) {
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json()).toMatchObject({
          personId: people[n]?.personId,
          person: { name: `T. T. B. ${n}`, nameMasked: true, birthYear: 2000 + n },
          badge: { colour: 'grey', validUntil: null },
        });
      }
      expect(alone).not.toHaveBeenCalled();
    } finally {
      alone.mockRestore();
    }
  });

  it('at a venue requiring a declaration, refuses the live scan of someone without one and shows nobody; the queue shows them grey', async () => {
    const guest = await citizenToken(env, '0912000307');
    await env.ctx.db
      .updateTable('people')
      .set({ name: 'Phạm Văn Khách', birth_year: 1975 })
      .where('id', '=', guest.personId)
      .execute();
    const qr = (await call('GET', '/me/qr', guest.token)).json().qr;
    const venueId = await verifiedVenue(manager.token);
    const rule = await call('PUT', `/declaration-venue-rules/${venueId}`, manager.token, { required: true });
    expect(rule.statusCode, rule.body).toBe(200);

    const live = await call('POST', '/checkins', manager.token, { venueId, personQr: qr });
    expect(live.statusCode, live.body).toBe(403);
    expect(live.json().error.code).toBe('DECLARATION_REQUIRED');
    expect(live.json().person).toBeUndefined();
    expect(await doorAudit(manager.personId, guest.personId)).toEqual([]);

    const queued = await call('POST', '/checkins/batch', manager.token, {
      items: [{ idempotencyKey: `door-${Date.now()}-q`, venueId, personQr: qr }],
    });
    expect(queued.statusCode, queued.body).toBe(200);
    expect(queued.json().results[0]).toMatchObject({
      status: 201,
      checkin: {
        person: { name: 'P. V. Khách', nameMasked: true, birthYear: 1975 },
        badge: { colour: 'grey', validUntil: null },
      },
    });
    expect(await doorAudit(manager.personId, guest.personId)).toMatchObject([{ details: { shown: 'masked' } }]);
  });

  it('refuses a forged personal QR with PERSON_QR_INVALID and tells nothing', async () => {
    const gate = await staffToken(env, 'venue_manager', UNITS.bienHoa);
    const venueId = await newVenue(gate.token);
    const forged = an.qr.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const res = await call('POST', '/checkins', gate.token, { venueId, personQr: forged });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('PERSON_QR_INVALID');
    expect(res.json().person).toBeUndefined();
  });
});
