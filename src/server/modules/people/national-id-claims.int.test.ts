/**
 * National IDs, verified and claimed (people/README.md): a number a citizen types is a claim — never refused because of
 * someone else's record (no squatting, no oracle), never found by a look-up on the number alone — until staff who
 * checked the card verify it.
 */
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

let env: TestEnv;
let officer: { token: string; userId: string };
let longKhanhOfficer: { token: string; userId: string };

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'], config: { authRateLimitPerMinute: 10_000 } });
  officer = await staffToken(env, 'health_worker', UNITS.bienHoa);
  longKhanhOfficer = await staffToken(env, 'health_worker', UNITS.longKhanh);
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

const inject = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, token: string, payload?: object) =>
  env.app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });
const verify = (token: string, id: string) => inject('POST', `/api/v1/people/${id}/national-id:verify`, token);
const row = (id: string) =>
  env.ctx.db
    .selectFrom('people')
    .select(['national_id', 'national_id_claim', 'name'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

let phoneSerial = 0;
/** A signed-in citizen of Biên Hòa whose profile claims `nationalId` under `name`. */
async function claimant(nationalId: string, name: string) {
  const c = await citizenToken(env, `09661${String(++phoneSerial).padStart(5, '0')}`);
  const res = await inject('PUT', '/api/v1/me/profile', c.token, {
    name,
    nationalId,
    birthYear: 1990,
    unitCode: UNITS.bienHoaCommune,
  });
  expect(res.statusCode, res.body).toBe(200);
  return { ...c, profile: res.json() };
}

describe('a citizen types a national ID', () => {
  it('is stored as a claim, shown not verified, and is what they see on their profile', async () => {
    const nid = makeNationalId();
    const c = await claimant(nid, 'Trần Thị Khai');
    expect(c.profile).toMatchObject({ nationalId: nid, nationalIdVerified: false });
    expect(await row(c.personId)).toMatchObject({ national_id: null, national_id_claim: nid });
    const again = await inject('GET', '/api/v1/me/profile', c.token);
    expect(again.json()).toMatchObject({ nationalId: nid, nationalIdVerified: false });
    // and it is kept like a verified one: the citizen cannot change it
    const changed = await inject('PUT', '/api/v1/me/profile', c.token, {
      name: 'Trần Thị Khai',
      nationalId: makeNationalId(),
      unitCode: UNITS.bienHoaCommune,
    });
    expectError(changed, 409, 'PERSON_IDENTITY_LOCKED');
    expect((await row(c.personId)).national_id_claim).toBe(nid);
  });

  it("someone else's verified number: 200 and a claim on their own record — no 409, no hint, the holder untouched", async () => {
    const nid = makeNationalId();
    const holder = await inject('POST', '/api/v1/people', officer.token, {
      nationalId: nid,
      name: 'Chủ Thật',
      unitCode: UNITS.bienHoaCommune,
    });
    expect(holder.statusCode).toBe(201);
    const squatter = await claimant(nid, 'Kẻ Giả');
    expect(squatter.profile.nationalIdVerified).toBe(false);
    expect(JSON.stringify(squatter.profile)).not.toContain(holder.json().id);
    expect(await row(holder.json().id)).toMatchObject({ national_id: nid, national_id_claim: null });
    // a second citizen claiming the same number is not refused either
    await claimant(nid, 'Kẻ Giả Hai');
  });

  it('a dependant added with a national ID is a claim too, whoever holds the number', async () => {
    const nid = makeNationalId();
    await inject('POST', '/api/v1/people', officer.token, {
      nationalId: nid,
      name: 'Bé Thật',
      unitCode: UNITS.bienHoaCommune,
    });
    const guardian = await claimant(makeNationalId(), 'Người Giám Hộ');
    const added = await inject('POST', '/api/v1/me/dependants', guardian.token, {
      name: 'Bé Giả',
      relation: 'child',
      nationalId: nid,
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(await row(added.json().id)).toMatchObject({ national_id: null, national_id_claim: nid });
    const list = await inject('GET', '/api/v1/me/dependants', guardian.token);
    expect(list.json()).toEqual([expect.objectContaining({ nationalId: nid, nationalIdVerified: false })]);
  });
});

describe('look-ups by national ID', () => {
  it('find the verified holder; a claim only with its name and only when one record makes it', async () => {
    const people = env.ctx.services.people;
    const nid = makeNationalId();
    const c = await claimant(nid, 'Lê  Văn   Nhận');
    // the number alone never finds a claim
    expect(await people.findKnown({ nationalId: nid })).toBeUndefined();
    // with its name (case and spacing aside) it does
    expect(await people.findKnown({ nationalId: nid, name: 'lê văn nhận' })).toBe(c.personId);
    expect(await people.findByIdentifierAndName({ nationalId: nid, name: 'Lê Văn Nhận' })).toBe(c.personId);
    // another name does not
    expect(await people.findKnown({ nationalId: nid, name: 'Nguyễn Thật' })).toBeUndefined();
    // two records claiming the number under one name: neither is taken for the card's holder
    await claimant(nid, 'Lê Văn Nhận');
    expect(await people.findKnown({ nationalId: nid, name: 'Lê Văn Nhận' })).toBeUndefined();
  });

  it('a squatter does not receive the card holder: staff registration wins and is found from then on', async () => {
    const people = env.ctx.services.people;
    const nid = makeNationalId();
    const squatter = await claimant(nid, 'Kẻ Chiếm');
    // a door meets the real holder: registered anew with the number verified, not matched to the squatter
    const session = await env.ctx.sessions.resolve(officer.token);
    if (!session || session === 'expired') throw new Error('no session');
    const met = await people.findOrRegister(
      session.actor,
      { nationalId: nid, name: 'Người Thật' },
      UNITS.bienHoaCommune,
      { via: 'test' },
    );
    expect(met.created).toBe(true);
    expect(met.id).not.toBe(squatter.personId);
    expect(await row(met.id)).toMatchObject({ national_id: nid, national_id_claim: null });
    // from then on the number finds the holder — even under the squatter's name
    expect(await people.findKnown({ nationalId: nid })).toBe(met.id);
    expect(await people.findKnown({ nationalId: nid, name: 'Kẻ Chiếm' })).toBe(met.id);
    expect(await people.findByIdentifierAndName({ nationalId: nid, name: 'Kẻ Chiếm' })).toBeUndefined();
    // the cases module's look-up by number (verified only) finds the holder too
    const tracer = await staffToken(env, 'tracer', UNITS.bienHoa);
    const found = await inject('POST', '/api/v1/cases', tracer.token, {
      person: { nationalId: nid },
      confirmedAt: new Date().toISOString(),
    });
    expect(found.statusCode, found.body).toBe(201);
    const caseRow = await env.ctx.db
      .selectFrom('cases')
      .select('person_id')
      .where('id', '=', found.json().id)
      .executeTakeFirstOrThrow();
    expect(caseRow.person_id).toBe(met.id);
  });

  it("a number typed at a venue's door by its manager is a claim; by staff who register people, verified", async () => {
    const people = env.ctx.services.people;
    const actorOf = async (token: string) => {
      const s = await env.ctx.sessions.resolve(token);
      if (!s || s === 'expired') throw new Error('no session');
      return s.actor;
    };
    const manager = await staffToken(env, 'venue_manager', UNITS.bienHoa);
    const nid = makeNationalId();
    const door = await people.findOrRegister(
      await actorOf(manager.token),
      { nationalId: nid, name: 'Khách' },
      UNITS.bienHoaCommune,
      {
        via: 'test',
      },
    );
    expect(await row(door.id)).toMatchObject({ national_id: null, national_id_claim: nid });
    const other = makeNationalId();
    const field = await people.findOrRegister(
      await actorOf(officer.token),
      { nationalId: other, name: 'Khách' },
      UNITS.bienHoaCommune,
      {
        via: 'test',
      },
    );
    expect(await row(field.id)).toMatchObject({ national_id: other, national_id_claim: null });
  });

  it('staff search by the number lists claims too, each marked not verified', async () => {
    const nid = makeNationalId();
    const c = await claimant(nid, 'Phạm Thị Tìm');
    const res = await inject('GET', `/api/v1/people?q=${nid}`, officer.token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      expect.objectContaining({ id: c.personId, nationalId: nid, nationalIdVerified: false }),
    ]);
    // out of the officer's area: not found, claim or not
    const far = await inject('GET', `/api/v1/people?q=${nid}`, longKhanhOfficer.token);
    expect(far.json()).toEqual([]);
  });

  it('staff registering a number its sole claimant holds under the same name → 409 with that record, to verify it', async () => {
    const nid = makeNationalId();
    const c = await claimant(nid, 'Đỗ Văn Trùng');
    const dup = await inject('POST', '/api/v1/people', officer.token, {
      nationalId: nid,
      name: 'đỗ văn trùng',
      unitCode: UNITS.bienHoaCommune,
    });
    const body = expectError(dup, 409, 'PERSON_EXISTS');
    expect(body.error.details).toMatchObject({ existingId: c.personId });
    // under another name: registered, verified (staff registration wins)
    const other = await inject('POST', '/api/v1/people', officer.token, {
      nationalId: nid,
      name: 'Người Khác Hẳn',
      unitCode: UNITS.bienHoaCommune,
    });
    expect(other.statusCode).toBe(201);
    expect(await row(other.json().id)).toMatchObject({ national_id: nid, national_id_claim: null });
  });
});

describe('POST /api/v1/people/{id}/national-id:verify', () => {
  it('staff who checked the card verify a claim: 200, verified, audited; again → 409 NATIONAL_ID_NOT_CLAIMED', async () => {
    const nid = makeNationalId();
    const c = await claimant(nid, 'Vũ Thị Xác');
    const res = await verify(officer.token, c.personId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: c.personId, nationalId: nid, nationalIdVerified: true });
    expect(await row(c.personId)).toMatchObject({ national_id: nid, national_id_claim: null });
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select(['actor_id', 'outcome'])
      .where('action', '=', 'people.verify-national-id')
      .where('resource_id', '=', c.personId)
      .execute();
    expect(audit).toEqual([expect.objectContaining({ actor_id: officer.userId })]);
    // the number now finds them alone, and the citizen sees it verified
    expect(await env.ctx.services.people.findKnown({ nationalId: nid })).toBe(c.personId);
    expect((await inject('GET', '/api/v1/me/profile', c.token)).json().nationalIdVerified).toBe(true);
    expectError(await verify(officer.token, c.personId), 409, 'NATIONAL_ID_NOT_CLAIMED');
  });

  it('a claim of a number another record holds verified → 409 PERSON_EXISTS with the holder, nothing changed', async () => {
    const nid = makeNationalId();
    const holder = await inject('POST', '/api/v1/people', officer.token, {
      nationalId: nid,
      name: 'Chủ Thẻ',
      unitCode: UNITS.bienHoaCommune,
    });
    const c = await claimant(nid, 'Người Nhận Vơ');
    const body = expectError(await verify(officer.token, c.personId), 409, 'PERSON_EXISTS');
    expect(body.error.details).toMatchObject({ existingId: holder.json().id });
    expect(await row(c.personId)).toMatchObject({ national_id: null, national_id_claim: nid });
  });

  it('not for citizens (403), not outside the area (404), not for a malformed id (400)', async () => {
    const c = await claimant(makeNationalId(), 'Hoàng Văn Tự');
    expect((await verify(c.token, c.personId)).statusCode).toBe(403);
    expectError(await verify(longKhanhOfficer.token, c.personId), 404, 'PERSON_NOT_FOUND');
    expect((await verify(officer.token, 'not-a-uuid')).statusCode).toBe(400);
    expect((await row(c.personId)).national_id).toBeNull();
  });

  it('staff writing the number on the record verify it too, and the claim gives way', async () => {
    const nid = makeNationalId();
    const c = await claimant(nid, 'Mai Văn Sửa');
    const res = await inject('PATCH', `/api/v1/people/${c.personId}`, officer.token, { nationalId: nid });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ nationalId: nid, nationalIdVerified: true });
    expect(await row(c.personId)).toMatchObject({ national_id: nid, national_id_claim: null });
  });
});
