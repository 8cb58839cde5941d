/**
 * The share of each organisation's members declaring (issue 12, item 6) through the real app: a commune's staff keep
 * a civil-service agency's member list and see it against the 100 % target; an enterprise's owner keeps their
 * workers' list (one by one and by CSV) and sees who has not declared today, masked; figures follow today's
 * declarations; refusals (unknown person, person out of scope, another owner's organisation, bad CSV) are 4xx with a
 * code and vi/en messages, and write nothing.
 */
import { sql } from 'kysely';
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
import { encodeCursor } from '../../platform/paging.ts';
import { purgeDeclarations } from './maintenance.ts';

let env: TestEnv;
let health: string;
let healthElsewhere: string;
let park: string;
let owner: { token: string; personId: string };
let otherOwner: { token: string; personId: string };
let agencyId = '';
let enterpriseOrgId = '';
let otherOrgId = '';

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

async function call(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  token: string | null,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return env.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...(token ? bearer(token) : {}), ...headers },
    ...(payload === undefined ? {} : typeof payload === 'string' ? { payload } : { payload: payload as object }),
  });
}

const rows = async (table: 'organisations' | 'organisation_members' | 'people') =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(env.ctx.db)).rows[0]?.n);

async function addByNationalId(token: string, orgId: string, name: string) {
  const res = await call('POST', `/organisations/${orgId}/members`, token, { nationalId: makeNationalId(), name });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().personId as string;
}

async function declareFor(personId: string, answers: Record<string, unknown> = NO) {
  const res = await call('POST', '/declarations', health, { type: 'domestic', subject: { personId }, answers });
  expect(res.statusCode, res.body).toBe(201);
}

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  health = (await staffToken(env, 'health_worker', UNITS.bienHoaCommune)).token;
  healthElsewhere = (await staffToken(env, 'health_worker', UNITS.longKhanh)).token;
  park = (await staffToken(env, 'park_officer', UNITS.bienHoa)).token;
  owner = await citizenToken(env, '0914000111');
  otherOwner = await citizenToken(env, '0914000222');
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('civil-service agencies', () => {
  it("counts an agency's members declaring today against the 100 % target", async () => {
    const created = await call('POST', '/organisations', health, {
      kind: 'agency',
      name: 'UBND phường Trung Dũng',
      unitCode: UNITS.bienHoaCommune,
    });
    expect(created.statusCode, created.body).toBe(201);
    agencyId = created.json().id;
    const a = await addByNationalId(health, agencyId, 'Trần Văn Công');
    const b = await addByNationalId(health, agencyId, 'Lê Thị Chức');
    const c = await addByNationalId(health, agencyId, 'Phạm Văn Viên');
    // by id: a person of the staff member's own area
    const again = await call('POST', `/organisations/${agencyId}/members`, health, { personId: a });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({ personId: a, added: false });

    let list = (await call('GET', '/organisations?civilService=true', health)).json();
    expect(list.items[0]).toMatchObject({ id: agencyId, members: 3, declaredToday: 0, share: 0, atTarget: false });
    expect(list.civilService).toMatchObject({ target: 1, agencies: 1, agenciesAtTarget: 0, members: 3 });

    await declareFor(a);
    await declareFor(b, { ...NO, fever: true });
    list = (await call('GET', '/organisations', health)).json();
    expect(list.items.find((o: { id: string }) => o.id === agencyId)).toMatchObject({
      members: 3,
      declaredToday: 2,
      flaggedToday: 1,
      notDeclaredToday: 1,
      atTarget: false,
    });
    const missing = (await call('GET', `/organisations/${agencyId}/members?filter=not_declared`, health)).json();
    expect(missing.items).toEqual([
      { personId: c, name: 'P. V. Viên', birthYear: null, phoneEnd: null, today: 'grey' },
    ]);
    await declareFor(c);
    const one = (await call('GET', `/organisations/${agencyId}`, health)).json();
    expect(one).toMatchObject({ share: 1, atTarget: true, declaredToday: 3 });
    const audited = await sql<{ n: string }>`
      select count(*) as n from audit_log where action = 'organisations.members' and resource_id = ${agencyId}`.execute(
      env.ctx.db,
    );
    expect(Number(audited.rows[0]?.n)).toBe(1);

    const csv = await call('GET', '/organisations.csv', health);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('UBND phường Trung Dũng');
    expect(csv.body).toMatch(/,yes,3,3,1,0,1\.0000,yes\r\n/);
  });

  it('refuses an unknown person, a person outside the area and staff of another area; nothing written', async () => {
    const before = await rows('organisation_members');
    expectError(
      await call('POST', `/organisations/${agencyId}/members`, health, { personId: crypto.randomUUID() }),
      404,
      'PERSON_NOT_FOUND',
    );
    // someone registered by Long Khánh's health station: known, but not of Biên Hòa's commune
    const elsewhere = await call('POST', '/organisations', healthElsewhere, {
      kind: 'agency',
      name: 'UBND TP Long Khánh',
      unitCode: UNITS.longKhanh,
    });
    expect(elsewhere.statusCode, elsewhere.body).toBe(201);
    const outsider = await addByNationalId(healthElsewhere, elsewhere.json().id, 'Võ Văn Ngoài');
    const outsiderCard = makeNationalId();
    const registered = await call('POST', '/people', healthElsewhere, {
      nationalId: outsiderCard,
      phone: '0914777888',
      name: 'Lý Thị Xa',
      unitCode: UNITS.longKhanh,
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const mid = await rows('organisation_members');
    expectError(
      await call('POST', `/organisations/${agencyId}/members`, health, { personId: outsider }),
      404,
      'PERSON_NOT_FOUND',
    );
    // named by national ID or phone, the same: the registry is searched nationally, the list keeps to the area
    expectError(
      await call('POST', `/organisations/${agencyId}/members`, health, { nationalId: outsiderCard }),
      404,
      'PERSON_NOT_FOUND',
    );
    expectError(
      await call('POST', `/organisations/${agencyId}/members`, health, { phone: '0914777888', name: 'Lý Thị Xa' }),
      404,
      'PERSON_NOT_FOUND',
    );
    expectError(
      await call('POST', `/organisations/${agencyId}/members`, healthElsewhere, { nationalId: makeNationalId() }),
      404,
      'ORGANISATION_NOT_FOUND',
    );
    expectError(
      await call('GET', `/organisations/${agencyId}/members`, healthElsewhere),
      404,
      'ORGANISATION_NOT_FOUND',
    );
    expectError(
      await call('POST', '/organisations', healthElsewhere, { kind: 'agency', name: 'X', unitCode: UNITS.bienHoa }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await call('POST', `/organisations/${agencyId}/members`, health, { nationalId: '123' }),
      400,
      'INVALID_NATIONAL_ID',
    );
    expectError(
      await call('POST', `/organisations/${agencyId}/members`, health, { name: 'Không CCCD' }),
      400,
      'PERSON_IDENTIFIER_REQUIRED',
    );
    // the park board reads the area's organisations but does not keep an agency's list
    expect((await call('GET', `/organisations/${agencyId}`, park)).statusCode).toBe(200);
    expectError(
      await call('POST', `/organisations/${agencyId}/members`, park, { nationalId: makeNationalId() }),
      403,
      'FORBIDDEN',
    );
    expect(await rows('organisation_members')).toBe(mid);
    expect(mid).toBe(before + 1);
  });
});

describe("an enterprise's workers", () => {
  it('lets the owner keep the list one by one and by CSV and see who has not declared today', async () => {
    const e = await call('POST', '/enterprises', owner.token, {
      name: 'Công ty Giày Đồng Nai',
      taxCode: '3600999001',
      unitCode: UNITS.bienHoaCommune,
      workers: 400,
    });
    expect(e.statusCode, e.body).toBe(201);
    const created = await call('POST', '/organisations', owner.token, {
      kind: 'enterprise',
      enterpriseId: e.json().id,
    });
    expect(created.statusCode, created.body).toBe(201);
    enterpriseOrgId = created.json().id;
    const dup = await call('POST', '/organisations', owner.token, { kind: 'enterprise', enterpriseId: e.json().id });
    expectError(dup, 409, 'ORGANISATION_EXISTS');
    expect(dup.json().id).toBe(enterpriseOrgId);

    // the owner registers no one: the workers are on record (the commune registered them), and the owner names each
    // by national ID or phone together with the full name on record
    const id1 = makeNationalId();
    const id2 = makeNationalId();
    for (const person of [
      { phone: '0914555666', name: 'Đỗ Thị Thợ' },
      { nationalId: id1, name: 'Ngô Văn Một' },
      { nationalId: id2, phone: '0914555777', name: 'Bùi Thị Hai' },
    ]) {
      const res = await call('POST', '/people', health, { ...person, unitCode: UNITS.bienHoaCommune });
      expect(res.statusCode, res.body).toBe(201);
    }
    const peopleBefore = await rows('people');
    const worker = await call('POST', `/organisations/${enterpriseOrgId}/members`, owner.token, {
      phone: '0914555666',
      name: '  đỗ thị   THỢ ',
    });
    expect(worker.statusCode, worker.body).toBe(201);
    // the worker declared with a fever: flagged
    await declareFor(worker.json().personId, { ...NO, fever: true });

    const file = [
      'national_id,phone,full_name',
      `${id1},,Ngô Văn Một`,
      `${id2},0914555777,"Bùi Thị Hai"`,
      'abc,,Sai CCCD',
      ',,',
      `${id1},,Ngô Văn Một`,
      // not on record, and on record under another name: the same refusal, and nobody registered
      `${makeNationalId()},,Người Lạ`,
      `${id1},,Ngô Văn Khác`,
      `${id1},,`,
    ].join('\r\n');
    const imported = await call('POST', `/organisations/${enterpriseOrgId}/members:import`, owner.token, file, {
      'content-type': 'text/csv',
    });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toMatchObject({
      rows: 8,
      added: 2,
      alreadyMembers: 0,
      rejected: [
        { row: 4, code: 'INVALID_NATIONAL_ID', message: 'The national ID must be exactly 12 digits.' },
        { row: 5, code: 'MEMBER_ROW_INVALID' },
        { row: 7, code: 'ORGANISATION_MEMBER_NOT_MATCHED' },
        { row: 8, code: 'ORGANISATION_MEMBER_NOT_MATCHED' },
        { row: 9, code: 'ORGANISATION_MEMBER_NAME_REQUIRED' },
      ],
    });
    expect(imported.json().rejected[0].messageVi).toBe('Số CCCD phải gồm đúng 12 chữ số.');
    expect(await rows('people')).toBe(peopleBefore);

    const mine = (await call('GET', '/organisations', owner.token)).json();
    expect(mine.items.map((o: { id: string }) => o.id)).toEqual([enterpriseOrgId]);
    expect(mine.items[0]).toMatchObject({
      kind: 'enterprise',
      civilService: false,
      members: 3,
      declaredToday: 1,
      // the owner (a citizen) is not told how many were flagged: in a small enterprise it could point at a person
      flaggedToday: null,
      atTarget: null,
    });
    expect(mine.items[0].share).toBeCloseTo(1 / 3);
    expect((await call('GET', `/organisations/${enterpriseOrgId}`, owner.token)).json()).toMatchObject({
      declaredToday: 1,
      flaggedToday: null,
    });
    // the oversight staff still see it
    expect((await call('GET', `/organisations/${enterpriseOrgId}`, park)).json()).toMatchObject({
      declaredToday: 1,
      flaggedToday: 1,
    });
    const ownerCsv = await call('GET', '/organisations.csv', owner.token);
    expect(ownerCsv.statusCode).toBe(200);
    expect(ownerCsv.body).toMatch(/,no,3,1,,2,0\.3333,\r\n/);
    const missing = (await call('GET', `/organisations/${enterpriseOrgId}/members?filter=not_declared`, owner.token))
      .json()
      .items.map((m: { name: string; phoneEnd: string | null }) => [m.name, m.phoneEnd]);
    // the owner (a citizen account) gets no registry data beyond the masked name: no phone end, no birth year
    expect(missing).toEqual([
      ['B. T. Hai', null],
      ['N. V. Một', null],
    ]);
    // the park board sees the enterprise in its district, and the phone's end to remind the worker
    const parkList = (await call('GET', '/organisations', park)).json();
    expect(parkList.items.map((o: { id: string }) => o.id)).toContain(enterpriseOrgId);
    const parkMissing = (await call('GET', `/organisations/${enterpriseOrgId}/members?filter=not_declared`, park))
      .json()
      .items.map((m: { name: string; phoneEnd: string | null }) => [m.name, m.phoneEnd]);
    expect(parkMissing).toEqual([
      ['B. T. Hai', '777'],
      ['N. V. Một', null],
    ]);

    const removed = await call(
      'DELETE',
      `/organisations/${enterpriseOrgId}/members/${worker.json().personId}`,
      owner.token,
    );
    expect(removed.statusCode, removed.body).toBe(204);
    expectError(
      await call('DELETE', `/organisations/${enterpriseOrgId}/members/${worker.json().personId}`, owner.token),
      404,
      'ORGANISATION_MEMBER_NOT_FOUND',
    );
  });

  it("refuses another owner's organisation, a citizen naming a person by id and bad files; nothing written", async () => {
    const other = await call('POST', '/enterprises', otherOwner.token, {
      name: 'Công ty Khác',
      taxCode: '3600999002',
      unitCode: UNITS.bienHoaCommune,
      workers: 10,
    });
    otherOrgId = (
      await call('POST', '/organisations', otherOwner.token, { kind: 'enterprise', enterpriseId: other.json().id })
    ).json().id;
    const [orgsBefore, membersBefore, peopleBefore] = [
      await rows('organisations'),
      await rows('organisation_members'),
      await rows('people'),
    ];
    expectError(
      await call('POST', `/organisations/${otherOrgId}/members`, owner.token, { nationalId: makeNationalId() }),
      404,
      'ORGANISATION_NOT_FOUND',
    );
    // the owner cannot look the registry up: a known card under a guessed name and an unknown card answer alike
    const known = await call('POST', '/people', health, {
      nationalId: makeNationalId(),
      name: 'Hồ Văn Thật',
      unitCode: UNITS.bienHoaCommune,
    });
    expect(known.statusCode, known.body).toBe(201);
    const knownCard = (await call('GET', `/people/${known.json().id}`, health)).json().nationalId as string;
    const guessed = await call('POST', `/organisations/${enterpriseOrgId}/members`, owner.token, {
      nationalId: knownCard,
      name: 'Hồ Văn Đoán',
    });
    const unknown = await call('POST', `/organisations/${enterpriseOrgId}/members`, owner.token, {
      nationalId: makeNationalId(),
      name: 'Hồ Văn Đoán',
    });
    expectError(guessed, 404, 'ORGANISATION_MEMBER_NOT_MATCHED');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toBe(guessed.body);
    expectError(
      await call('POST', `/organisations/${enterpriseOrgId}/members`, owner.token, { nationalId: knownCard }),
      400,
      'ORGANISATION_MEMBER_NAME_REQUIRED',
    );
    expectError(await call('GET', `/organisations/${otherOrgId}/members`, owner.token), 404, 'ORGANISATION_NOT_FOUND');
    expectError(
      await call('POST', '/organisations', owner.token, { kind: 'enterprise', enterpriseId: other.json().id }),
      404,
      'ENTERPRISE_NOT_FOUND',
    );
    expectError(
      await call('POST', '/organisations', owner.token, { kind: 'agency', name: 'X', unitCode: UNITS.bienHoaCommune }),
      403,
      'FORBIDDEN',
    );
    expectError(await call('GET', `/organisations/${agencyId}`, owner.token), 404, 'ORGANISATION_NOT_FOUND');
    expectError(
      await call('POST', `/organisations/${enterpriseOrgId}/members`, owner.token, { personId: otherOwner.personId }),
      404,
      'PERSON_NOT_FOUND',
    );
    const csv = { 'content-type': 'text/csv' };
    expectError(
      await call('POST', `/organisations/${enterpriseOrgId}/members:import`, owner.token, 'cccd,name\r\n1,2', csv),
      400,
      'MEMBERS_CSV_HEADER_INVALID',
    );
    expectError(
      await call(
        'POST',
        `/organisations/${enterpriseOrgId}/members:import`,
        owner.token,
        'national_id,phone,full_name\r\n',
        csv,
      ),
      400,
      'MEMBERS_CSV_EMPTY',
    );
    const many = ['national_id,phone,full_name', ...Array.from({ length: 2001 }, () => '079000000001,,A')].join('\n');
    expectError(
      await call('POST', `/organisations/${enterpriseOrgId}/members:import`, owner.token, many, csv),
      400,
      'MEMBERS_CSV_TOO_MANY',
    );
    expectError(
      await call(
        'POST',
        `/organisations/${otherOrgId}/members:import`,
        owner.token,
        'national_id,phone,full_name\r\n',
        csv,
      ),
      404,
      'ORGANISATION_NOT_FOUND',
    );
    expect(await rows('organisations')).toBe(orgsBefore);
    expect(await rows('organisation_members')).toBe(membersBefore);
    expect(await rows('people')).toBe(peopleBefore + 1); // Hồ Văn Thật, registered by the health worker above
  });

  it('answers 401 without a session and 403 to a role that never reads organisations', async () => {
    expect((await call('GET', '/organisations', null)).statusCode).toBe(401);
    const venueManager = (await staffToken(env, 'venue_manager', UNITS.bienHoaCommune)).token;
    expectError(await call('GET', '/organisations', venueManager), 403, 'FORBIDDEN');
    expectError(await call('GET', `/organisations/${enterpriseOrgId}`, venueManager), 403, 'FORBIDDEN');
  });
});

describe('paging, renaming and deleting', () => {
  it('pages a member list by keyset (X-Next-Cursor, after=) and refuses a bad cursor with 400', async () => {
    const all = (await call('GET', `/organisations/${agencyId}/members?limit=500`, health)).json().items;
    expect(all.length).toBe(3);
    const first = await call('GET', `/organisations/${agencyId}/members?limit=2`, health);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().items).toEqual(all.slice(0, 2));
    const cursor = first.headers['x-next-cursor'];
    expect(typeof cursor).toBe('string');
    const second = await call('GET', `/organisations/${agencyId}/members?limit=2&after=${cursor}`, health);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().items).toEqual(all.slice(2));
    expect(second.headers['x-next-cursor']).toBeUndefined();
    // the last page exactly full: no cursor
    expect((await call('GET', `/organisations/${agencyId}/members?limit=3`, health)).headers['x-next-cursor']).toBe(
      undefined,
    );
    // another list's cursor, a key of the wrong shape, an id that is not one, and a malformed value
    for (const bad of [
      encodeCursor(['2026-01-01', 'A', crypto.randomUUID()]),
      encodeCursor([1, crypto.randomUUID()]),
      encodeCursor(['A', 'not-a-uuid']),
      'bm9wZQ',
    ])
      expectError(await call('GET', `/organisations/${agencyId}/members?after=${bad}`, health), 400, 'INVALID_CURSOR');
    expectError(await call('GET', `/organisations/${agencyId}/members?after=a*b`, health), 400, 'VALIDATION_FAILED');
    // a cursor does not open another area's list
    expectError(
      await call('GET', `/organisations/${agencyId}/members?after=${cursor}`, healthElsewhere),
      404,
      'ORGANISATION_NOT_FOUND',
    );
  });

  it('renames an organisation by whoever keeps its list; others 403/404, bad names 400, nothing written', async () => {
    const renamed = await call('PATCH', `/organisations/${agencyId}`, health, {
      name: '  UBND phường Trung Dũng (mới)  ',
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ id: agencyId, name: 'UBND phường Trung Dũng (mới)', members: 3 });
    const audited = await sql<{ n: string }>`
      select count(*) as n from audit_log where action = 'organisations.rename' and resource_id = ${agencyId}`.execute(
      env.ctx.db,
    );
    expect(Number(audited.rows[0]?.n)).toBe(1);

    expectError(await call('PATCH', `/organisations/${agencyId}`, park, { name: 'X' }), 403, 'FORBIDDEN');
    expectError(
      await call('PATCH', `/organisations/${agencyId}`, healthElsewhere, { name: 'X' }),
      404,
      'ORGANISATION_NOT_FOUND',
    );
    expectError(
      await call('PATCH', `/organisations/${agencyId}`, owner.token, { name: 'X' }),
      404,
      'ORGANISATION_NOT_FOUND',
    );
    expectError(
      await call('PATCH', `/organisations/${crypto.randomUUID()}`, health, { name: 'X' }),
      404,
      'ORGANISATION_NOT_FOUND',
    );
    expectError(
      await call('PATCH', `/organisations/${agencyId}`, health, { name: '   ' }),
      400,
      'ORGANISATION_NAME_INVALID',
    );
    expectError(await call('PATCH', `/organisations/${agencyId}`, health, { name: '' }), 400, 'VALIDATION_FAILED');
    expectError(
      await call('PATCH', `/organisations/${agencyId}`, health, { name: 'x'.repeat(201) }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await call('PATCH', `/organisations/${agencyId}`, health, { name: 'Y', civilService: false }),
      400,
      'VALIDATION_FAILED',
    );
    expect((await call('GET', `/organisations/${agencyId}`, health)).json().name).toBe('UBND phường Trung Dũng (mới)');
    // an enterprise's owner renames their own list
    const mine = await call('PATCH', `/organisations/${enterpriseOrgId}`, owner.token, {
      name: 'Giày Đồng Nai — xưởng 2',
    });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ name: 'Giày Đồng Nai — xưởng 2', flaggedToday: null });
    expect((await call('PATCH', `/organisations/${agencyId}`, null, { name: 'X' })).statusCode).toBe(401);
  });

  it('deletes an organisation with its member list (people stay) by whoever keeps it; others 403/404; audited', async () => {
    const [orgsBefore, membersBefore, peopleBefore] = [
      await rows('organisations'),
      await rows('organisation_members'),
      await rows('people'),
    ];
    expectError(await call('DELETE', `/organisations/${agencyId}`, park), 403, 'FORBIDDEN');
    expectError(await call('DELETE', `/organisations/${agencyId}`, healthElsewhere), 404, 'ORGANISATION_NOT_FOUND');
    expectError(await call('DELETE', `/organisations/${otherOrgId}`, owner.token), 404, 'ORGANISATION_NOT_FOUND');
    expectError(await call('DELETE', `/organisations/${crypto.randomUUID()}`, health), 404, 'ORGANISATION_NOT_FOUND');
    expect(await rows('organisations')).toBe(orgsBefore);
    expect(await rows('organisation_members')).toBe(membersBefore);

    const gone = await call('DELETE', `/organisations/${agencyId}`, health);
    expect(gone.statusCode, gone.body).toBe(204);
    expect(await rows('organisations')).toBe(orgsBefore - 1);
    expect(await rows('organisation_members')).toBe(membersBefore - 3);
    expect(await rows('people')).toBe(peopleBefore);
    expectError(await call('GET', `/organisations/${agencyId}`, health), 404, 'ORGANISATION_NOT_FOUND');
    expectError(await call('DELETE', `/organisations/${agencyId}`, health), 404, 'ORGANISATION_NOT_FOUND');
    const audited = await sql<{ details: { members: number; kind: string } }>`
      select details from audit_log where action = 'organisations.delete' and resource_id = ${agencyId}`.execute(
      env.ctx.db,
    );
    expect(audited.rows.map((r) => r.details)).toMatchObject([{ kind: 'agency', members: 3 }]);

    // an enterprise's owner deletes their list and may start a new one
    const enterpriseId = (await call('GET', `/organisations/${otherOrgId}`, otherOwner.token)).json().enterpriseId;
    expect((await call('DELETE', `/organisations/${otherOrgId}`, otherOwner.token)).statusCode).toBe(204);
    const again = await call('POST', '/organisations', otherOwner.token, { kind: 'enterprise', enterpriseId });
    expect(again.statusCode, again.body).toBe(201);
  });
});

describe("bounding what an owner's member look-ups tell (names behind phones and national IDs)", () => {
  const csv = { 'content-type': 'text/csv' };
  let taxCodes = 3600999100;

  /** A new citizen owning a new enterprise and its member list. */
  async function newOwner(phone: string) {
    const who = await citizenToken(env, phone);
    const e = await call('POST', '/enterprises', who.token, {
      name: `Công ty ${phone}`,
      taxCode: String(taxCodes++),
      unitCode: UNITS.bienHoaCommune,
      workers: 50,
    });
    expect(e.statusCode, e.body).toBe(201);
    const org = await call('POST', '/organisations', who.token, { kind: 'enterprise', enterpriseId: e.json().id });
    expect(org.statusCode, org.body).toBe(201);
    return { ...who, orgId: org.json().id as string };
  }

  /** A worker on record (registered by the commune), with the national ID to name them by. */
  async function worker(name: string) {
    const nationalId = makeNationalId();
    const res = await call('POST', '/people', health, { nationalId, name, unitCode: UNITS.bienHoaCommune });
    expect(res.statusCode, res.body).toBe(201);
    return { nationalId, name, personId: res.json().id as string };
  }

  const guesses = (n: number) => Array.from({ length: n }, () => `${makeNationalId()},,Nguyễn Văn Đoán`);
  const file = (lines: string[]) => ['national_id,phone,full_name', ...lines].join('\r\n');
  const misses = async (personId: string) =>
    Number(
      (
        await sql<{ n: string | null }>`
          select coalesce(sum(misses), 0) as n from organisation_member_lookups where owner_person_id = ${personId}`.execute(
          env.ctx.db,
        )
      ).rows[0]?.n,
    );
  const membersOf = async (orgId: string) =>
    Number(
      (
        await sql<{
          n: string;
        }>`select count(*) as n from organisation_members where organisation_id = ${orgId}`.execute(env.ctx.db)
      ).rows[0]?.n,
    );

  it('lets an owner miss 100 look-ups in 24 hours; the lines past them are not looked up, then 429 before anything', async () => {
    const o = await newOwner('0914000401');
    const a = await worker('Lý Văn Đúng');
    const b = await worker('Lâm Thị Sau');
    // one match, then 120 guesses: 100 looked up and missed, the 20 after them not looked up
    const imported = await call(
      'POST',
      `/organisations/${o.orgId}/members:import`,
      o.token,
      file([`${a.nationalId},,${a.name}`, ...guesses(120)]),
      csv,
    );
    expect(imported.statusCode, imported.body).toBe(200);
    const body = imported.json();
    expect(body).toMatchObject({ rows: 121, added: 1 });
    const codes = body.rejected.map((r: { code: string }) => r.code);
    expect(codes.filter((c: string) => c === 'ORGANISATION_MEMBER_NOT_MATCHED')).toHaveLength(100);
    expect(codes.slice(100)).toEqual(Array(20).fill('RATE_LIMITED'));
    expect(body.rejected[100]).toMatchObject({ row: 103, message: 'Too many requests; try again later.' });
    expect(await misses(o.personId)).toBe(100);
    expect(await membersOf(o.orgId)).toBe(1);

    // the allowance is used: a right name is refused too, before it is looked up, one by one or in a file
    const one = await call('POST', `/organisations/${o.orgId}/members`, o.token, {
      nationalId: b.nationalId,
      name: b.name,
    });
    expectError(one, 429, 'RATE_LIMITED');
    const retryAfter = one.json().error.details.retryAfter;
    expect(retryAfter).toBeGreaterThan(86_000);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(one.headers['retry-after']).toBe(String(retryAfter));
    expectError(
      await call(
        'POST',
        `/organisations/${o.orgId}/members:import`,
        o.token,
        file([`${b.nationalId},,${b.name}`]),
        csv,
      ),
      429,
      'RATE_LIMITED',
    );
    expect(await membersOf(o.orgId)).toBe(1);
    expect(await misses(o.personId)).toBe(100);

    // another owner has an allowance of their own; staff keeping the same list are not bounded (they find or register
    // people of their own area, audited)
    const other = await newOwner('0914000402');
    expectError(
      await call('POST', `/organisations/${other.orgId}/members`, other.token, {
        nationalId: makeNationalId(),
        name: 'Người Lạ',
      }),
      404,
      'ORGANISATION_MEMBER_NOT_MATCHED',
    );
    const byStaff = await call('POST', `/organisations/${o.orgId}/members`, park, {
      nationalId: b.nationalId,
      name: b.name,
    });
    expect(byStaff.statusCode, byStaff.body).toBe(201);

    // a day later the misses have left the window: the owner looks up again, and the old rows are gone
    await sql`update organisation_member_lookups set at = at - interval '24 hours 1 minute'
              where owner_person_id = ${o.personId}`.execute(env.ctx.db);
    const c = await worker('Phan Văn Chín');
    const later = await call('POST', `/organisations/${o.orgId}/members`, o.token, {
      nationalId: c.nationalId,
      name: c.name,
    });
    expect(later.statusCode, later.body).toBe(201);
    expect(await misses(o.personId)).toBe(0);
    const left = await sql<{ n: string }>`
      select count(*) as n from organisation_member_lookups where owner_person_id = ${o.personId}`.execute(env.ctx.db);
    expect(Number(left.rows[0]?.n)).toBe(0);
  });

  it('counts one-by-one additions too, and says when the window has room again', async () => {
    const o = await newOwner('0914000403');
    const a = await worker('Vũ Thị Mười');
    // 99 misses 23 hours ago (as another API process would have recorded them)
    await sql`insert into organisation_member_lookups (owner_person_id, at, misses)
              values (${o.personId}, now() - interval '23 hours', 99)`.execute(env.ctx.db);
    expectError(
      await call('POST', `/organisations/${o.orgId}/members`, o.token, {
        nationalId: a.nationalId,
        name: 'Vũ Thị Khác',
      }),
      404,
      'ORGANISATION_MEMBER_NOT_MATCHED',
    );
    expect(await misses(o.personId)).toBe(100);
    // the 100th miss was the last: the next look-up waits until the 99 leave the window, in an hour
    const refused = await call('POST', `/organisations/${o.orgId}/members`, o.token, {
      nationalId: a.nationalId,
      name: a.name,
    });
    expectError(refused, 429, 'RATE_LIMITED');
    const retryAfter = refused.json().error.details.retryAfter;
    expect(retryAfter).toBeGreaterThan(3_500);
    expect(retryAfter).toBeLessThanOrEqual(3_600);
    // a match costs nothing: with the allowance back, adding the right name leaves the count as it was
    await sql`update organisation_member_lookups set at = at - interval '2 hours'
              where owner_person_id = ${o.personId} and misses = 99`.execute(env.ctx.db);
    const added = await call('POST', `/organisations/${o.orgId}/members`, o.token, {
      nationalId: a.nationalId,
      name: a.name,
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(await misses(o.personId)).toBe(1);
    // the hourly maintenance deletes every account's rows older than a day
    await sql`update organisation_member_lookups set at = at - interval '25 hours'
              where owner_person_id = ${o.personId}`.execute(env.ctx.db);
    const purged = await purgeDeclarations(env.ctx.db, env.ctx.audit, 42);
    expect(purged.memberLookups).toBeGreaterThanOrEqual(1);
    expect(await misses(o.personId)).toBe(0);
  });

  it('shares the allowance between requests arriving at once', async () => {
    const o = await newOwner('0914000404');
    const [x, y] = await Promise.all(
      [0, 1].map(() =>
        call('POST', `/organisations/${o.orgId}/members:import`, o.token, file(guesses(70)), csv).then((r) => {
          expect(r.statusCode, r.body).toBe(200);
          return r.json().rejected.map((j: { code: string }) => j.code) as string[];
        }),
      ),
    );
    const all = [...(x ?? []), ...(y ?? [])];
    expect(all.filter((c) => c === 'ORGANISATION_MEMBER_NOT_MATCHED')).toHaveLength(100);
    expect(all.filter((c) => c === 'RATE_LIMITED')).toHaveLength(40);
    expect(await misses(o.personId)).toBe(100);
  });

  it('limits each account to 60 single additions and 10 files a minute (429 RATE_LIMITED)', async () => {
    const o = await newOwner('0914000405');
    const imports: number[] = [];
    for (let i = 0; i < 11; i++)
      imports.push((await call('POST', `/organisations/${o.orgId}/members:import`, o.token, 'x,y', csv)).statusCode);
    expect(imports).toEqual([...Array(10).fill(400), 429]);
    const adds: number[] = [];
    for (let i = 0; i < 61; i++)
      adds.push((await call('POST', `/organisations/${o.orgId}/members`, o.token, { name: 'A' })).statusCode);
    expect(adds).toEqual([...Array(60).fill(400), 429]);
    const limited = await call('POST', `/organisations/${o.orgId}/members`, o.token, { name: 'A' });
    expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // another account is counted apart
    const other = await newOwner('0914000406');
    expect((await call('POST', `/organisations/${other.orgId}/members`, other.token, { name: 'A' })).statusCode).toBe(
      400,
    );
  });
});
