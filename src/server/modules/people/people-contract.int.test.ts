/**
 * People contract: create/read/search inside jurisdiction, dedupe by national ID, Idempotency-Key, households,
 * citizens' own profile, dependants and personal QR, audit of staff access.
 */
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

const LONG_KHANH_COMMUNE = '26080';

let env: TestEnv;
let bienHoaOfficer: { token: string; userId: string };
let admin: { token: string; userId: string };

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'], config: { authRateLimitPerMinute: 10_000 } });
  bienHoaOfficer = await staffToken(env, 'health_worker', UNITS.bienHoa);
  admin = await staffToken(env, 'admin', null);
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

const create = (token: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  env.app.inject({ method: 'POST', url: '/api/v1/people', headers: { ...bearer(token), ...headers }, payload });
const read = (token: string, id: string) =>
  env.app.inject({ method: 'GET', url: `/api/v1/people/${id}`, headers: bearer(token) });
const count = async (table: 'people' | 'households' | 'idempotency_keys') =>
  (await env.ctx.db.selectFrom(table).select(env.ctx.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

async function personIn(unitCode: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await create(admin.token, { nationalId: makeNationalId(), name: 'Hồ Văn Em', unitCode, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

describe('POST /api/v1/people', () => {
  it('creates a person → 201 {id}', async () => {
    const res = await create(bienHoaOfficer.token, {
      nationalId: makeNationalId(),
      phone: '0987 654 321',
      name: '  Võ Thị Giang ',
      birthYear: 1990,
      birthDate: '1990-05-17',
      sex: 'female',
      unitCode: UNITS.bienHoaCommune,
      address: '12 Đồng Khởi',
    });
    expect(res.statusCode).toBe(201);
    expect(Object.keys(res.json())).toEqual(['id']);
    const got = await read(bienHoaOfficer.token, res.json().id);
    expect(got.json()).toMatchObject({
      name: 'Võ Thị Giang',
      phone: '+84987654321',
      birthDate: '1990-05-17',
      unitName: 'Phường Trảng Dài',
    });
  });

  it('an existing national ID → 409 PERSON_EXISTS with the existing id, and no new row', async () => {
    const nationalId = makeNationalId();
    const first = await create(bienHoaOfficer.token, {
      nationalId,
      name: 'Đỗ Văn Hải',
      unitCode: UNITS.bienHoaCommune,
    });
    const before = await count('people');
    const dup = await create(bienHoaOfficer.token, { nationalId, name: 'Đỗ V. Hải', unitCode: UNITS.bienHoaCommune });
    expect(dup.statusCode).toBe(409);
    const body = dup.json();
    expect(body.id).toBe(first.json().id);
    expect(body.error).toMatchObject({ code: 'PERSON_EXISTS', details: { existingId: first.json().id } });
    expect(body.error.messageVi).toEqual(expect.any(String));
    expect(await count('people')).toBe(before);
  });

  it('phone-only: the same phone and name again → 409 with the existing id', async () => {
    const payload = { phone: '0933111222', name: 'Trẻ Không CCCD', unitCode: UNITS.bienHoaCommune };
    const first = await create(bienHoaOfficer.token, payload);
    expect(first.statusCode).toBe(201);
    const dup = await create(bienHoaOfficer.token, payload);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().id).toBe(first.json().id);
  });

  it('concurrent creates of one national ID → one 201, the others 409 with its id (never 500)', async () => {
    const nationalId = makeNationalId();
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        create(bienHoaOfficer.token, { nationalId, name: 'Song Song', unitCode: UNITS.bienHoaCommune }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    const id = results.find((r) => r.statusCode === 201)?.json().id;
    for (const r of results.filter((r) => r.statusCode === 409)) expect(r.json().id).toBe(id);
  });

  it('creating outside the jurisdiction → 403', async () => {
    const before = await count('people');
    const res = await create(bienHoaOfficer.token, {
      nationalId: makeNationalId(),
      name: 'Ngoài Vùng',
      unitCode: LONG_KHANH_COMMUNE,
    });
    expect(res.statusCode).toBe(403);
    expect(await count('people')).toBe(before);
  });
});

describe('GET /api/v1/people/{id}: jurisdiction', () => {
  it('a Biên Hòa officer reads a Biên Hòa person (200) but not a Long Khánh person (404)', async () => {
    const inside = await personIn(UNITS.bienHoaCommune);
    const outside = await personIn(LONG_KHANH_COMMUNE);
    expect((await read(bienHoaOfficer.token, inside)).statusCode).toBe(200);
    const res = await read(bienHoaOfficer.token, outside);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('PERSON_NOT_FOUND');
    // indistinguishable from a person that does not exist
    const missing = await read(bienHoaOfficer.token, '00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual(res.json());
  });

  it('a district officer also reads people registered at district level', async () => {
    expect((await read(bienHoaOfficer.token, await personIn(UNITS.bienHoa))).statusCode).toBe(200);
    expect((await read(bienHoaOfficer.token, await personIn(UNITS.province))).statusCode).toBe(404);
  });

  it('a provincial officer reads the whole province; a national admin reads everyone', async () => {
    const provincial = await staffToken(env, 'tracer', UNITS.province);
    const id = await personIn(LONG_KHANH_COMMUNE);
    expect((await read(provincial.token, id)).statusCode).toBe(200);
    expect((await read(admin.token, id)).statusCode).toBe(200);
  });

  it.each(['leader', 'venue_manager'])('a %s → 403 even inside its unit', async (role) => {
    const { token } = await staffToken(env, role, UNITS.province);
    const res = await read(token, await personIn(UNITS.bienHoaCommune));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    const search = await env.app.inject({ method: 'GET', url: '/api/v1/people?q=Văn', headers: bearer(token) });
    expect(search.statusCode).toBe(403);
    // the same 403 for an id nobody has: the answer never depends on whether the person exists
    expect((await read(token, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(403);
  });

  it('PATCH outside the jurisdiction → 404 and nothing changes; moving a person out of scope → 403', async () => {
    const outside = await personIn(LONG_KHANH_COMMUNE);
    const res = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${outside}`,
      headers: bearer(bienHoaOfficer.token),
      payload: { name: 'Hacked' },
    });
    expect(res.statusCode).toBe(404);
    expect((await read(admin.token, outside)).json().name).toBe('Hồ Văn Em');
    const inside = await personIn(UNITS.bienHoaCommune);
    const move = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${inside}`,
      headers: bearer(bienHoaOfficer.token),
      payload: { unitCode: LONG_KHANH_COMMUNE },
    });
    expect(move.statusCode).toBe(403);
    const ok = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${inside}`,
      headers: bearer(bienHoaOfficer.token),
      payload: { name: 'Hồ Văn Em Mới', phone: '0944555666' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ name: 'Hồ Văn Em Mới', phone: '+84944555666' });
  });
});

describe('GET /api/v1/people?q=', () => {
  it('returns only people inside the caller’s scope', async () => {
    const tag = `Timkiem${Date.now() % 100000}`;
    const inside = await personIn(UNITS.bienHoaCommune, { name: `${tag} Trong` });
    const outside = await personIn(LONG_KHANH_COMMUNE, { name: `${tag} Ngoai` });
    const res = await env.app.inject({
      method: 'GET',
      url: `/api/v1/people?q=${encodeURIComponent(tag)}`,
      headers: bearer(bienHoaOfficer.token),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().map((p: { id: string }) => p.id)).toEqual([inside]);
    const all = await env.app.inject({
      method: 'GET',
      url: `/api/v1/people?q=${encodeURIComponent(tag.toLowerCase())}`,
      headers: bearer(admin.token),
    });
    expect(
      all
        .json()
        .map((p: { id: string }) => p.id)
        .sort(),
    ).toEqual([inside, outside].sort());
  });

  it('finds by exact national ID and by phone in any notation', async () => {
    const nationalId = makeNationalId();
    const id = await personIn(UNITS.bienHoaCommune, { nationalId, phone: '0977000111' });
    for (const q of [nationalId, '0977000111', '+84 977 000 111']) {
      const res = await env.app.inject({
        method: 'GET',
        url: `/api/v1/people?q=${encodeURIComponent(q)}`,
        headers: bearer(bienHoaOfficer.token),
      });
      expect(
        res.json().map((p: { id: string }) => p.id),
        q,
      ).toEqual([id]);
    }
  });

  it('a national ID outside the scope is not found by search', async () => {
    const nationalId = makeNationalId();
    await personIn(LONG_KHANH_COMMUNE, { nationalId });
    const res = await env.app.inject({
      method: 'GET',
      url: `/api/v1/people?q=${nationalId}`,
      headers: bearer(bienHoaOfficer.token),
    });
    expect(res.json()).toEqual([]);
  });
});

describe('Idempotency-Key on POST /api/v1/people', () => {
  it('same key + same body → 200 with the same id, header idempotent-replayed, one row', async () => {
    const key = `key-${Date.now()}-a`;
    const payload = { nationalId: makeNationalId(), name: 'Lặp Lại', unitCode: UNITS.bienHoaCommune };
    const first = await create(bienHoaOfficer.token, payload, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    const before = await count('people');
    const second = await create(bienHoaOfficer.token, payload, { 'idempotency-key': key });
    expect(second.statusCode).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    expect(await count('people')).toBe(before);
    const rows = await env.ctx.db
      .selectFrom('people')
      .select('id')
      .where('national_id', '=', payload.nationalId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('same key + different body → 422 IDEMPOTENCY_KEY_REUSED and nothing written', async () => {
    const key = `key-${Date.now()}-b`;
    await create(
      bienHoaOfficer.token,
      { nationalId: makeNationalId(), name: 'Một', unitCode: UNITS.bienHoaCommune },
      {
        'idempotency-key': key,
      },
    );
    const before = await count('people');
    const res = await create(
      bienHoaOfficer.token,
      { nationalId: makeNationalId(), name: 'Hai', unitCode: UNITS.bienHoaCommune },
      { 'idempotency-key': key },
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await count('people')).toBe(before);
  });

  it('concurrent retries with one key create one person', async () => {
    const key = `key-${Date.now()}-c`;
    const payload = { nationalId: makeNationalId(), name: 'Đồng Thời', unitCode: UNITS.bienHoaCommune };
    const results = await Promise.all(
      [1, 2, 3].map(() => create(bienHoaOfficer.token, payload, { 'idempotency-key': key })),
    );
    const ids = new Set(results.map((r) => r.json().id));
    expect(ids.size).toBe(1);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 201]);
    const rows = await env.ctx.db
      .selectFrom('people')
      .select('id')
      .where('national_id', '=', payload.nationalId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('keys are per user: another officer with the same key gets its own result', async () => {
    const key = `key-${Date.now()}-d`;
    const other = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const a = await create(
      bienHoaOfficer.token,
      { nationalId: makeNationalId(), name: 'A', unitCode: UNITS.bienHoaCommune },
      { 'idempotency-key': key },
    );
    const b = await create(
      other.token,
      { nationalId: makeNationalId(), name: 'B', unitCode: UNITS.bienHoaCommune },
      { 'idempotency-key': key },
    );
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(a.json().id).not.toBe(b.json().id);
  });

  it('a failed request does not burn the key', async () => {
    const key = `key-${Date.now()}-e`;
    const bad = await create(
      bienHoaOfficer.token,
      { nationalId: '1', name: 'X', unitCode: UNITS.bienHoaCommune },
      { 'idempotency-key': key },
    );
    expect(bad.statusCode).toBe(400);
    const good = await create(
      bienHoaOfficer.token,
      { nationalId: makeNationalId(), name: 'X', unitCode: UNITS.bienHoaCommune },
      { 'idempotency-key': key },
    );
    expect(good.statusCode).toBe(201);
  });
});

describe('households', () => {
  it('a health worker creates a household with members and reads it back; out of scope → 404', async () => {
    const a = await personIn(UNITS.bienHoaCommune);
    const b = await personIn(UNITS.bienHoaCommune);
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: bearer(bienHoaOfficer.token),
      payload: { unitCode: UNITS.bienHoaCommune, address: '5 Hẻm 3', memberIds: [a] },
    });
    expect(res.statusCode).toBe(201);
    const hid = res.json().id;
    const add = await env.app.inject({
      method: 'POST',
      url: `/api/v1/households/${hid}/members`,
      headers: bearer(bienHoaOfficer.token),
      payload: { personId: b },
    });
    expect(add.statusCode).toBe(204);
    const got = await env.app.inject({
      method: 'GET',
      url: `/api/v1/households/${hid}`,
      headers: bearer(bienHoaOfficer.token),
    });
    expect(got.statusCode).toBe(200);
    expect(
      got
        .json()
        .members.map((m: { id: string }) => m.id)
        .sort(),
    ).toEqual([a, b].sort());
    expect((await read(bienHoaOfficer.token, a)).json().householdId).toBe(hid);

    const longKhanhWorker = await staffToken(env, 'health_worker', UNITS.longKhanh);
    const other = await env.app.inject({
      method: 'GET',
      url: `/api/v1/households/${hid}`,
      headers: bearer(longKhanhWorker.token),
    });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('HOUSEHOLD_NOT_FOUND');
  });

  it('a household with an out-of-scope member → 404 and no household row', async () => {
    const outside = await personIn(LONG_KHANH_COMMUNE);
    const before = await count('households');
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: bearer(bienHoaOfficer.token),
      payload: { unitCode: UNITS.bienHoaCommune, memberIds: [outside] },
    });
    expect(res.statusCode).toBe(404);
    expect(await count('households')).toBe(before);
  });

  it('a welfare officer (households.manage) creates a household with members and adds one', async () => {
    const welfare = await staffToken(env, 'welfare_officer', UNITS.bienHoa);
    const a = await personIn(UNITS.bienHoaCommune);
    const b = await personIn(UNITS.bienHoaCommune);
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: bearer(welfare.token),
      payload: { unitCode: UNITS.bienHoaCommune, memberIds: [a] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const add = await env.app.inject({
      method: 'POST',
      url: `/api/v1/households/${res.json().id}/members`,
      headers: bearer(welfare.token),
      payload: { personId: b },
    });
    expect(add.statusCode, add.body).toBe(204);
  });

  it('a tracer cannot create households (403)', async () => {
    const tracer = await staffToken(env, 'tracer', UNITS.bienHoa);
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: bearer(tracer.token),
      payload: { unitCode: UNITS.bienHoaCommune },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('citizens: profile, dependants, QR', () => {
  let citizen: { token: string; personId: string };
  beforeAll(async () => {
    citizen = await citizenToken(env, '0966123456');
  });

  it('PUT /me/profile completes the profile', async () => {
    const res = await env.app.inject({
      method: 'PUT',
      url: '/api/v1/me/profile',
      headers: bearer(citizen.token),
      payload: {
        name: 'Bùi Văn Khoa',
        birthYear: 1975,
        sex: 'male',
        unitCode: UNITS.bienHoaCommune,
        address: '1 Lê Lợi',
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: citizen.personId,
      name: 'Bùi Văn Khoa',
      unitCode: UNITS.bienHoaCommune,
      phone: '+84966123456',
    });
    const me = await env.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(citizen.token) });
    expect(me.json().person.profileComplete).toBe(true);
    const prof = await env.app.inject({ method: 'GET', url: '/api/v1/me/profile', headers: bearer(citizen.token) });
    expect(prof.json().name).toBe('Bùi Văn Khoa');
  });

  it('profile validation: bad national ID → 400; someone else’s national ID → 200, a claim (national-id-claims.int.test.ts)', async () => {
    const bad = await env.app.inject({
      method: 'PUT',
      url: '/api/v1/me/profile',
      headers: bearer(citizen.token),
      payload: { name: 'Bùi Văn Khoa', unitCode: UNITS.bienHoaCommune, nationalId: '123' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_NATIONAL_ID');
    const nationalId = makeNationalId();
    const otherId = await personIn(UNITS.bienHoaCommune, { nationalId });
    const taken = await env.app.inject({
      method: 'PUT',
      url: '/api/v1/me/profile',
      headers: bearer(citizen.token),
      payload: { name: 'Bùi Văn Khoa', unitCode: UNITS.bienHoaCommune, nationalId },
    });
    expect(taken.statusCode).toBe(200);
    expect(taken.json()).toMatchObject({ nationalId, nationalIdVerified: false });
    expect(taken.body).not.toContain(otherId);
  });

  it('who a person is, once on record, is not changed by a citizen: 409 PERSON_IDENTITY_LOCKED, nothing written', async () => {
    const me = await citizenToken(env, '0966123777');
    const put = (payload: Record<string, unknown>) =>
      env.app.inject({ method: 'PUT', url: '/api/v1/me/profile', headers: bearer(me.token), payload });
    const patch = (id: string, payload: Record<string, unknown>) =>
      env.app.inject({ method: 'PATCH', url: `/api/v1/people/${id}`, headers: bearer(me.token), payload });
    // first fill: allowed (a name given with doubled spaces is stored cleaned)
    const first = await put({ name: ' lê  văn   tám ', birthYear: 1980, unitCode: UNITS.bienHoaCommune });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().name).toBe('lê văn tám');
    // the same name in other case or spacing (capitals put right), a national ID filled in, an address: allowed
    const nationalId = makeNationalId();
    const same = await put({
      name: 'Lê Văn  Tám',
      birthYear: 1980,
      nationalId,
      unitCode: UNITS.bienHoaCommune,
      address: '5 Lý Thái Tổ',
    });
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json()).toMatchObject({ name: 'Lê Văn Tám', nationalId, address: '5 Lý Thái Tổ' });
    // another name (the green pass is signed with it), another birth year, another national ID: refused
    for (const [payload, field] of [
      [{ name: 'Trần Thị Bé', birthYear: 1980 }, 'name'],
      [{ name: 'Lê Văn Tám', birthYear: 1990 }, 'birthYear'],
      [{ name: 'Lê Văn Tám', nationalId: makeNationalId() }, 'nationalId'],
    ] as const) {
      const res = await put({ ...payload, unitCode: UNITS.bienHoaCommune });
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'PERSON_IDENTITY_LOCKED', details: { fields: [field] } });
      expect(res.json().error.messageVi).toContain('trạm y tế xã');
    }
    // PATCH /people/{own id} is held to the same rules, and a citizen's own phone (their account) is not changed there
    expect((await patch(me.personId, { name: 'Trần Thị Bé' })).json().error.code).toBe('PERSON_IDENTITY_LOCKED');
    const phone = await patch(me.personId, { phone: '0966000111' });
    expect(phone.statusCode).toBe(409);
    expect(phone.json().error.details.fields).toEqual(['phone']);
    const stored = await env.ctx.db
      .selectFrom('people')
      .select(['name', 'birth_year', 'national_id', 'national_id_claim', 'phone'])
      .where('id', '=', me.personId)
      .executeTakeFirstOrThrow();
    // (the number a citizen typed is a claim until staff verify it: national-id-claims.int.test.ts)
    expect(stored).toEqual({
      name: 'Lê Văn Tám',
      birth_year: 1980,
      national_id: null,
      national_id_claim: nationalId,
      phone: '+84966123777',
    });

    // a dependant: empty fields may be filled, filled ones not changed; the guardian's changes are audited
    const kid = (
      await env.app.inject({
        method: 'POST',
        url: '/api/v1/me/dependants',
        headers: bearer(me.token),
        payload: { name: 'Lê Bé Út', relation: 'child' },
      })
    ).json().id as string;
    const fill = await patch(kid, { birthYear: 2018, sex: 'female' });
    expect(fill.statusCode, fill.body).toBe(200);
    const rename = await patch(kid, { name: 'Người Khác', birthYear: 2018 });
    expect(rename.statusCode).toBe(409);
    expect(rename.json().error.details.fields).toEqual(['name']);
    const kidPhone = await patch(kid, { phone: '0966000222' });
    expect(kidPhone.statusCode, kidPhone.body).toBe(200);
    expect((await patch(kid, { phone: '0966000333' })).json().error.code).toBe('PERSON_IDENTITY_LOCKED');
    const audited = await env.ctx.db
      .selectFrom('audit_log')
      .select(['actor_type', 'details'])
      .where('action', '=', 'people.update')
      .where('resource_id', '=', kid)
      .execute();
    expect(audited).toHaveLength(2);
    expect(audited.every((a) => a.actor_type === 'citizen')).toBe(true);

    // staff correct it (audited as always)
    const fixed = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${kid}`,
      headers: bearer(admin.token),
      payload: { name: 'Lê Thị Út' },
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(fixed.json().name).toBe('Lê Thị Út');
  });

  it('one account manages at most 20 dependants: the 21st → 409 DEPENDANTS_TOO_MANY, not created', async () => {
    const me = await citizenToken(env, '0966123888');
    const add = (n: number) =>
      env.app.inject({
        method: 'POST',
        url: '/api/v1/me/dependants',
        headers: bearer(me.token),
        payload: { name: `Người Thân ${n}`, relation: 'other' },
      });
    for (let n = 1; n <= 20; n++) expect((await add(n)).statusCode).toBe(201);
    const before = await count('people');
    const over = await add(21);
    expect(over.statusCode).toBe(409);
    expect(over.json().error).toMatchObject({ code: 'DEPENDANTS_TOO_MANY', details: { max: 20 } });
    expect(await count('people')).toBe(before);
  });

  it('POST /me/dependants adds a child who appears in the list and inherits the unit', async () => {
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/me/dependants',
      headers: bearer(citizen.token),
      payload: { name: 'Bùi Bé Na', relation: 'child', birthYear: 2019 },
    });
    expect(res.statusCode).toBe(201);
    const kid = res.json().id;
    const list = await env.app.inject({ method: 'GET', url: '/api/v1/me/dependants', headers: bearer(citizen.token) });
    expect(list.json()).toEqual([
      expect.objectContaining({ id: kid, relation: 'child', unitCode: UNITS.bienHoaCommune }),
    ]);
    // the guardian may read the dependant and get its QR
    expect((await read(citizen.token, kid)).statusCode).toBe(200);
    const qr = await env.app.inject({
      method: 'GET',
      url: `/api/v1/me/qr?personId=${kid}`,
      headers: bearer(citizen.token),
    });
    expect(qr.statusCode).toBe(200);
    expect(qr.json().qr).toMatch(new RegExp(`^TV1\\.P\\.${kid}\\.`));
  });

  it('GET /me/qr → TV1.P.<personId>.<kid>.<sig>, verifiable with the signing keys', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/v1/me/qr', headers: bearer(citizen.token) });
    expect(res.statusCode).toBe(200);
    const { qr, personId } = res.json();
    expect(personId).toBe(citizen.personId);
    const m = /^TV1\.P\.([0-9a-f-]{36})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(qr);
    expect(m?.[1]).toBe(citizen.personId);
    expect(await env.ctx.keys.verify('person-qr', m?.[2] ?? '', `P.${citizen.personId}`, m?.[3] ?? '')).toBe(true);
    expect(await env.ctx.keys.verify('person-qr', m?.[2] ?? '', `P.${citizen.personId}x`, m?.[3] ?? '')).toBe(false);
  });

  it('a citizen cannot read another person (404) nor get their QR, nor use staff routes (403)', async () => {
    const other = await personIn(UNITS.bienHoaCommune);
    const res = await read(citizen.token, other);
    expect(res.statusCode).toBe(404);
    const qr = await env.app.inject({
      method: 'GET',
      url: `/api/v1/me/qr?personId=${other}`,
      headers: bearer(citizen.token),
    });
    expect(qr.statusCode).toBe(404);
    const patch = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${other}`,
      headers: bearer(citizen.token),
      payload: { name: 'Changed' },
    });
    expect(patch.statusCode).toBe(404);
    const post = await create(citizen.token, {
      nationalId: makeNationalId(),
      name: 'X',
      unitCode: UNITS.bienHoaCommune,
    });
    expect(post.statusCode).toBe(403);
    const search = await env.app.inject({ method: 'GET', url: '/api/v1/people?q=abc', headers: bearer(citizen.token) });
    expect(search.statusCode).toBe(403);
  });

  it("a dependant added with someone else's phone is not handed to that phone's owner at sign-in", async () => {
    const victimPhone = '0966999888';
    const added = await env.app.inject({
      method: 'POST',
      url: '/api/v1/me/dependants',
      headers: bearer(citizen.token),
      payload: { name: 'Người Khác', relation: 'parent', phone: victimPhone },
    });
    expect(added.statusCode).toBe(201);
    const victim = await citizenToken(env, victimPhone);
    expect(victim.personId).not.toBe(added.json().id);
    await env.app.inject({
      method: 'PUT',
      url: '/api/v1/me/profile',
      headers: bearer(victim.token),
      payload: { name: 'Nạn Nhân', nationalId: makeNationalId(), unitCode: UNITS.bienHoaCommune },
    });
    // the guardian of the dependant record cannot read the real phone owner's profile
    expect((await read(citizen.token, victim.personId)).statusCode).toBe(404);
  });

  it('staff cannot use citizen routes (403)', async () => {
    const res = await env.app.inject({
      method: 'GET',
      url: '/api/v1/me/profile',
      headers: bearer(bienHoaOfficer.token),
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('audit of staff access to people', () => {
  it('reads, creates and denied reads append audit rows, and the chain verifies', async () => {
    const officer = await staffToken(env, 'tracer', UNITS.bienHoa);
    const created = await create(officer.token, {
      nationalId: makeNationalId(),
      name: 'Kiểm Toán',
      unitCode: UNITS.bienHoaCommune,
    });
    const id = created.json().id;
    await read(officer.token, id);
    const outside = await personIn(LONG_KHANH_COMMUNE);
    await read(officer.token, outside);
    await new Promise((r) => setTimeout(r, 50)); // the denial is recorded without delaying the answer
    const rows = await env.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'outcome', 'resource_id', 'actor_id', 'unit_code'])
      .where('actor_id', '=', officer.userId)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      {
        action: 'people.create',
        outcome: 'ok',
        resource_id: id,
        actor_id: officer.userId,
        unit_code: UNITS.bienHoaCommune,
      },
      {
        action: 'people.read',
        outcome: 'ok',
        resource_id: id,
        actor_id: officer.userId,
        unit_code: UNITS.bienHoaCommune,
      },
      { action: 'people.read', outcome: 'denied', resource_id: outside, actor_id: officer.userId, unit_code: null },
    ]);
    expect(await env.ctx.audit.verify()).toMatchObject({ ok: true });
  });
});
