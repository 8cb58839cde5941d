/**
 * Forged exposures (issue 10, finding 1; security review, findings 1, 4 and 7): a citizen can register a venue in a
 * minute, and a personal QR never expires, so a citizen-run venue records no one at its door until the commune
 * verifies it. Each `it` is a regression test of one point:
 *   1. an unverified venue's door records no one (personal QR, door code, typed identifier: 403 VENUE_NOT_VERIFIED);
 *      a verified venue's door records people by their personal QR, a door code sent to their phone, or typed;
 *   2. every check-in carries its evidence (tracing of weak evidence: cases/confirmation.int.test.ts);
 *   3. a past `at` only from a staff offline queue (the batch endpoint), at most TRUYVET_CHECKIN_BACKDATE_HOURS back;
 *   4. known and unknown people get the same answer: no existence oracle.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { loadConfig } from '../../config.ts';

let env: TestEnv;
let owner: { token: string; personId: string };
/** the owner's venue, not verified by the commune */
let venue: { id: string; qr: string; shortCode: string };
/** another of the owner's venues, verified by the commune: its door may record people */
let verified: { id: string; qr: string; shortCode: string };
let healthWorker: string;
let phoneSerial = 0;
/** A fresh mobile number per use. */
const newPhone = () => `09${String(process.pid % 1000).padStart(3, '0')}${String(++phoneSerial).padStart(5, '0')}`;
const e164 = (p: string) => `+84${p.slice(1)}`;
const key = () => `k-${randomUUID()}`;
const MIN = 60_000;

const post = (token: string, payload: Record<string, unknown>, url = '/api/v1/checkins') =>
  env.app.inject({ method: 'POST', url, headers: bearer(token), payload });

const countCheckins = async (personId?: string) =>
  Number(
    (
      await (personId
        ? env.ctx.db.selectFrom('checkins').where('person_id', '=', personId)
        : env.ctx.db.selectFrom('checkins')
      )
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** The newest door code sent to `phone`, from the fake SMS outbox. */
async function doorCodeSentTo(phone: string): Promise<string> {
  await env.ctx.jobs.drain();
  const msg = await env.ctx.db
    .selectFrom('notify_fake_messages')
    .select('text')
    .where('recipient', '=', e164(phone))
    .where('text', 'like', 'Truyvet: ma khai bao%')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const code = /: (\d{6})\./.exec(msg?.text ?? '')?.[1];
  if (!code) throw new Error(`no door code sent to ${phone}`);
  return code;
}

/** A citizen registers a venue: they manage it, and the commune has not verified it. */
async function citizenVenue(token: string, name: string) {
  const res = await post(
    token,
    { name, category: 'restaurant_cafe', unitCode: UNITS.bienHoaCommune, address: '3 Hà Huy Giáp' },
    '/api/v1/venues',
  );
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; qr: string; shortCode: string };
}

/** A citizen's venue the commune's health worker has verified. */
async function verifiedCitizenVenue(token: string, name: string) {
  const created = await citizenVenue(token, name);
  const res = await post(healthWorker, {}, `/api/v1/venues/${created.id}/verify`);
  expect(res.statusCode, res.body).toBe(200);
  return created;
}

/** Someone staff registered (a national ID the platform knows). */
async function knownPerson(name: string) {
  const nationalId = makeNationalId();
  const res = await post(healthWorker, { nationalId, name, unitCode: UNITS.bienHoaCommune }, '/api/v1/people');
  expect(res.statusCode).toBe(201);
  return { nationalId, id: res.json().id as string };
}

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'], config: { authRateLimitPerMinute: 10_000 } });
  healthWorker = (await staffToken(env, 'health_worker', UNITS.bienHoa)).token;
  owner = await citizenToken(env, newPhone());
  venue = await citizenVenue(owner.token, 'Quán nước Cô Ba');
  verified = await verifiedCitizenVenue(owner.token, 'Quán cơm Cô Ba');
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe("1. an unverified citizen-run venue's door records no one; a verified one's records people with proof", () => {
  it('refuses a personal QR, a door code and a typed national ID or phone (403 VENUE_NOT_VERIFIED), single or in a batch, and writes nothing', async () => {
    const victim = await knownPerson('Nguyễn Văn Nạn Nhân');
    const guest = await citizenToken(env, newPhone());
    const qr = (await env.app.inject({ method: 'GET', url: '/api/v1/me/qr', headers: bearer(guest.token) })).json().qr;
    const before = await countCheckins();
    const phone = newPhone();
    for (const body of [
      { venueId: venue.id, personQr: qr },
      { venueId: venue.id, nationalId: victim.nationalId },
      { venueId: venue.id, phone: newPhone(), name: 'Ai đó' },
      { venueId: venue.id, phone, otp: '123456' },
    ]) {
      expectError(await post(owner.token, body), 403, 'VENUE_NOT_VERIFIED');
    }
    expectError(
      await post(owner.token, { venueId: venue.id, phone }, '/api/v1/checkins/door-codes'),
      403,
      'VENUE_NOT_VERIFIED',
    );
    const batch = await post(
      owner.token,
      {
        items: [
          { idempotencyKey: key(), venueId: venue.id, nationalId: victim.nationalId, name: 'X' },
          { idempotencyKey: key(), venueId: venue.id, personQr: qr },
        ],
      },
      '/api/v1/checkins/batch',
    );
    expect(batch.statusCode).toBe(200);
    expect(
      batch.json().results.map((r: { status: number; error?: { code: string } }) => [r.status, r.error?.code]),
    ).toEqual([
      [403, 'VENUE_NOT_VERIFIED'],
      [403, 'VENUE_NOT_VERIFIED'],
    ]);
    expect(await countCheckins()).toBe(before);
    expect(await countCheckins(victim.id)).toBe(0);
    expect(await countCheckins(guest.personId)).toBe(0);
    // nobody was registered on the way, and no code went out
    const registered = await env.ctx.db.selectFrom('people').select('id').where('name', '=', 'Ai đó').execute();
    expect(registered).toEqual([]);
    const codes = await env.ctx.db.selectFrom('door_codes').select('id').where('phone', '=', e164(phone)).execute();
    expect(codes).toEqual([]);
    // the venue's visitors still check themselves in with its QR
    expect((await post(guest.token, { venueQr: venue.qr })).statusCode).toBe(201);
  });

  it("records a person by their signed personal QR (evidence qr_personal) and a citizen's own scan as qr_self", async () => {
    const guest = await citizenToken(env, newPhone());
    const qr = (await env.app.inject({ method: 'GET', url: '/api/v1/me/qr', headers: bearer(guest.token) })).json().qr;
    const scanned = await post(owner.token, { venueId: verified.id, personQr: qr });
    expect(scanned.statusCode).toBe(201);
    expect(scanned.json()).toMatchObject({ personId: guest.personId, evidence: 'qr_personal' });
    const self = await post((await citizenToken(env, newPhone())).token, { venueQr: venue.qr });
    expect(self.statusCode).toBe(201);
    expect(self.json().evidence).toBe('qr_self');
    const stored = await env.ctx.db
      .selectFrom('checkins')
      .select(['id', 'evidence'])
      .where('id', 'in', [scanned.json().id, self.json().id])
      .execute();
    expect(new Map(stored.map((r) => [r.id, r.evidence]))).toEqual(
      new Map([
        [scanned.json().id, 'qr_personal'],
        [self.json().id, 'qr_self'],
      ]),
    );
  });

  it('records a person without a smartphone by a code sent to their phone (evidence otp); a wrong, reused or other venue code is refused', async () => {
    const phone = newPhone();
    const venue = verified;
    const sent = await post(owner.token, { venueId: venue.id, phone }, '/api/v1/checkins/door-codes');
    expect(sent.statusCode).toBe(202);
    expect(sent.json()).toEqual({ expiresInSeconds: env.ctx.config.otpTtlSeconds });
    const code = await doorCodeSentTo(phone);
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const wrong = await post(owner.token, { venueId: venue.id, phone, otp: wrongCode });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ code: 'DOOR_CODE_INVALID', details: { attemptsLeft: 4 } });
    // the code belongs to this venue: another venue cannot use it
    const other = await verifiedCitizenVenue(owner.token, 'Quán nước Cô Ba 2');
    const elsewhere = await post(owner.token, { venueId: other.id, phone, otp: code });
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().error.code).toBe('DOOR_CODE_INVALID');
    // the code proves the phone only: not a national ID beside it
    const withId = await post(owner.token, { venueId: venue.id, phone, otp: code, nationalId: makeNationalId() });
    expect(withId.statusCode).toBe(400);
    const ok = await post(owner.token, { venueId: venue.id, phone, otp: code, name: 'Bà Tư' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().evidence).toBe('otp');
    const person = await env.ctx.db
      .selectFrom('people')
      .select(['id', 'name', 'unit_code'])
      .where('phone', '=', e164(phone))
      .executeTakeFirstOrThrow();
    expect(person).toMatchObject({ id: ok.json().personId, name: 'Bà Tư', unit_code: UNITS.bienHoaCommune });
    const again = await post(owner.token, { venueId: venue.id, phone, otp: code });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('DOOR_CODE_INVALID');
    // the registration went through the people module, audited without personal data
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('resource_id', '=', person.id)
      .where('action', '=', 'people.create')
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ via: 'checkin' });
    expect(JSON.stringify(audit.details)).not.toContain(phone.slice(1));
  });

  it("answers a retry of a door-code check-in with its answer, without touching the person's newer code", async () => {
    const phone = newPhone();
    const venue = verified;
    await post(owner.token, { venueId: venue.id, phone }, '/api/v1/checkins/door-codes');
    const body = { venueId: venue.id, phone, otp: await doorCodeSentTo(phone) };
    const k = key();
    const send = () =>
      env.app.inject({
        method: 'POST',
        url: '/api/v1/checkins',
        headers: { ...bearer(owner.token), 'idempotency-key': k },
        payload: body,
      });
    const first = await send();
    expect(first.statusCode).toBe(201);
    await post(owner.token, { venueId: venue.id, phone }, '/api/v1/checkins/door-codes');
    const retry = await send();
    expect(retry.statusCode).toBe(200);
    // the stored answer as it was (the badge is not looked up again)
    const { badge: _badge, ...stored } = first.json();
    expect(retry.json()).toEqual(stored);
    const newest = await env.ctx.db
      .selectFrom('door_codes')
      .select(['attempts', 'spent_at'])
      .where('phone', '=', e164(phone))
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(newest).toEqual({ attempts: 0, spent_at: null });
  });

  it('spends a door code after too many wrong tries, and a door code never signs anyone in', async () => {
    const phone = newPhone();
    const venue = verified;
    await post(owner.token, { venueId: venue.id, phone }, '/api/v1/checkins/door-codes');
    const code = await doorCodeSentTo(phone);
    const asLogin = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/citizen/verify',
      payload: { phone, code },
    });
    expect(asLogin.statusCode).toBe(401);
    const wrongCode = String((Number(code) + 7) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < env.ctx.config.otpMaxAttempts; i++)
      expect((await post(owner.token, { venueId: venue.id, phone, otp: wrongCode })).statusCode).toBe(400);
    const late = await post(owner.token, { venueId: venue.id, phone, otp: code });
    expect(late.statusCode).toBe(400);
    expect(late.json().error).toMatchObject({ code: 'DOOR_CODE_INVALID', details: { attemptsLeft: 0 } });
    const expired = await env.ctx.db
      .selectFrom('door_codes')
      .select('code_hash')
      .where('phone', '=', e164(phone))
      .execute();
    // stored hashed, never the code
    expect(expired.every((r) => r.code_hash !== code && r.code_hash.length === 64)).toBe(true);
  });

  it('caps door codes per phone (429 DOOR_CODE_TOO_MANY_SENDS) and lets only the venue, never a stranger, send them', async () => {
    const phone = newPhone();
    const venue = verified;
    for (let i = 0; i < 5; i++)
      expect((await post(owner.token, { venueId: venue.id, phone }, '/api/v1/checkins/door-codes')).statusCode).toBe(
        202,
      );
    const sixth = await post(owner.token, { venueId: venue.id, phone }, '/api/v1/checkins/door-codes');
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().error).toMatchObject({ code: 'DOOR_CODE_TOO_MANY_SENDS', details: { limit: 'phone' } });
    const stranger = await citizenToken(env, newPhone());
    const notTheirs = await post(
      stranger.token,
      { venueId: venue.id, phone: newPhone() },
      '/api/v1/checkins/door-codes',
    );
    expect(notTheirs.statusCode).toBe(404);
    const leader = await staffToken(env, 'leader', UNITS.province);
    expect(
      (await post(leader.token, { venueId: venue.id, phone: newPhone() }, '/api/v1/checkins/door-codes')).statusCode,
    ).toBe(403);
    const anonymous = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins/door-codes',
      payload: { venueId: venue.id, phone: newPhone() },
    });
    expect(anonymous.statusCode).toBe(401);
    const bad = await post(owner.token, { venueId: venue.id, phone: '123' }, '/api/v1/checkins/door-codes');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_PHONE');
  });

  it('a health worker of the commune verifies the venue (audited); its manager may then type people in (typed_staff)', async () => {
    const mine = await citizenVenue(owner.token, 'Tiệm tạp hóa Út');
    const read = await env.app.inject({
      method: 'GET',
      url: `/api/v1/venues/${mine.id}`,
      headers: bearer(owner.token),
    });
    expect(read.json()).toMatchObject({ verified: false, verifiedAt: null });
    // who may not verify: the manager themself (403), a venue-manager role (403), another district (404)
    expect((await post(owner.token, {}, `/api/v1/venues/${mine.id}/verify`)).statusCode).toBe(403);
    const venueStaff = await staffToken(env, 'venue_manager', UNITS.bienHoa);
    expect((await post(venueStaff.token, {}, `/api/v1/venues/${mine.id}/verify`)).statusCode).toBe(403);
    const elsewhere = await staffToken(env, 'health_worker', UNITS.longKhanh);
    expect((await post(elsewhere.token, {}, `/api/v1/venues/${mine.id}/verify`)).statusCode).toBe(404);
    const verified = await post(healthWorker, {}, `/api/v1/venues/${mine.id}/verify`);
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ id: mine.id, verified: true, verifiedAt: expect.any(String) });
    const again = await post(healthWorker, {}, `/api/v1/venues/${mine.id}/verify`);
    expect(again.json().verifiedAt).toBe(verified.json().verifiedAt);
    const audits = await env.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'venues.verify')
      .where('resource_id', '=', mine.id)
      .execute();
    expect(audits).toHaveLength(1);

    const typed = await post(owner.token, { venueId: mine.id, nationalId: makeNationalId(), name: 'Ông Sáu' });
    expect(typed.statusCode).toBe(201);
    expect(typed.json().evidence).toBe('typed_staff');
  });

  it('venues registered by staff are verified at registration, and staff may type people in (typed_staff)', async () => {
    const res = await post(
      healthWorker,
      { name: 'Trạm y tế An Bình', category: 'hospital_clinic', unitCode: UNITS.bienHoaCommune, address: '1 An Bình' },
      '/api/v1/venues',
    );
    expect(res.statusCode).toBe(201);
    const read = await env.app.inject({
      method: 'GET',
      url: `/api/v1/venues/${res.json().id}`,
      headers: bearer(healthWorker),
    });
    expect(read.json()).toMatchObject({ verified: true });
    const typed = await post(healthWorker, { venueId: venue.id, nationalId: makeNationalId(), name: 'Bà Bảy' });
    expect(typed.statusCode).toBe(201);
    expect(typed.json().evidence).toBe('typed_staff');
    const row = await env.ctx.db
      .selectFrom('checkins')
      .select('evidence')
      .where('id', '=', typed.json().id)
      .executeTakeFirstOrThrow();
    expect(row.evidence).toBe('typed_staff');
  });
});

describe('3. a past time only from a staff offline queue, at most TRUYVET_CHECKIN_BACKDATE_HOURS back', () => {
  it("refuses a citizen's own check-in dated in the past (400 CHECKIN_BACKDATE_NOT_ALLOWED), within the clock skew it is now", async () => {
    const citizen = await citizenToken(env, newPhone());
    const past = await post(citizen.token, { venueQr: venue.qr, at: new Date(Date.now() - 30 * MIN).toISOString() });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.code).toBe('CHECKIN_BACKDATE_NOT_ALLOWED');
    const skewed = await post(citizen.token, { venueQr: venue.qr, at: new Date(Date.now() - MIN).toISOString() });
    expect(skewed.statusCode).toBe(201);
  });

  it("refuses a past time on the single route even from staff; an unverified venue's queue records nothing, a verified one's keeps its scan time", async () => {
    const staff = await staffToken(env, 'venue_manager', UNITS.bienHoa);
    const at = new Date(Date.now() - 30 * MIN).toISOString();
    const single = await post(staff.token, { venueId: venue.id, nationalId: makeNationalId(), name: 'A', at });
    expect(single.statusCode).toBe(400);
    expect(single.json().error.code).toBe('CHECKIN_BACKDATE_NOT_ALLOWED');
    const guest = await citizenToken(env, newPhone());
    const qr = (await env.app.inject({ method: 'GET', url: '/api/v1/me/qr', headers: bearer(guest.token) })).json().qr;
    const queued = await post(
      owner.token,
      { items: [{ idempotencyKey: key(), venueId: venue.id, personQr: qr, at }] },
      '/api/v1/checkins/batch',
    );
    expect(queued.statusCode).toBe(200);
    expect(queued.json().results[0]).toMatchObject({ status: 403, error: { code: 'VENUE_NOT_VERIFIED' } });
    expect(await countCheckins(guest.personId)).toBe(0);
    const synced = await post(
      owner.token,
      { items: [{ idempotencyKey: key(), venueId: verified.id, personQr: qr, at }] },
      '/api/v1/checkins/batch',
    );
    expect(synced.json().results[0]).toMatchObject({ status: 201, checkin: { at, evidence: 'qr_personal' } });
  });

  it('accepts a staff queue within 24 h with its scan time, refuses older (400 CHECKIN_BACKDATE_TOO_OLD)', async () => {
    const staff = await staffToken(env, 'venue_manager', UNITS.bienHoa);
    const recent = new Date(Date.now() - 23 * 60 * MIN).toISOString();
    const old = new Date(Date.now() - 25 * 60 * MIN).toISOString();
    const res = await post(
      staff.token,
      {
        items: [
          { idempotencyKey: key(), venueId: venue.id, nationalId: makeNationalId(), name: 'Khách 1', at: recent },
          { idempotencyKey: key(), venueId: venue.id, nationalId: makeNationalId(), name: 'Khách 2', at: old },
        ],
      },
      '/api/v1/checkins/batch',
    );
    expect(res.statusCode).toBe(200);
    const [first, second] = res.json().results;
    expect(first).toMatchObject({ status: 201, checkin: { at: recent, evidence: 'typed_staff' } });
    expect(second).toMatchObject({ status: 400, error: { code: 'CHECKIN_BACKDATE_TOO_OLD', details: { hours: 24 } } });
  });

  it('reads the window from TRUYVET_CHECKIN_BACKDATE_HOURS (default 24, 1 to 168)', () => {
    expect(loadConfig({}).checkinBackdateHours).toBe(24);
    expect(loadConfig({ TRUYVET_CHECKIN_BACKDATE_HOURS: '6' }).checkinBackdateHours).toBe(6);
    expect(() => loadConfig({ TRUYVET_CHECKIN_BACKDATE_HOURS: '0' })).toThrow(/TRUYVET_CHECKIN_BACKDATE_HOURS/);
  });
});

describe('4. no existence oracle: known and unknown people answer alike', () => {
  /** Status and body shape (keys, id formats), without the values that differ between any two check-ins. */
  const shape = (res: { statusCode: number; json: () => Record<string, unknown> }) => ({
    status: res.statusCode,
    keys: Object.keys(res.json()).sort(),
    evidence: res.json().evidence,
  });

  it('a typed national ID, known or unknown, with or without a name, gets the same status and shape', async () => {
    const staff = await staffToken(env, 'venue_manager', UNITS.bienHoa);
    const known = await knownPerson('Trần Thị Có Thật');
    const withoutName = [
      await post(staff.token, { venueId: venue.id, nationalId: known.nationalId }),
      await post(staff.token, { venueId: venue.id, nationalId: makeNationalId() }),
    ];
    expect(shape(withoutName[0] as never)).toEqual(shape(withoutName[1] as never));
    expect(withoutName[0]?.statusCode).toBe(201);
    expect(withoutName[0]?.json().personId).toBe(known.id);
    const withName = [
      await post(staff.token, { venueId: venue.id, phone: newPhone(), name: 'Mới' }),
      await post(staff.token, { venueId: venue.id, nationalId: makeNationalId(), name: 'Mới nữa' }),
    ];
    expect(shape(withName[0] as never)).toEqual(shape(withoutName[0] as never));
    expect(shape(withName[1] as never)).toEqual(shape(withoutName[0] as never));
  });

  it('an unverified venue is refused the same way for a known and an unknown national ID', async () => {
    const known = await knownPerson('Lê Văn Có Thật');
    const a = await post(owner.token, { venueId: venue.id, nationalId: known.nationalId });
    const b = await post(owner.token, { venueId: venue.id, nationalId: makeNationalId() });
    expectError(a, 403, 'VENUE_NOT_VERIFIED');
    expect(b.statusCode).toBe(a.statusCode);
    expect(b.json()).toEqual(a.json());
  });

  it('a door code is sent, and answered, alike for a known and an unknown phone', async () => {
    const knownPhone = newPhone();
    const registered = await post(
      healthWorker,
      { phone: knownPhone, name: 'Có Số', unitCode: UNITS.bienHoaCommune },
      '/api/v1/people',
    );
    expect(registered.statusCode).toBe(201);
    const unknownPhone = newPhone();
    const venue = verified;
    const a = await post(owner.token, { venueId: venue.id, phone: knownPhone }, '/api/v1/checkins/door-codes');
    const b = await post(owner.token, { venueId: venue.id, phone: unknownPhone }, '/api/v1/checkins/door-codes');
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(b.json()).toEqual(a.json());
    const ka = await post(owner.token, { venueId: venue.id, phone: knownPhone, otp: await doorCodeSentTo(knownPhone) });
    const kb = await post(owner.token, {
      venueId: venue.id,
      phone: unknownPhone,
      otp: await doorCodeSentTo(unknownPhone),
    });
    expect(shape(ka as never)).toEqual(shape(kb as never));
    expect(ka.json().personId).toBe(registered.json().id);
  });
});

describe('the door code SMS and what a refused check-in leaves behind (security review, findings 4 and 7)', () => {
  it("names the venue by its short code, never by the registrant's free text, and goes to Vietnamese mobiles only", async () => {
    const phone = newPhone();
    expect((await post(owner.token, { venueId: verified.id, phone }, '/api/v1/checkins/door-codes')).statusCode).toBe(
      202,
    );
    await doorCodeSentTo(phone);
    const sms = await env.ctx.db
      .selectFrom('notify_fake_messages')
      .select('text')
      .where('recipient', '=', e164(phone))
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(sms.text).toContain(verified.shortCode);
    expect(sms.text).not.toContain('Co Ba');
    expect(sms.text).not.toContain('Cô Ba');
    expect(sms.text.length).toBeLessThanOrEqual(160);
    for (const foreign of ['+14155550123', '+442079460000', '02513822222']) {
      expectError(
        await post(owner.token, { venueId: verified.id, phone: foreign }, '/api/v1/checkins/door-codes'),
        400,
        'DOOR_CODE_PHONE_NOT_VIETNAMESE',
      );
    }
  });

  it('spends no door code and registers no one when the venue requires a declaration the person has not made', async () => {
    const created = await post(
      healthWorker,
      {
        name: 'Chợ phải khai báo',
        category: 'market_supermarket_mall_shop',
        unitCode: UNITS.bienHoaCommune,
        address: '2 A',
      },
      '/api/v1/venues',
    );
    const venueId = created.json().id as string;
    const rule = await env.app.inject({
      method: 'PUT',
      url: `/api/v1/declaration-venue-rules/${venueId}`,
      headers: bearer(healthWorker),
      payload: { required: true },
    });
    expect(rule.statusCode, rule.body).toBe(200);
    const phone = newPhone();
    await post(healthWorker, { venueId, phone }, '/api/v1/checkins/door-codes');
    const code = await doorCodeSentTo(phone);
    expectError(
      await post(healthWorker, { venueId, phone, otp: code, name: 'Chưa Khai' }),
      403,
      'DECLARATION_REQUIRED',
    );
    const nationalId = makeNationalId();
    expectError(await post(healthWorker, { venueId, nationalId, name: 'Chưa Khai Hai' }), 403, 'DECLARATION_REQUIRED');
    const people = await env.ctx.db
      .selectFrom('people')
      .select('id')
      .where((eb) => eb.or([eb('phone', '=', e164(phone)), eb('national_id', '=', nationalId)]))
      .execute();
    expect(people).toEqual([]);
    const stored = await env.ctx.db
      .selectFrom('door_codes')
      .select(['attempts', 'spent_at'])
      .where('phone', '=', e164(phone))
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ attempts: 0, spent_at: null });
  });

  it('spends no door code on a double scan (409 CHECKIN_DUPLICATE): the code still serves once the stay is closed', async () => {
    const phone = newPhone();
    await post(owner.token, { venueId: verified.id, phone }, '/api/v1/checkins/door-codes');
    const first = await post(owner.token, { venueId: verified.id, phone, otp: await doorCodeSentTo(phone) });
    expect(first.statusCode, first.body).toBe(201);
    await post(owner.token, { venueId: verified.id, phone }, '/api/v1/checkins/door-codes');
    const code = await doorCodeSentTo(phone);
    const double = await post(owner.token, { venueId: verified.id, phone, otp: code });
    expect(expectError(double, 409, 'CHECKIN_DUPLICATE').error.details).toEqual({ existingId: first.json().id });
    const unspent = await env.ctx.db
      .selectFrom('door_codes')
      .select(['attempts', 'spent_at'])
      .where('phone', '=', e164(phone))
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(unspent).toEqual({ attempts: 0, spent_at: null });
    // the person left and came back: the same code records them now
    expect((await post(owner.token, {}, `/api/v1/checkins/${first.json().id}/checkout`)).statusCode).toBe(200);
    const back = await post(owner.token, { venueId: verified.id, phone, otp: code });
    expect(back.statusCode, back.body).toBe(201);
  });
});
