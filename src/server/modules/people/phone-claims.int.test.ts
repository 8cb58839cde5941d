/**
 * Phones, trusted and claimed (people/README.md, migration 0044): a phone a citizen types for a dependant, other than
 * their own, is a claim. A look-up by phone alone — a hotline's declaration, a door, a tracer — never finds a claim;
 * the phone's account holder comes first; by phone and name a claim answers only when no trusted record of the
 * phone has that name. Without this a citizen typed a stranger's phone into a dependant and received the stranger's
 * declarations and test results.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, citizenToken, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

let env: TestEnv;
let hotline: { token: string; userId: string };

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'], config: { authRateLimitPerMinute: 10_000 } });
  hotline = await staffToken(env, 'health_worker', UNITS.bienHoa);
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

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

const inject = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, token: string, payload?: object) =>
  env.app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });

let serial = 0;
const newPhone = () => `09662${String(++serial).padStart(5, '0')}`;

/** A signed-in citizen of Biên Hòa with a completed profile. */
async function citizen(phone: string, name: string) {
  const c = await citizenToken(env, phone);
  const res = await inject('PUT', '/api/v1/me/profile', c.token, {
    name,
    birthYear: 1980,
    unitCode: UNITS.bienHoaCommune,
  });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

async function addDependant(token: string, body: { name: string; phone?: string }) {
  const res = await inject('POST', '/api/v1/me/dependants', token, { relation: 'parent', ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** A hotline worker declares for whoever `subject` names: the person the look-up found. */
async function declareFor(subject: { phone: string; name?: string }) {
  const res = await inject('POST', '/api/v1/declarations', hotline.token, {
    type: 'domestic',
    subject,
    answers: { ...NO, fever: true },
  });
  expect(res.statusCode, res.body).toBe(201);
  const row = await env.ctx.db
    .selectFrom('declarations')
    .select('person_id')
    .where('id', '=', res.json().id)
    .executeTakeFirstOrThrow();
  return row.person_id;
}

const claimed = async (id: string) =>
  (await env.ctx.db.selectFrom('people').select('phone_claimed').where('id', '=', id).executeTakeFirstOrThrow())
    .phone_claimed;

describe("a citizen types a stranger's phone into a dependant", () => {
  it('is a claim; once the stranger has an account, a look-up by phone (with or without the name) finds the stranger', async () => {
    const victimPhone = newPhone();
    const attacker = await citizen(newPhone(), 'Kẻ Chiếm Số');
    const squat = await addDependant(attacker.token, { name: 'Phạm Thị Bị Hại', phone: victimPhone });
    expect(await claimed(squat)).toBe(true);
    const victim = await citizen(victimPhone, 'Phạm Thị Bị Hại');
    expect(victim.personId).not.toBe(squat);

    expect(await declareFor({ phone: victimPhone })).toBe(victim.personId);
    expect(await declareFor({ phone: victimPhone, name: 'phạm thị  bị hại' })).toBe(victim.personId);
    // the attacker reads nothing of it through the dependant
    const theirs = await inject('GET', `/api/v1/me/declarations?personId=${squat}`, attacker.token);
    expect(theirs.statusCode, theirs.body).toBe(200);
    expect(JSON.stringify(theirs.json())).not.toContain('symptom');
    const mine = await inject('GET', '/api/v1/me/declarations/today', victim.token);
    expect(mine.json()).toMatchObject({ declared: true, status: 'flagged' });
  });

  it('a phone alone never finds the claim, even when no one else has the phone: someone new is registered', async () => {
    const strangerPhone = newPhone();
    const attacker = await citizen(newPhone(), 'Kẻ Chiếm Số Hai');
    const squat = await addDependant(attacker.token, { name: 'Người Lạ', phone: strangerPhone });
    const found = await declareFor({ phone: strangerPhone });
    expect(found).not.toBe(squat);
    const person = await env.ctx.db
      .selectFrom('people')
      .select(['phone', 'phone_claimed'])
      .where('id', '=', found)
      .executeTakeFirstOrThrow();
    expect(person).toEqual({ phone: `+84${strangerPhone.slice(1)}`, phone_claimed: false });
  });

  it('by phone and name, the one claim of that name answers when no trusted record has the name (a relative met at a site)', async () => {
    const grandmaPhone = newPhone();
    const son = await citizen(newPhone(), 'Con Trai');
    const grandma = await addDependant(son.token, { name: 'Bà Nội Susan', phone: grandmaPhone });
    expect(await declareFor({ phone: grandmaPhone, name: 'Bà Nội  Susan' })).toBe(grandma);
  });
});

describe("a dependant given the guardian's own phone (a family's shared phone)", () => {
  it('is trusted: found by the phone and the name; the phone alone finds the guardian', async () => {
    const phone = newPhone();
    const mother = await citizen(phone, 'Mẹ Chung Máy');
    // (a name with an s in it, given in other case and spacing: the comparison's own regular expression is tested too)
    const child = await addDependant(mother.token, { name: 'Bé Sasa Chung Máy', phone });
    expect(await claimed(child)).toBe(false);
    expect(await declareFor({ phone, name: 'bé sasa  chung máy' })).toBe(child);
    expect(await declareFor({ phone })).toBe(mother.personId);
  });
});

describe('changing a phone', () => {
  it("a guardian's change to another phone is a claim; staff writing it make it trusted", async () => {
    const guardian = await citizen(newPhone(), 'Người Giám Hộ');
    const dependant = await addDependant(guardian.token, { name: 'Người Phụ Thuộc' });
    const other = newPhone();
    const patched = await inject('PATCH', `/api/v1/people/${dependant}`, guardian.token, { phone: other });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(await claimed(dependant)).toBe(true);
    const staff = await inject('PATCH', `/api/v1/people/${dependant}`, hotline.token, { phone: other });
    expect(staff.statusCode, staff.body).toBe(200);
    expect(await claimed(dependant)).toBe(false);
    expect(await declareFor({ phone: other })).toBe(dependant);
  });
});

describe("a citizen's changes to who a person is", () => {
  it('are audited: the profile filled (people.update) and a dependant added (people.create), with the fields named', async () => {
    const c = await citizen(newPhone(), 'Người Điền Hồ Sơ');
    const dependant = await addDependant(c.token, { name: 'Người Được Thêm', phone: newPhone() });
    const rows = await env.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'resource_id', 'details'])
      .where('resource_id', 'in', [c.personId, dependant])
      .where('action', 'in', ['people.update', 'people.create'])
      .execute();
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'people.update',
          resource_id: c.personId,
          details: expect.objectContaining({ via: 'profile', fields: ['birthYear', 'name', 'unitCode'] }),
        }),
        expect.objectContaining({
          action: 'people.create',
          resource_id: dependant,
          details: expect.objectContaining({ via: 'dependant', fields: ['name', 'phone', 'relation'] }),
        }),
      ]),
    );
  });
});
