/**
 * The vaccination platform's integration contract through the real app (PGlite, and PostgreSQL with
 * TEST_DATABASE_URL): products, registration (self, dependant, staff), planning, invitations through the outbox,
 * check-in, screening, doses with every rule (and nothing written when refused), idempotency, a doctor's override,
 * AEFI to the district CDC, corrections with a photo decided by district staff, doses given elsewhere, the
 * citizen's record and next due dose, the coverage counters, the green pass's read and its events.
 */
import { sql } from 'kysely';
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

let env: TestEnv;
let admin: string;
let planner: string;
let vaccinator: string;
let doctor: string;
let districtReviewer: string;
let communeReviewer: string;
let vaccinatorElsewhere: string;
let citizen: { token: string; personId: string };
let stranger: { token: string; personId: string };
let dependantId = '';
let siteId = '';
let otherSiteId = '';
let sessionId = '';

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

async function call(
  method: 'GET' | 'POST',
  url: string,
  token: string | null,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return env.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...(token ? bearer(token) : {}), ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

const count = async (table: string, where = sql`true`) =>
  Number(
    (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(env.ctx.db)).rows[0]
      ?.n,
  );

async function person(name: string, birthYear: number, unitCode: string = UNITS.bienHoaCommune) {
  const res = await call('POST', '/people', admin, { name, birthYear, unitCode, nationalId: makeNationalId() });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

const dose = (personId: string, over: Record<string, unknown> = {}) => ({
  person: { personId },
  product: 'comirnaty',
  lot: 'FK1234',
  doseNumber: 1,
  siteId,
  givenAt: ago(30),
  ...over,
});

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  admin = (await staffToken(env, 'admin', null)).token;
  planner = (await staffToken(env, 'health_worker', UNITS.bienHoa)).token;
  vaccinator = (await staffToken(env, 'vaccinator', UNITS.bienHoa)).token;
  doctor = (await staffToken(env, 'doctor', UNITS.bienHoa)).token;
  districtReviewer = (await staffToken(env, 'health_worker', UNITS.bienHoa)).token;
  communeReviewer = (await staffToken(env, 'health_worker', UNITS.bienHoaCommune)).token;
  vaccinatorElsewhere = (await staffToken(env, 'vaccinator', UNITS.longKhanh)).token;
  citizen = await citizenToken(env, '0912000222');
  stranger = await citizenToken(env, '0912000333');
  const profile = await env.app.inject({
    method: 'PUT',
    url: '/api/v1/me/profile',
    headers: bearer(citizen.token),
    payload: { name: 'Trần Văn Tiêm', unitCode: UNITS.bienHoaCommune, birthYear: 1960 },
  });
  expect(profile.statusCode, profile.body).toBe(200);
  const dep = await call('POST', '/me/dependants', citizen.token, {
    name: 'Trần Thị Mẹ',
    relation: 'parent',
    birthYear: 1940,
  });
  expect(dep.statusCode, dep.body).toBe(201);
  dependantId = dep.json().id;

  const site = await call('POST', '/vaccination/sites', planner, {
    name: 'Trạm Y tế Tân Phong',
    unitCode: UNITS.bienHoaCommune,
  });
  expect(site.statusCode, site.body).toBe(201);
  siteId = site.json().id;
  otherSiteId = (
    await call('POST', '/vaccination/sites', admin, { name: 'TTYT Long Khánh', unitCode: UNITS.longKhanh })
  ).json().id;
  for (const [product, lotNumber, expiresOn, s] of [
    ['comirnaty', 'FK1234', inDays(200), siteId],
    ['vaxzevria', 'AZ0001', inDays(200), siteId],
    ['vero_cell', 'VC0001', inDays(200), siteId],
    ['comirnaty', 'LK9999', inDays(200), otherSiteId],
    ['spikevax', 'SV0001', inDays(200), siteId],
  ] as const) {
    const lot = await call('POST', '/vaccination/lots', admin, {
      product,
      lotNumber,
      expiresOn,
      siteId: s,
      quantity: 100,
    });
    expect(lot.statusCode, lot.body).toBe(201);
  }
  // an expired lot (as if delivered long ago), through the API: recorded, as expired
  const old = await call('POST', '/vaccination/lots', planner, {
    product: 'comirnaty',
    lotNumber: 'OLD001',
    expiresOn: inDays(-400),
    siteId,
    quantity: 10,
  });
  expect(old.statusCode, old.body).toBe(201);
  expect(old.json().expired).toBe(true);
  const session = await call('POST', '/vaccination/sessions', planner, {
    siteId,
    day: inDays(1),
    capacity: 50,
    product: 'comirnaty',
  });
  expect(session.statusCode, session.body).toBe(201);
  sessionId = session.json().id;
  await env.ctx.db
    .insertInto('vaccination_cdc_contacts')
    .values({ district_code: UNITS.bienHoa, phone: '+84911000999' })
    .execute();
}, 180_000);

afterAll(async () => {
  await env?.close();
});

describe('products', () => {
  it('lists the defaults with a two-dose product of at least 21 days and EU codes, to anyone (reference data)', async () => {
    // public, like the declaration forms: the same list with and without an account
    const res = await call('GET', '/vaccination/products', null);
    expect(res.statusCode).toBe(200);
    expect((await call('GET', '/vaccination/products', citizen.token)).json()).toEqual(res.json());
    const groups = await call('GET', '/vaccination/priority-groups', null);
    expect(groups.statusCode).toBe(200);
    expect(groups.json().items.length).toBeGreaterThan(3);
    const items = res.json().items as {
      code: string;
      dosesInPrimarySeries: number;
      minIntervalDays: number;
      euProductCode: string;
    }[];
    const comirnaty = items.find((p) => p.code === 'comirnaty');
    expect(comirnaty).toMatchObject({ dosesInPrimarySeries: 2, minIntervalDays: 21, euProductCode: 'EU/1/20/1528' });
    expect(items.some((p) => p.dosesInPrimarySeries === 2 && p.minIntervalDays >= 21)).toBe(true);
  });

  it('codes Abdala as the EU DCC value sets do (vaccines-covid-19-names "Abdala", auth-holders "CIGB", J07BX03)', async () => {
    // the eHealth network's value sets (since their version 1.5) and its encoding instructions, which say "Also known
    // as CIGB-66": the product code is "Abdala", not "CIGB-66"
    const abdala = await env.ctx.db
      .selectFrom('vaccine_products')
      .select(['eu_product_code', 'eu_manufacturer_code', 'eu_prophylaxis_code'])
      .where('code', '=', 'abdala')
      .executeTakeFirstOrThrow();
    expect(abdala).toEqual({ eu_product_code: 'Abdala', eu_manufacturer_code: 'CIGB', eu_prophylaxis_code: 'J07BX03' });
  });
});

describe('registration', () => {
  it('a citizen registers themself and a dependant; a second open registration is 409', async () => {
    const self = await call('POST', '/vaccination/registrations', citizen.token, {
      priorityGroup: 'age_65_plus',
      siteId,
    });
    expect(self.statusCode, self.body).toBe(201);
    const dep = await call('POST', '/vaccination/registrations', citizen.token, {
      subject: { personId: dependantId },
      priorityGroup: 'age_65_plus',
    });
    expect(dep.statusCode, dep.body).toBe(201);
    const again = await call('POST', '/vaccination/registrations', citizen.token, { priorityGroup: 'general' });
    expectError(again, 409, 'VACCINATION_ALREADY_REGISTERED');
  });

  it('a citizen cannot register someone who is not theirs (404), nor by national ID', async () => {
    const before = await count('vaccination_registrations');
    expectError(
      await call('POST', '/vaccination/registrations', stranger.token, {
        subject: { personId: dependantId },
        priorityGroup: 'general',
      }),
      404,
      'PERSON_NOT_FOUND',
    );
    expectError(
      await call('POST', '/vaccination/registrations', stranger.token, {
        subject: { nationalId: makeNationalId() },
        priorityGroup: 'general',
      }),
      404,
      'PERSON_NOT_FOUND',
    );
    expect(await count('vaccination_registrations')).toBe(before);
  });

  it('staff register a walk-in without a phone by national ID (found, not duplicated, through people)', async () => {
    const nationalId = makeNationalId();
    const first = await call('POST', '/vaccination/registrations', planner, {
      subject: { nationalId, name: 'Lê Văn Không Điện Thoại' },
      priorityGroup: 'welfare',
    });
    expect(first.statusCode, first.body).toBe(201);
    // (the group named as words: case, spaces and hyphens aside, the code)
    const again = await call('POST', '/vaccination/registrations', planner, {
      subject: { nationalId },
      priorityGroup: ' Welfare ',
    });
    expectError(again, 409, 'VACCINATION_ALREADY_REGISTERED');
    expect(await count('people', sql`national_id = ${nationalId}`)).toBe(1);
  });

  it('an unknown priority group is 400', async () => {
    for (const priorityGroup of ['nobody', 'health workers!', '']) {
      expectError(
        await call('POST', '/vaccination/registrations', citizen.token, { priorityGroup }),
        400,
        'VACCINATION_PRIORITY_GROUP_UNKNOWN',
      );
    }
  });
});

describe('invitations', () => {
  it('invites by priority through the outbox and lists people without a phone for the commune', async () => {
    const res = await call('POST', '/vaccination/invitations', planner, { sessionId });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.invited).toBe(3);
    // the citizen and the dependant (through the guardian's phone) get an SMS; the walk-in has none
    expect(body.messaged).toBe(2);
    expect(body.withoutPhone.map((r: { name: string }) => r.name)).toEqual(['Lê Văn Không Điện Thoại']);
    const list = await call('GET', '/vaccination/registrations?status=invited&withoutPhone=true', planner);
    expect(list.json().items).toHaveLength(1);
    const mine = await call('GET', '/me/vaccinations', citizen.token);
    expect(mine.json().registration).toMatchObject({ status: 'invited', sessionId });
  });

  it("a commune's planner invites their commune's registrations, never another commune's of the district", async () => {
    const here = await person('Đinh Văn Trong Xã', 1970, UNITS.bienHoaCommune);
    const there = await person('Đinh Văn Xã Khác', 1970, '25996');
    for (const p of [here, there]) {
      const r = await call('POST', '/vaccination/registrations', planner, {
        subject: { personId: p },
        priorityGroup: 'general',
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    const session = await call('POST', '/vaccination/sessions', planner, {
      siteId,
      day: inDays(2),
      capacity: 10,
      product: 'comirnaty',
    });
    expect(session.statusCode, session.body).toBe(201);
    const invited = await call('POST', '/vaccination/invitations', communeReviewer, { sessionId: session.json().id });
    expect(invited.statusCode, invited.body).toBe(200);
    expect(invited.json().invited).toBe(1);
    const status = async (p: string) =>
      (
        await env.ctx.db
          .selectFrom('vaccination_registrations')
          .select('status')
          .where('person_id', '=', p)
          .executeTakeFirstOrThrow()
      ).status;
    expect([await status(here), await status(there)]).toEqual(['invited', 'waiting']);
    // the district's planner reaches the other commune
    const district = await call('POST', '/vaccination/invitations', planner, { sessionId: session.json().id });
    expect(district.json().invited).toBe(1);
    expect(await status(there)).toBe('invited');
  });
});

describe('doses', () => {
  let pid = '';
  let dose1 = '';
  beforeAll(async () => {
    pid = citizen.personId;
  });

  it('check-in by national ID is scoped, screening computes the outcome', async () => {
    const p = await person('Phạm Văn Sàng Lọc', 1980);
    const nid = (
      await env.ctx.db.selectFrom('people').select('national_id').where('id', '=', p).executeTakeFirstOrThrow()
    ).national_id;
    const ok = await call('POST', '/vaccination/check-in', vaccinator, { siteId, nationalId: nid });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().missing).toEqual([]);
    expectError(
      await call('POST', '/vaccination/check-in', vaccinatorElsewhere, { siteId, nationalId: nid }),
      404,
      'VACCINATION_SITE_NOT_FOUND',
    );
    const checklist = (await call('GET', '/vaccination/checklist', vaccinator)).json();
    const answers = Object.fromEntries(checklist.questions.map((q: { id: string }) => [q.id, false]));
    const proceed = await call('POST', '/vaccination/screenings', vaccinator, {
      personId: p,
      siteId,
      checklistVersion: checklist.version,
      answers: { ...answers, acute_illness: true },
    });
    expect(proceed.statusCode, proceed.body).toBe(201);
    expect(proceed.json().outcome).toBe('defer');
    // a deferred person is refused a dose unless a doctor overrides
    expectError(
      await call('POST', '/vaccination/doses', vaccinator, dose(p, { givenAt: new Date().toISOString() })),
      422,
      'VACCINATION_SCREENING_NOT_PASSED',
    );
    // nor can an older `proceed`, named by id, stand in for today's `defer`: a screening counts within the day
    // before the dose
    const old = await call('POST', '/vaccination/screenings', vaccinator, {
      personId: p,
      siteId,
      checklistVersion: checklist.version,
      answers,
    });
    expect(old.json().outcome).toBe('proceed');
    await sql`update vaccination_screenings set created_at = now() - interval '3 days' where id = ${old.json().id}`.execute(
      env.ctx.db,
    );
    const before = await count('vaccination_doses');
    const cited = await call(
      'POST',
      '/vaccination/doses',
      vaccinator,
      dose(p, { givenAt: new Date().toISOString(), screeningId: old.json().id }),
    );
    expectError(cited, 400, 'VALIDATION_FAILED');
    expect(cited.json().error.details).toMatchObject({ field: 'screeningId' });
    expect(await count('vaccination_doses')).toBe(before);
  });

  it('records dose 1 (stock decremented, event enqueued, registration done)', async () => {
    const before = await count('jobs', sql`topic = 'vaccination.record-changed'`);
    const body = dose(pid, { givenAt: ago(30) });
    const res = await call('POST', '/vaccination/doses', vaccinator, body, { 'idempotency-key': 'dose-one-key-1' });
    expect(res.statusCode, res.body).toBe(201);
    dose1 = res.json().id;
    expect(res.json().observationUntil).toBeTruthy();
    const replay = await call('POST', '/vaccination/doses', vaccinator, body, { 'idempotency-key': 'dose-one-key-1' });
    expect(replay.statusCode).toBe(200);
    expect(replay.json().id).toBe(dose1);
    expect(await count('vaccination_doses', sql`person_id = ${pid}`)).toBe(1);
    expect(await count('jobs', sql`topic = 'vaccination.record-changed'`)).toBe(before + 1);
    const lot = await env.ctx.db
      .selectFrom('vaccine_lots')
      .select('used')
      .where('lot_number', '=', 'FK1234')
      .executeTakeFirstOrThrow();
    expect(lot.used).toBe(1);
  });

  it('refuses a too-early dose 2, a disallowed mix, a wrong dose number — nothing written', async () => {
    const before = await count('vaccination_doses');
    const early = await call('POST', '/vaccination/doses', vaccinator, dose(pid, { doseNumber: 2, givenAt: ago(20) }));
    expectError(early, 422, 'VACCINATION_INTERVAL_TOO_SHORT');
    expect(early.json().error.message).toContain('21');
    expectError(
      await call(
        'POST',
        '/vaccination/doses',
        vaccinator,
        dose(pid, { doseNumber: 2, product: 'vero_cell', lot: 'VC0001', givenAt: ago(1) }),
      ),
      422,
      'VACCINATION_MIX_NOT_ALLOWED',
    );
    // the same mix naming the first product's lot: the rule it breaks is the answer, not the lot's mismatch
    const mixedLot = await call(
      'POST',
      '/vaccination/doses',
      vaccinator,
      dose(pid, { doseNumber: 2, product: 'vero_cell', lot: 'FK1234', givenAt: ago(1) }),
    );
    expectError(mixedLot, 422, 'VACCINATION_MIX_NOT_ALLOWED');
    expect(mixedLot.json().error.details.violations).toContain('VACCINATION_MIX_NOT_ALLOWED');
    // a lot of another product where no rule is broken: the lot is the answer
    expectError(
      await call(
        'POST',
        '/vaccination/doses',
        vaccinator,
        dose(pid, { doseNumber: 2, product: 'comirnaty', lot: 'VC0001', givenAt: ago(1) }),
      ),
      422,
      'VACCINATION_LOT_PRODUCT_MISMATCH',
    );
    expectError(
      await call('POST', '/vaccination/doses', vaccinator, dose(pid, { doseNumber: 3, givenAt: ago(1) })),
      422,
      'VACCINATION_DOSE_NUMBER_INVALID',
    );
    expect(await count('vaccination_doses')).toBe(before);
  });

  it('bad input: unknown product or lot, expired lot, lot of another site, future time, out of scope — nothing written', async () => {
    const before = await count('vaccination_doses');
    const used = await count('vaccine_lots', sql`used > 0`);
    expectError(
      await call(
        'POST',
        '/vaccination/doses',
        vaccinator,
        dose(pid, { doseNumber: 2, product: 'nope', givenAt: ago(1) }),
      ),
      400,
      'VACCINATION_PRODUCT_UNKNOWN',
    );
    expectError(
      await call('POST', '/vaccination/doses', vaccinator, dose(pid, { doseNumber: 2, lot: 'NOPE', givenAt: ago(1) })),
      400,
      'VACCINATION_LOT_UNKNOWN',
    );
    expectError(
      await call(
        'POST',
        '/vaccination/doses',
        vaccinator,
        dose(pid, { doseNumber: 2, lot: 'OLD001', givenAt: ago(1) }),
      ),
      422,
      'VACCINATION_LOT_EXPIRED',
    );
    expectError(
      await call(
        'POST',
        '/vaccination/doses',
        vaccinator,
        dose(pid, { doseNumber: 2, lot: 'LK9999', givenAt: ago(1) }),
      ),
      422,
      'VACCINATION_LOT_WRONG_SITE',
    );
    expectError(
      await call(
        'POST',
        '/vaccination/doses',
        vaccinator,
        dose(pid, { doseNumber: 2, givenAt: new Date(Date.now() + DAY).toISOString() }),
      ),
      400,
      'VACCINATION_GIVEN_AT_FUTURE',
    );
    const far = await person('Người Long Khánh', 1970, UNITS.longKhanh);
    expectError(
      await call('POST', '/vaccination/doses', vaccinator, dose(far, { givenAt: ago(1) })),
      404,
      'PERSON_NOT_FOUND',
    );
    expectError(
      await call('POST', '/vaccination/doses', vaccinator, {
        ...dose(pid),
        person: { nationalId: '000000000000' },
        givenAt: ago(1),
      }),
      404,
      'PERSON_NOT_FOUND',
    );
    expectError(
      await call('POST', '/vaccination/doses', citizen.token, dose(pid, { doseNumber: 2, givenAt: ago(1) })),
      403,
      'FORBIDDEN',
    );
    expect(await count('vaccination_doses')).toBe(before);
    expect(await count('vaccine_lots', sql`used > 0`)).toBe(used);
  });

  it('a doctor overrides an interval with a reason (audited); a vaccinator may not', async () => {
    const p = await person('Đỗ Văn Ghi Đè', 1975);
    expect((await call('POST', '/vaccination/doses', vaccinator, dose(p, { givenAt: ago(25) }))).statusCode).toBe(201);
    const override = { reason: 'Đi công tác nước ngoài, bác sĩ đồng ý tiêm sớm' };
    expectError(
      await call('POST', '/vaccination/doses', vaccinator, dose(p, { doseNumber: 2, givenAt: ago(6), override })),
      403,
      'FORBIDDEN',
    );
    const res = await call('POST', '/vaccination/doses', doctor, dose(p, { doseNumber: 2, givenAt: ago(6), override }));
    expect(res.statusCode, res.body).toBe(201);
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'vaccination.dose.record')
      .where('resource_id', '=', p)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect((audit.details as { overridden?: string[] }).overridden).toEqual(['VACCINATION_INTERVAL_TOO_SHORT']);
  });

  it('dose 2 after the interval; the record shows both, coverage counts the person fully vaccinated', async () => {
    const cov0 = (await call('GET', `/vaccination/coverage?unitCode=${UNITS.bienHoaCommune}`, planner)).json().items[0];
    const res = await call('POST', '/vaccination/doses', vaccinator, dose(pid, { doseNumber: 2, givenAt: ago(5) }));
    expect(res.statusCode, res.body).toBe(201);
    const mine = await call('GET', '/me/vaccinations', citizen.token);
    expect(mine.statusCode).toBe(200);
    expect(
      mine
        .json()
        .items.map((d: { doseNumber: number; product: string; site: string }) => [d.doseNumber, d.product, d.site]),
    ).toEqual([
      [1, 'comirnaty', 'Trạm Y tế Tân Phong'],
      [2, 'comirnaty', 'Trạm Y tế Tân Phong'],
    ]);
    expect(mine.json().nextDue).toMatchObject({ doseNumber: 3, booster: true });
    const cov1 = (await call('GET', `/vaccination/coverage?unitCode=${UNITS.bienHoaCommune}`, planner)).json().items[0];
    expect(cov1.full).toBe(cov0.full + 1);
    expect(cov1.over50Full).toBe(cov0.over50Full + 1);
    const certificate = await env.ctx.services.vaccination.dosesForCertificate(pid);
    expect(
      certificate.map((d) => [d.doseNumber, d.euProductCode, d.euManufacturerCode, d.country, d.dosesInPrimarySeries]),
    ).toEqual([
      [1, 'EU/1/20/1528', 'ORG-100030215', 'VN', 2],
      [2, 'EU/1/20/1528', 'ORG-100030215', 'VN', 2],
    ]);
  });

  it('an AEFI report; a serious one sends an SMS to the district CDC', async () => {
    const jobsBefore = await count('jobs', sql`topic = 'notify.send' and payload->>'to' = '+84911000999'`);
    const res = await call('POST', '/vaccination/aefi', vaccinator, {
      doseId: dose1,
      severity: 'serious',
      symptoms: ['anaphylaxis'],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(await count('jobs', sql`topic = 'notify.send' and payload->>'to' = '+84911000999'`)).toBe(jobsBefore + 1);
    expectError(
      await call('POST', '/vaccination/aefi', vaccinatorElsewhere, {
        doseId: dose1,
        severity: 'mild',
        symptoms: ['fever'],
      }),
      404,
      'VACCINATION_DOSE_NOT_FOUND',
    );
  });

  it('corrections: only the person or guardian asks; district staff decide; the old value is kept', async () => {
    const before = await count('vaccination_corrections');
    expectError(
      await call('POST', '/vaccination/corrections', stranger.token, {
        doseId: dose1,
        field: 'lot',
        proposedValue: 'FK1234',
      }),
      404,
      'VACCINATION_DOSE_NOT_FOUND',
    );
    expectError(
      await call('POST', '/vaccination/corrections', planner, { doseId: dose1, field: 'lot', proposedValue: 'FK1234' }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await call('POST', '/vaccination/corrections', citizen.token, {
        doseId: dose1,
        field: 'product',
        proposedValue: 'nope',
      }),
      400,
      'VACCINATION_CORRECTION_VALUE_INVALID',
    );
    expectError(
      await call('POST', '/vaccination/corrections', citizen.token, {
        doseId: dose1,
        field: 'givenAt',
        proposedValue: ago(31),
        evidence: 'data:image/png;base64,aGVsbG8gd29ybGQgdGhpcyBpcyBub3QgYSBwbmc=',
      }),
      400,
      'VACCINATION_EVIDENCE_INVALID',
    );
    expect(await count('vaccination_corrections')).toBe(before);
    expect(await count('vaccination_evidence')).toBe(0);

    const proposed = ago(31);
    const req = await call('POST', '/vaccination/corrections', citizen.token, {
      doseId: dose1,
      field: 'givenAt',
      proposedValue: proposed,
      evidence: PNG,
    });
    expect(req.statusCode, req.body).toBe(201);
    expect(req.json().status).toBe('pending');
    const id = req.json().id;
    const photo = await call('GET', `/vaccination/corrections/${id}/evidence`, districtReviewer);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expectError(
      await call('POST', `/vaccination/corrections/${id}/decision`, communeReviewer, {
        approve: true,
        reason: 'card_matches',
      }),
      403,
      'VACCINATION_NOT_DISTRICT',
    );
    // a blank reason is no reason (any other is kept: see "a reason not on the list" below)
    expectError(
      await call('POST', `/vaccination/corrections/${id}/decision`, districtReviewer, {
        approve: true,
        reason: '   ',
      }),
      400,
      'VACCINATION_REASON_INVALID',
    );
    expect((await call('GET', '/me/vaccinations', citizen.token)).json().corrections[0].status).toBe('pending');
    const events = await count('jobs', sql`topic = 'vaccination.record-changed' and payload->>'change' = 'corrected'`);
    // a reason in words (not a code) is kept as `other` with those words
    const words = 'Đã đối chiếu với thẻ tiêm giấy và sổ tiêm';
    const ok = await call('POST', `/vaccination/corrections/${id}/decision`, districtReviewer, {
      approve: true,
      reason: words,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expectError(
      await call('POST', `/vaccination/corrections/${id}/decision`, districtReviewer, {
        approve: false,
        reason: 'duplicate_request',
      }),
      409,
      'VACCINATION_ALREADY_DECIDED',
    );
    expect(await count('jobs', sql`topic = 'vaccination.record-changed' and payload->>'change' = 'corrected'`)).toBe(
      events + 1,
    );
    const mine = (await call('GET', '/me/vaccinations', citizen.token)).json();
    expect(mine.items[0].givenAt).toBe(proposed);
    expect(mine.corrections[0]).toMatchObject({
      status: 'approved',
      reason: 'other',
      reasonNote: words,
      proposedValue: proposed,
      oldValue: ago(30).slice(0, 10) + mine.corrections[0].oldValue.slice(10),
    });
  });

  it('a dose given abroad is declared with proof, verified, and counts', async () => {
    const res = await call('POST', '/vaccination/declared-doses', citizen.token, {
      personId: dependantId,
      product: 'spikevax',
      doseNumber: 1,
      givenAt: ago(100),
      country: 'FR',
      place: 'Paris',
      evidence: PNG,
    });
    expect(res.statusCode, res.body).toBe(201);
    const list = await call('GET', '/vaccination/declared-doses', planner);
    expect(list.json().items.map((d: { id: string }) => d.id)).toContain(res.json().id);
    const ok = await call('POST', `/vaccination/declared-doses/${res.json().id}/decision`, planner, {
      approve: true,
      reason: 'other',
      note: 'Xác minh qua cổng chứng nhận của Pháp',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const decided = await env.ctx.db
      .selectFrom('vaccination_doses')
      .select(['status', 'status_reason', 'status_note'])
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    expect(decided).toEqual({
      status: 'valid',
      status_reason: 'other',
      status_note: 'Xác minh qua cổng chứng nhận của Pháp',
    });
    const cert = await env.ctx.services.vaccination.dosesForCertificate(dependantId);
    expect(cert).toHaveLength(1);
    expect(cert[0]).toMatchObject({ country: 'FR', euProductCode: 'EU/1/20/1507' });
    const dep = await call('GET', `/me/vaccinations?personId=${dependantId}`, citizen.token);
    expect(dep.statusCode).toBe(200);
    expectError(await call('GET', `/me/vaccinations?personId=${dependantId}`, stranger.token), 404, 'PERSON_NOT_FOUND');
  });

  it('voiding a dose stops it counting and revokes it for the green pass', async () => {
    const p = await person('Vũ Văn Hủy', 1990);
    const d = (await call('POST', '/vaccination/doses', vaccinator, dose(p, { givenAt: ago(2) }))).json().id;
    expectError(
      await call('POST', `/vaccination/doses/${d}/void`, vaccinator, { reason: 'entered_in_error' }),
      403,
      'FORBIDDEN',
    );
    const res = await call('POST', `/vaccination/doses/${d}/void`, doctor, { reason: 'entered_in_error' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await env.ctx.services.vaccination.dosesForCertificate(p)).toEqual([]);
    expect(
      await count(
        'jobs',
        sql`topic = 'vaccination.record-changed' and payload->>'doseId' = ${d} and payload->>'change' = 'revoked'`,
      ),
    ).toBe(1);
  });

  it('an approved correction keeps the record to the rules; staff cannot ask for one; nothing changes when refused', async () => {
    const holder = await citizenToken(env, '0912000444');
    const profile = await env.app.inject({
      method: 'PUT',
      url: '/api/v1/me/profile',
      headers: bearer(holder.token),
      payload: { name: 'Lương Văn Sửa', unitCode: UNITS.bienHoaCommune, birthYear: 1985 },
    });
    expect(profile.statusCode, profile.body).toBe(200);
    const first = await call('POST', '/vaccination/doses', vaccinator, dose(holder.personId, { givenAt: ago(60) }));
    expect(first.statusCode, first.body).toBe(201);
    const second = await call(
      'POST',
      '/vaccination/doses',
      vaccinator,
      dose(holder.personId, { doseNumber: 2, givenAt: ago(30) }),
    );
    expect(second.statusCode, second.body).toBe(201);
    const ask = async (doseId: string, field: string, proposedValue: string) => {
      const res = await call('POST', '/vaccination/corrections', holder.token, {
        doseId,
        field,
        proposedValue,
        evidence: PNG,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const approve = (id: string) =>
      call('POST', `/vaccination/corrections/${id}/decision`, districtReviewer, {
        approve: true,
        reason: 'card_matches',
      });
    const record = async () =>
      (await call('GET', '/me/vaccinations', holder.token))
        .json()
        .items.map((d: { product: string; doseNumber: number; givenAt: string; lot?: string }) => [
          d.product,
          d.doseNumber,
          d.givenAt,
        ]);
    const lots = async () =>
      (await env.ctx.db.selectFrom('vaccine_lots').select(['lot_number', 'used']).orderBy('lot_number').execute())
        .map((l) => `${l.lot_number}:${l.used}`)
        .join(' ');
    const [recordBefore, lotsBefore] = [await record(), await lots()];
    const refused: Array<[string, string, string, string]> = [
      // dose 2 renumbered 1: two dose 1s
      [second.json().id, 'doseNumber', '1', 'VACCINATION_DOSE_NUMBER_INVALID'],
      // dose 2 moved to 10 days after dose 1: under comirnaty's 21
      [second.json().id, 'givenAt', ago(50), 'VACCINATION_INTERVAL_TOO_SHORT'],
      // dose 1 made vero_cell (its lot, comirnaty's FK1234, would be cleared): comirnaty may not follow vero_cell
      [first.json().id, 'product', 'vero_cell', 'VACCINATION_MIX_NOT_ALLOWED'],
      // dose 2 from vero_cell's lot: after comirnaty, vero_cell is not an allowed mix
      [second.json().id, 'lot', 'VC0001', 'VACCINATION_MIX_NOT_ALLOWED'],
    ];
    for (const [doseId, field, value, rule] of refused) {
      const id = await ask(doseId, field, value);
      const res = await approve(id);
      expectError(res, 422, 'VACCINATION_CORRECTION_BREAKS_RULES');
      expect(res.json().error.details.rules, `${field} → ${value}`).toContain(rule);
      // still pending: the reviewer rejects it instead
      const no = await call('POST', `/vaccination/corrections/${id}/decision`, districtReviewer, {
        approve: false,
        reason: 'record_already_correct',
      });
      expect(no.statusCode, no.body).toBe(200);
    }
    // a site of another district, whose staff this reviewer is not
    const moved = await ask(first.json().id, 'siteId', otherSiteId);
    expectError(await approve(moved), 400, 'VACCINATION_CORRECTION_VALUE_INVALID');
    expect(await record()).toEqual(recordBefore);
    expect(await lots()).toBe(lotsBefore);

    // staff (an admin included, whose grants reach everyone) do not ask: the asker must not be the one who decides
    const before = await count('vaccination_corrections');
    expectError(
      await call('POST', '/vaccination/corrections', admin, {
        doseId: first.json().id,
        field: 'givenAt',
        proposedValue: ago(61),
      }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await call('POST', '/vaccination/declared-doses', admin, {
        personId: holder.personId,
        product: 'spikevax',
        doseNumber: 3,
        givenAt: ago(10),
        country: 'FR',
        place: 'Paris',
        evidence: PNG,
      }),
      403,
      'FORBIDDEN',
    );
    expect(await count('vaccination_corrections')).toBe(before);

    // ten requests waiting for a decision at most (each may carry a 2 MB photo): the site correction above, nine more
    for (let i = 0; i < 9; i++) await ask(first.json().id, 'givenAt', ago(61 + i));
    const full = await count('vaccination_corrections');
    const more = await call('POST', '/vaccination/corrections', holder.token, {
      doseId: first.json().id,
      field: 'givenAt',
      proposedValue: ago(70),
      evidence: PNG,
    });
    expectError(more, 409, 'VACCINATION_TOO_MANY_PENDING');
    expect(more.json().error.message).toContain('10');
    expectError(
      await call('POST', '/vaccination/declared-doses', holder.token, {
        product: 'spikevax',
        doseNumber: 3,
        givenAt: ago(10),
        country: 'FR',
        place: 'Paris',
        evidence: PNG,
      }),
      409,
      'VACCINATION_TOO_MANY_PENDING',
    );
    expect(await count('vaccination_corrections')).toBe(full);
  });

  // The products are cached for 30 s and the cache is refilled where it is read. A decision refilled it on the outer
  // db inside its transaction: on PGlite that waited for itself and wedged the server (an e2e run whose reviewer
  // decided more than 30 s after the last dose). Moving the clock past the cache's life takes that path on purpose.
  it('decides corrections once the product cache has gone stale, reading the products in its own transaction', async () => {
    const ask = async (field: string, proposedValue: string) => {
      const res = await call('POST', '/vaccination/corrections', citizen.token, {
        doseId: dose1,
        field,
        proposedValue,
        evidence: PNG,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const givenAt = ago(40);
    const moved = await ask('givenAt', givenAt);
    // a lot of another product corrects the product with it (a lot holds one product)
    const product = await ask('lot', 'SV0001');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (const id of [moved, product]) {
        vi.setSystemTime(Date.now() + 31_000);
        const ok = await call('POST', `/vaccination/corrections/${id}/decision`, districtReviewer, {
          approve: true,
          reason: 'card_matches',
        });
        expect(ok.statusCode, ok.body).toBe(200);
      }
    } finally {
      vi.useRealTimers();
    }
    const mine = (await call('GET', '/me/vaccinations', citizen.token)).json();
    const corrected = mine.items.find((d: { id: string }) => d.id === dose1);
    expect(corrected).toMatchObject({ givenAt, product: 'spikevax' });
  });
});

// ——— flows a caller who knows only the integration contract takes ———
describe('lots as the contract creates them', () => {
  it('an already expired lot is recorded (201, expired), listed as expired, and a dose from it is VACCINATION_LOT_EXPIRED', async () => {
    const res = await call('POST', '/vaccination/lots', vaccinator, {
      product: 'comirnaty',
      lotNumber: 'EXP-2020',
      expiresOn: '2020-12-31',
      siteId,
      quantity: 50,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ id: expect.any(String), expired: true });
    // a lot still good says so too
    const good = await call('POST', '/vaccination/lots', vaccinator, {
      product: 'comirnaty',
      lotNumber: 'GOOD-1',
      expiresOn: inDays(30),
      siteId,
      quantity: 5,
    });
    expect(good.json()).toEqual({ id: expect.any(String), expired: false });
    const listed = (await call('GET', `/vaccination/lots?siteId=${siteId}`, planner)).json().items as {
      lotNumber: string;
      expired: boolean;
      remaining: number;
    }[];
    expect(listed.find((l) => l.lotNumber === 'EXP-2020')).toMatchObject({ expired: true, remaining: 50 });
    expect(listed.find((l) => l.lotNumber === 'OLD001')).toMatchObject({ expired: true });
    expect(listed.find((l) => l.lotNumber === 'GOOD-1')).toMatchObject({ expired: false });
    const stock = (await call('GET', '/vaccination/stats', planner)).json().lots as {
      lotNumber: string;
      expired: boolean;
    }[];
    expect(stock.find((l) => l.lotNumber === 'EXP-2020')?.expired).toBe(true);

    const p = await person('Hồ Văn Lô Hết Hạn', 1980);
    const before = await count('vaccination_doses');
    expectError(
      await call('POST', '/vaccination/doses', vaccinator, dose(p, { lot: 'EXP-2020', givenAt: ago(1) }), {
        'idempotency-key': 'expired-lot-dose-1',
      }),
      422,
      'VACCINATION_LOT_EXPIRED',
    );
    expect(await count('vaccination_doses')).toBe(before);
    expect(await count('vaccine_lots', sql`lot_number = 'EXP-2020' and used = 0`)).toBe(1);
  });

  it('a lot number may hold single spaces (the ends trimmed), and a dose names it as created', async () => {
    const res = await call('POST', '/vaccination/lots', planner, {
      product: 'comirnaty',
      lotNumber: ' LOT 42 ',
      expiresOn: inDays(90),
      siteId,
      quantity: 10,
    });
    expect(res.statusCode, res.body).toBe(201);
    const listed = (await call('GET', `/vaccination/lots?siteId=${siteId}`, planner)).json().items as {
      id: string;
      lotNumber: string;
    }[];
    expect(listed.find((l) => l.id === res.json().id)?.lotNumber).toBe('LOT 42');
    // the same number again (however spaced at its ends) is the same lot
    expectError(
      await call('POST', '/vaccination/lots', planner, {
        product: 'comirnaty',
        lotNumber: 'LOT 42',
        expiresOn: inDays(90),
        siteId,
        quantity: 10,
      }),
      409,
      'ALREADY_EXISTS',
    );
    for (const lotNumber of ['LOT  42', 'LOT\t42', 'LOT;42']) {
      expectError(
        await call('POST', '/vaccination/lots', planner, {
          product: 'comirnaty',
          lotNumber,
          expiresOn: inDays(90),
          siteId,
          quantity: 10,
        }),
        400,
        'VALIDATION_FAILED',
      );
    }
    const p = await person('Mai Văn Lô Có Dấu Cách', 1980);
    const given = await call('POST', '/vaccination/doses', vaccinator, dose(p, { lot: 'LOT 42', givenAt: ago(2) }));
    expect(given.statusCode, given.body).toBe(201);
    const q = await person('Mai Thị Lô Có Dấu Cách', 1981);
    const spaced = await call('POST', '/vaccination/doses', vaccinator, dose(q, { lot: ' LOT 42', givenAt: ago(2) }));
    expect(spaced.statusCode, spaced.body).toBe(201);
    const record = (await call('GET', `/vaccination/people/${p}`, vaccinator)).json();
    expect(record.items[0]).toMatchObject({ lot: 'LOT 42', product: 'comirnaty' });
    expect(await count('vaccine_lots', sql`lot_number = 'LOT 42' and used = 2`)).toBe(1);
  });
});

describe('birth year for a person registered through the contract', () => {
  let serial = 0;
  /** A 12-digit CCCD of province 079 whose 4th digit is `century` and 5th–6th `yy` (Circular 59/2021/TT-BCA). */
  const cccd = (century: number, yy: string) => `079${century}${yy}${String(++serial).padStart(6, '0')}`;
  const register = (token: string, subject: Record<string, unknown>) =>
    call('POST', '/vaccination/registrations', token, { subject, priorityGroup: 'general' });
  const doseFor = (nationalId: string, key: string) =>
    call(
      'POST',
      '/vaccination/doses',
      vaccinator,
      { ...dose('', { givenAt: ago(1) }), person: { nationalId } },
      { 'idempotency-key': key },
    );
  const personOf = async (nationalId: string) =>
    env.ctx.db
      .selectFrom('people')
      .select(['id', 'birth_year', 'birth_date'])
      .where('national_id', '=', nationalId)
      .executeTakeFirstOrThrow();

  it('staff registering {nationalId, name, birthYear} complete the record; a dose is then recorded', async () => {
    // a number whose century digit says the 2300s: nothing to derive, the birth year given is what counts
    const nationalId = cccd(9, '70');
    const reg = await register(vaccinator, { nationalId, name: 'Tạ Văn Có Năm Sinh', birthYear: 1970 });
    expect(reg.statusCode, reg.body).toBe(201);
    expect(await personOf(nationalId)).toMatchObject({ birth_year: 1970 });
    const res = await doseFor(nationalId, 'birth-year-given-1');
    expect(res.statusCode, res.body).toBe(201);
    const row = await env.ctx.db
      .selectFrom('vaccination_doses')
      .select('age_band')
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    expect(row.age_band).toBe('50-64');
    // a recorded year is never changed by a registration (the next one, after the dose: the record keeps 1970)
    expect((await register(vaccinator, { nationalId, birthYear: 1990 })).statusCode).toBe(201);
    expect(await personOf(nationalId)).toMatchObject({ birth_year: 1970 });
    // who filled it is on record: the registration's audit entry names the fields
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'vaccination.register')
      .where('resource_id', '=', (await personOf(nationalId)).id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => (a.details as { filled?: string[] }).filled)).toEqual([['birthYear'], undefined]);
  });

  it('a birth date fills the year and the date; a future or disagreeing one is 400, nothing registered', async () => {
    const nationalId = cccd(8, '01');
    const before = await count('vaccination_registrations');
    expectError(
      await register(planner, { nationalId, name: 'Tạ Thị Ngày Sinh', birthYear: 1990, birthDate: '1991-02-03' }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await register(planner, { nationalId, birthYear: 2999 }), 400, 'VALIDATION_FAILED');
    expectError(await register(planner, { nationalId, birthDate: inDays(2) }), 400, 'VALIDATION_FAILED');
    expect(await count('vaccination_registrations')).toBe(before);
    const phone = '0912000777';
    const byPhone = await register(planner, { phone, name: 'Tạ Thị Ngày Sinh', birthDate: '1991-02-03' });
    expect(byPhone.statusCode, byPhone.body).toBe(201);
    const row = await env.ctx.db
      .selectFrom('people')
      .select(['birth_year', 'birth_date'])
      .where('phone', '=', '+84912000777')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ birth_year: 1991, birth_date: '1991-02-03' });
  });

  it('a citizen completes their own birth year, and a dependant’s, when registering them', async () => {
    const self = await citizenToken(env, '0912000888');
    const profile = await env.app.inject({
      method: 'PUT',
      url: '/api/v1/me/profile',
      headers: bearer(self.token),
      payload: { name: 'Quách Văn Tự Khai', unitCode: UNITS.bienHoaCommune },
    });
    expect(profile.statusCode, profile.body).toBe(200);
    const reg = await register(self.token, { personId: self.personId, birthYear: 1988 });
    expect(reg.statusCode, reg.body).toBe(201);
    const row = await env.ctx.db
      .selectFrom('people')
      .select('birth_year')
      .where('id', '=', self.personId)
      .executeTakeFirstOrThrow();
    expect(row.birth_year).toBe(1988);
    // and a dependant's
    const dep = await call('POST', '/me/dependants', self.token, { name: 'Quách Thị Mẹ Tự Khai', relation: 'parent' });
    expect(dep.statusCode, dep.body).toBe(201);
    const depReg = await register(self.token, { personId: dep.json().id, birthYear: 1950, birthDate: '1950-04-30' });
    expect(depReg.statusCode, depReg.body).toBe(201);
    const depRow = await env.ctx.db
      .selectFrom('people')
      .select(['birth_year', 'birth_date'])
      .where('id', '=', dep.json().id)
      .executeTakeFirstOrThrow();
    expect(depRow).toEqual({ birth_year: 1950, birth_date: '1950-04-30' });
    // but never anyone else's
    expectError(await register(self.token, { personId: citizen.personId, birthYear: 1999 }), 404, 'PERSON_NOT_FOUND');
    const dose1 = await call('POST', '/vaccination/doses', vaccinator, dose(self.personId, { givenAt: ago(1) }));
    expect(dose1.statusCode, dose1.body).toBe(201);
  });

  it('without a recorded birth year, a 12-digit CCCD says it: century digit and two year digits', async () => {
    await env.ctx.services.vaccination.refreshPopulation();
    const band = async (b: string) =>
      Number(
        (
          await env.ctx.db
            .selectFrom('vaccination_population')
            .select('people')
            .where('commune_code', '=', UNITS.bienHoa)
            .where('age_band', '=', b)
            .executeTakeFirst()
        )?.people ?? 0,
      );
    const [adults, unknown] = [await band('18-49'), await band('unknown')];
    // 2 → the 2000s, 05 → 2005: 21 in 2026, an adult (Comirnaty's minimum age is 18)
    const nationalId = cccd(2, '05');
    const reg = await register(vaccinator, { nationalId, name: 'Văn Thị Căn Cước' });
    expect(reg.statusCode, reg.body).toBe(201);
    const check = await call('POST', '/vaccination/check-in', vaccinator, { siteId, nationalId });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json().missing).toEqual([]);
    expect(check.json().person.birthYear).toBe(2005);
    const res = await doseFor(nationalId, 'birth-year-cccd-1');
    expect(res.statusCode, res.body).toBe(201);
    const row = await env.ctx.db
      .selectFrom('vaccination_doses')
      .select('age_band')
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    expect(row.age_band).toBe('18-49');
    // derived for the checks, not written: the record still lacks it
    expect((await personOf(nationalId)).birth_year).toBeNull();
    // the coverage denominators count them in the same band
    await env.ctx.services.vaccination.refreshPopulation();
    expect([await band('18-49'), await band('unknown')]).toEqual([adults + 1, unknown]);

    // the age rule reads the derived year too: 3 → the 2000s, 15 → 2015, under Comirnaty's 18
    const child = cccd(3, '15');
    expect((await register(vaccinator, { nationalId: child, name: 'Văn Bé Căn Cước' })).statusCode).toBe(201);
    expectError(await doseFor(child, 'birth-year-cccd-2'), 422, 'VACCINATION_AGE_NOT_ALLOWED');
  });

  it('a CCCD that says a future year or an age over 120 says nothing: the dose waits for the birth year', async () => {
    const nationalIds = [cccd(2, '99'), cccd(0, '00'), cccd(9, '50')];
    for (const [n, nationalId] of nationalIds.entries()) {
      expect((await register(vaccinator, { nationalId, name: `Lâm Văn Chưa Rõ ${n}` })).statusCode).toBe(201);
      const res = await doseFor(nationalId, `birth-year-none-${n}`);
      expectError(res, 422, 'VACCINATION_PERSON_DATA_MISSING');
      expect(res.json().error.details.missing).toEqual(['birthYear']);
    }
    // completed by registering again with the year (the answer is 409, the record is completed)
    const [first] = nationalIds as [string];
    expectError(
      await register(vaccinator, { nationalId: first, birthYear: 1975 }),
      409,
      'VACCINATION_ALREADY_REGISTERED',
    );
    const res = await doseFor(first, 'birth-year-none-later');
    expect(res.statusCode, res.body).toBe(201);
  });
});

describe('corrections as the contract decides them', () => {
  /** A citizen with a dose 1 and a dose 2 of Comirnaty (lot FK1234) at the site, 60 and 30 days ago. */
  async function holderWithDoses(phone: string, name: string) {
    const holder = await citizenToken(env, phone);
    const profile = await env.app.inject({
      method: 'PUT',
      url: '/api/v1/me/profile',
      headers: bearer(holder.token),
      payload: { name, unitCode: UNITS.bienHoaCommune, birthYear: 1980 },
    });
    expect(profile.statusCode, profile.body).toBe(200);
    const first = await call('POST', '/vaccination/doses', vaccinator, dose(holder.personId, { givenAt: ago(60) }));
    expect(first.statusCode, first.body).toBe(201);
    const second = await call(
      'POST',
      '/vaccination/doses',
      vaccinator,
      dose(holder.personId, { doseNumber: 2, givenAt: ago(30) }),
    );
    expect(second.statusCode, second.body).toBe(201);
    const ask = async (doseId: string, field: string, proposedValue: unknown) =>
      call('POST', '/vaccination/corrections', holder.token, { doseId, field, proposedValue, evidence: PNG });
    const mine = async () => (await call('GET', '/me/vaccinations', holder.token)).json();
    return { holder, first: first.json().id as string, second: second.json().id as string, ask, mine };
  }
  const decide = (id: string, approve: boolean, reason: string, note?: string) =>
    call('POST', `/vaccination/corrections/${id}/decision`, districtReviewer, {
      approve,
      reason,
      ...(note ? { note } : {}),
    });

  it('a reason not on the list (a word, a code of the other list, `other` alone) is kept as `other` with its text', async () => {
    const { first, ask, mine } = await holderWithDoses('0912000555', 'Khổng Văn Lý Do');
    const cases: Array<[boolean, string, string | undefined, string, string | null]> = [
      [true, 'verified', undefined, 'other', 'verified'],
      [true, 'ok', undefined, 'other', 'ok'],
      [true, 'approved', 'đã gọi điện cho trạm', 'other', 'approved — đã gọi điện cho trạm'],
      [true, 'card_matches', undefined, 'card_matches', null],
      [true, 'other', undefined, 'other', null],
      [false, 'card_matches', undefined, 'other', 'card_matches'],
      [false, 'not_verifiable', undefined, 'not_verifiable', null],
    ];
    for (const [n, [approve, reason, note, kept, keptNote]] of cases.entries()) {
      const req = await ask(first, 'givenAt', ago(61 + n));
      expect(req.statusCode, req.body).toBe(201);
      const res = await decide(req.json().id, approve, reason, note);
      expect(res.statusCode, `${reason}: ${res.body}`).toBe(200);
      expect(res.json().status).toBe(approve ? 'approved' : 'rejected');
      const c = (await mine()).corrections.find((x: { id: string }) => x.id === req.json().id);
      expect(c, reason).toMatchObject({ reason: kept, reasonNote: keptNote });
    }
    // the fixed lists stay what the web app offers (constants.ts), `other` last
    const { APPROVE_REASONS, REJECT_REASONS } = await import('./constants.ts');
    expect(APPROVE_REASONS.at(-1)).toBe('other');
    expect(REJECT_REASONS.at(-1)).toBe('other');
  });

  it('a product correction of a dose given at a site is approved: the lot of the old product is cleared', async () => {
    const { holder, first, second, ask, mine } = await holderWithDoses('0912000666', 'Khổng Thị Đổi Vắc Xin');
    const used = async () =>
      (
        await env.ctx.db
          .selectFrom('vaccine_lots')
          .select('used')
          .where('lot_number', '=', 'FK1234')
          .where('site_id', '=', siteId)
          .executeTakeFirstOrThrow()
      ).used;
    const usedBefore = await used();
    // both doses were Spikevax, the card says
    for (const doseId of [first, second]) {
      const req = await ask(doseId, 'product', 'spikevax');
      expect(req.statusCode, req.body).toBe(201);
      expect(req.json()).toEqual({ id: expect.any(String), status: 'pending' });
      const ok = await decide(req.json().id, true, 'verified');
      expect(ok.statusCode, ok.body).toBe(200);
    }
    const record = await mine();
    expect(record.items.map((d: { product: string; lot: string | null }) => [d.product, d.lot])).toEqual([
      ['spikevax', null],
      ['spikevax', null],
    ]);
    expect(record.corrections.map((c: { oldValue: string }) => c.oldValue)).toEqual(['comirnaty', 'comirnaty']);
    // the lot gets its doses back; the audit entry keeps which lot the dose had
    expect(await used()).toBe(usedBefore - 2);
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'vaccination.correction.decide')
      .where('resource_id', '=', holder.personId)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => (a.details as { clearedLot?: string }).clearedLot)).toEqual(['FK1234', 'FK1234']);
    // the green pass reads the corrected product
    const cert = await env.ctx.services.vaccination.dosesForCertificate(holder.personId);
    expect(cert.map((d) => d.euProductCode)).toEqual(['EU/1/20/1507', 'EU/1/20/1507']);
    // other rules still hold: dose 1 made Vero Cell would put Spikevax after it (not an allowed mix)
    const mix = await ask(first, 'product', 'vero_cell');
    const refused = await decide(mix.json().id, true, 'verified');
    expectError(refused, 422, 'VACCINATION_CORRECTION_BREAKS_RULES');
    expect(refused.json().error.details.rules).toContain('VACCINATION_MIX_NOT_ALLOWED');
    // a later lot correction puts a lot back on the dose (of its product)
    const lot = await ask(first, 'lot', 'SV0001');
    expect((await decide(lot.json().id, true, 'card_matches')).statusCode).toBe(200);
    expect((await mine()).items[0]).toMatchObject({ product: 'spikevax', lot: 'SV0001' });
  });

  it('proposes a dose number as a number and a date without a time (that day in Asia/Ho_Chi_Minh)', async () => {
    const { second, ask, mine } = await holderWithDoses('0912000999', 'Khổng Văn Ngày Tiêm');
    const number = await ask(second, 'doseNumber', 2);
    expect(number.statusCode, number.body).toBe(201);
    expect((await decide(number.json().id, true, 'card_matches')).statusCode).toBe(200);
    for (const bad of [0, 11, 2.5]) {
      expectError(await ask(second, 'doseNumber', bad), 400, 'VACCINATION_CORRECTION_VALUE_INVALID');
    }
    // a day 25 days ago in Việt Nam: its date alone
    const day = new Date(Date.now() + 7 * 3_600_000 - 25 * DAY).toISOString().slice(0, 10);
    const date = await ask(second, 'givenAt', day);
    expect(date.statusCode, date.body).toBe(201);
    const ok = await decide(date.json().id, true, 'card_matches');
    expect(ok.statusCode, ok.body).toBe(200);
    const given = (await mine()).items.find((d: { id: string }) => d.id === second).givenAt as string;
    // noon of that day in Việt Nam: the same date in UTC
    expect(given).toBe(`${day}T05:00:00.000Z`);
    for (const bad of ['2026-02-30', inDays(2), '2019-12-31', '06/11/2026']) {
      expectError(await ask(second, 'givenAt', bad), 400, 'VACCINATION_CORRECTION_VALUE_INVALID');
    }
  });
});

describe('statistics', () => {
  it('counters agree with a recount of the doses; CSV exports; out-of-scope unit is 404', async () => {
    await env.ctx.services.vaccination.refreshPopulation();
    const stats = await call('GET', '/vaccination/stats', planner);
    expect(stats.statusCode, stats.body).toBe(200);
    const s = stats.json();
    const validDoses = await count('vaccination_doses', sql`status = 'valid'`);
    expect(s.totals.doses).toBe(validDoses);
    expect(s.totals.aefiSerious).toBe(1);
    expect(s.lots.length).toBeGreaterThan(0);
    const csv = await call('GET', '/vaccination/stats.csv?table=communes', planner);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('adults_dose1_share');
    expectError(await call('GET', `/vaccination/stats?unitCode=${UNITS.longKhanh}`, planner), 404, 'UNIT_NOT_FOUND');
    // a year at most (doses per day are counted from the doses); a year itself is fine
    for (const url of ['/vaccination/stats', '/vaccination/stats.csv?table=days&']) {
      const sep = url.includes('?') ? '' : '?';
      expectError(await call('GET', `${url}${sep}from=1900-01-01&to=2100-12-31`, planner), 400, 'VALIDATION_FAILED');
      expect((await call('GET', `${url}${sep}from=2024-01-01&to=2024-12-31`, planner)).statusCode).toBe(200);
    }
    expectError(await call('GET', '/vaccination/stats', citizen.token), 403, 'FORBIDDEN');
    expect((await call('GET', '/vaccination/stats', null)).statusCode).toBe(401);
  });
});
