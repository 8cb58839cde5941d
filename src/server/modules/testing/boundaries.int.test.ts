/**
 * What a lab, a lab's key and a collector may reach, and what one request may cost (PGlite, and PostgreSQL with
 * TEST_DATABASE_URL): a tube nobody shipped belongs to no lab outside its area and reads there as unknown; a key reads
 * its own lab's tubes only; a results file is bounded in lines and in the refusals it lists; a refused tube registers
 * nobody; out-of-area tubes and campaigns answer as unknown ones; lab actions audit the tube's people; only the import
 * takes large text/csv bodies; a collector cannot take 12-digit barcodes the server has not issued.
 */
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
import { barcodeOf } from './barcode.ts';
import { IMPORT_REJECTED_LISTED } from './constants.ts';
import { RESULTS_CSV_MAX_LINES } from './csv.ts';

let env: TestEnv;
let admin: string;
let collector: string;
let longKhanhCollector: string;
/** lab staff of the whole province: within reach of both labs */
let labStaff: string;
let labA = '';
let labB = '';
/** lab staff of Long Khánh (lab B's district): their reach is that district */
let longKhanhLabStaff = '';
let keyA = '';
let keyB = '';

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const NO_TUBE = '00000000-0000-4000-8000-000000000000';

async function call(
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  auth: string | { key: string } | null,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  const who = auth === null ? {} : typeof auth === 'string' ? bearer(auth) : { 'x-api-key': auth.key };
  return env.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...who, ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

const csvImport = (labId: string, csv: string, auth: string | { key: string } = labStaff) =>
  call('POST', `/labs/${labId}/results:import`, auth, csv, { 'content-type': 'text/csv' });

const newPeople = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ nationalId: makeNationalId(), name: `Người biên ${i + 1}` }));

async function collect(body: Record<string, unknown>, token = collector) {
  return call('POST', '/samples', token, {
    kind: 'rt-pcr',
    people: newPeople(1),
    collectedAt: hourAgo(),
    unitCode: UNITS.bienHoaCommune,
    ...body,
  });
}

async function tube(body: Record<string, unknown> = {}, token = collector) {
  const res = await collect(body, token);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; barcode: string; people: Array<{ personId: string }> };
}

const peopleCount = async () =>
  Number((await env.ctx.db.selectFrom('people').select(env.ctx.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

async function tubeRow(id: string) {
  return env.ctx.db
    .selectFrom('samples')
    .select(['status', 'lab_id', 'result'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'], config: { sessionCacheSeconds: 0 } });
  admin = (await staffToken(env, 'admin', null)).token;
  collector = (await staffToken(env, 'health_worker', UNITS.bienHoa)).token;
  longKhanhCollector = (await staffToken(env, 'health_worker', UNITS.longKhanh)).token;
  labStaff = (await staffToken(env, 'lab', UNITS.province)).token;
  labA = (await call('POST', '/labs', admin, { name: 'CDC Biên Hòa', unitCode: UNITS.bienHoa })).json().id;
  labB = (await call('POST', '/labs', admin, { name: 'BV Long Khánh', unitCode: UNITS.longKhanh })).json().id;
  longKhanhLabStaff = (await staffToken(env, 'lab', UNITS.longKhanh)).token;
  keyA = (await call('POST', `/labs/${labA}/keys`, admin, { label: 'LIS A' })).json().key;
  keyB = (await call('POST', `/labs/${labB}/keys`, admin, { label: 'LIS B' })).json().key;
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('a tube nobody shipped', () => {
  it('is refused to a lab of another area as an unknown tube would be: results, intake, import, corrections', async () => {
    const t = await tube();
    const result = { result: 'positive', ct: 20, testedAt: minutesAgo(5), labId: labB };
    const unknownById = expectError(
      await call('POST', `/samples/${NO_TUBE}/result`, longKhanhLabStaff, result),
      404,
      'SAMPLE_NOT_FOUND',
    );
    expect(
      expectError(await call('POST', `/samples/${t.id}/result`, longKhanhLabStaff, result), 404, 'SAMPLE_NOT_FOUND'),
    ).toEqual(unknownById);
    expect(
      expectError(await call('POST', `/samples/${t.id}/result`, { key: keyB }, result), 404, 'SAMPLE_NOT_FOUND'),
    ).toEqual(unknownById);
    const correction = { ...result, reason: 'Nhập nhầm kết quả' };
    expect(
      expectError(
        await call('POST', `/samples/${t.id}/corrections`, longKhanhLabStaff, correction),
        404,
        'SAMPLE_NOT_FOUND',
      ),
    ).toEqual(
      expectError(
        await call('POST', `/samples/${NO_TUBE}/corrections`, longKhanhLabStaff, correction),
        404,
        'SAMPLE_NOT_FOUND',
      ),
    );

    const none = barcodeOf(99_999_999_990);
    for (const decision of [{ decision: 'accept' }, { decision: 'reject', reason: 'leaked' }]) {
      const unknown = expectError(
        await call('POST', `/labs/${labB}/intake`, longKhanhLabStaff, { barcode: none, ...decision }),
        404,
        'BARCODE_UNKNOWN',
      );
      expect(
        expectError(
          await call('POST', `/labs/${labB}/intake`, { key: keyB }, { barcode: t.barcode, ...decision }),
          404,
          'BARCODE_UNKNOWN',
        ),
      ).toEqual(unknown);
    }

    const at = minutesAgo(5);
    const file = `barcode,result,ct,tested_at\n${none},negative,,${at}\n${t.barcode},positive,20,${at}\n`;
    for (const auth of [longKhanhLabStaff, { key: keyB }]) {
      const res = await csvImport(labB, file, auth);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ accepted: 0, rejectedCount: 2 });
      const [first, second] = body.rejected;
      expect(first).toMatchObject({ row: 2, code: 'BARCODE_UNKNOWN' });
      expect(second).toEqual({ ...first, row: 3 });
    }

    expect(await tubeRow(t.id)).toEqual({ status: 'collected', lab_id: null, result: null });
    // the lab of the tube's own area takes it
    const own = await call('POST', `/samples/${t.id}/result`, { key: keyA }, { ...result, labId: labA });
    expect(own.statusCode, own.body).toBe(200);
    expect(await tubeRow(t.id)).toEqual({ status: 'resulted', lab_id: labA, result: 'positive' });
  });

  it("is taken by any lab through an account whose area holds the tube: the provincial lab's staff, without a shipment", async () => {
    const t = await tube();
    const res = await call('POST', `/samples/${t.id}/result`, labStaff, {
      result: 'negative',
      testedAt: minutesAgo(5),
      labId: labB,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await tubeRow(t.id)).toEqual({ status: 'resulted', lab_id: labB, result: 'negative' });
    // a second tube, through a national admin and a lab of any unit
    const u = await tube();
    const byAdmin = await call('POST', `/samples/${u.id}/result`, admin, {
      result: 'negative',
      testedAt: minutesAgo(5),
      labId: labB,
    });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
  });

  it('is received by the lab of its own area, scanned in without a shipment', async () => {
    const t = await tube();
    const res = await call('POST', `/labs/${labA}/intake`, labStaff, { barcode: t.barcode, decision: 'accept' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'received', labId: labA });
  });

  it("answers another lab's shipped tube in a file as unknown too: a file cannot probe which barcodes exist", async () => {
    const t = await tube();
    expect((await call('POST', '/shipments', collector, { labId: labA, barcodes: [t.barcode] })).statusCode).toBe(201);
    const at = minutesAgo(5);
    const res = await csvImport(
      labB,
      `barcode,result,ct,tested_at\n${t.barcode},negative,,${at}\n${barcodeOf(99_999_999_991)},negative,,${at}\n`,
    );
    const [shipped, unknown] = res.json().rejected;
    expect(shipped).toMatchObject({ row: 2, code: 'BARCODE_UNKNOWN' });
    expect(unknown).toEqual({ ...shipped, row: 3 });
    // by id or by barcode alone, a tube of another area at another lab is an unknown tube too
    const result = { result: 'negative', testedAt: at, labId: labB };
    expect(
      expectError(await call('POST', `/samples/${t.id}/result`, longKhanhLabStaff, result), 404, 'SAMPLE_NOT_FOUND'),
    ).toEqual(
      expectError(await call('POST', `/samples/${NO_TUBE}/result`, longKhanhLabStaff, result), 404, 'SAMPLE_NOT_FOUND'),
    );
    expect(
      expectError(
        await call('POST', `/labs/${labB}/intake`, longKhanhLabStaff, { barcode: t.barcode, decision: 'accept' }),
        404,
        'BARCODE_UNKNOWN',
      ),
    ).toEqual(
      expectError(
        await call('POST', `/labs/${labB}/intake`, longKhanhLabStaff, {
          barcode: barcodeOf(99_999_999_991),
          decision: 'accept',
        }),
        404,
        'BARCODE_UNKNOWN',
      ),
    );
    expect(await tubeRow(t.id)).toEqual({ status: 'shipped', lab_id: labA, result: null });
  });

  it("names the other lab for a tube of the lab's own area that was shipped elsewhere, and leaves it there", async () => {
    const t = await tube({ unitCode: UNITS.longKhanh }, longKhanhCollector);
    const ship = await call('POST', '/shipments', longKhanhCollector, { labId: labA, barcodes: [t.barcode] });
    expect(ship.statusCode, ship.body).toBe(201);
    const at = minutesAgo(5);
    expectError(
      await call('POST', `/samples/${t.id}/result`, labStaff, { result: 'negative', testedAt: at, labId: labB }),
      403,
      'SAMPLE_OTHER_LAB',
    );
    expectError(
      await call('POST', `/labs/${labB}/intake`, { key: keyB }, { barcode: t.barcode, decision: 'accept' }),
      403,
      'SAMPLE_OTHER_LAB',
    );
    // in a file it is still an unknown barcode: a file cannot probe which barcodes exist
    const res = await csvImport(labB, `barcode,result,ct,tested_at\n${t.barcode},negative,,${at}\n`);
    expect(res.json().rejected).toEqual([expect.objectContaining({ row: 2, code: 'BARCODE_UNKNOWN' })]);
    expect(await tubeRow(t.id)).toEqual({ status: 'shipped', lab_id: labA, result: null });
  });
});

describe("a lab's key reading tubes", () => {
  it("reads its own lab's tubes only; any other is not found", async () => {
    const unshipped = await tube();
    const toB = await tube();
    const toA = await tube();
    await call('POST', '/shipments', collector, { labId: labB, barcodes: [toB.barcode] });
    await call('POST', '/shipments', collector, { labId: labA, barcodes: [toA.barcode] });
    const mine = await call('GET', `/samples/${toA.id}`, { key: keyA });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ id: toA.id, labId: labA });
    const unknown = expectError(await call('GET', `/samples/${NO_TUBE}`, { key: keyA }), 404, 'SAMPLE_NOT_FOUND');
    expect(expectError(await call('GET', `/samples/${unshipped.id}`, { key: keyA }), 404, 'SAMPLE_NOT_FOUND')).toEqual(
      unknown,
    );
    expect(expectError(await call('GET', `/samples/${toB.id}`, { key: keyA }), 404, 'SAMPLE_NOT_FOUND')).toEqual(
      unknown,
    );
    // the lab's staff keep their reach: the tubes of their area
    expect((await call('GET', `/samples/${unshipped.id}`, labStaff)).statusCode).toBe(200);
  });
});

describe('results files', () => {
  it(`refuses a file of more than ${RESULTS_CSV_MAX_LINES.toLocaleString('en')} lines as a whole (400), blank lines counted`, async () => {
    const t = await tube();
    const line = `${t.barcode},negative,,${minutesAgo(5)}\n`;
    const blanks = `barcode,result,ct,tested_at\n${'\n'.repeat(RESULTS_CSV_MAX_LINES)}${line}`;
    const res = await csvImport(labA, blanks);
    expect(expectError(res, 400, 'CSV_TOO_MANY_LINES').error.message).toContain('200');
    const crOnly = `barcode,result,ct,tested_at\r${'x\r'.repeat(RESULTS_CSV_MAX_LINES)}${line}`;
    expectError(await csvImport(labA, crOnly), 400, 'CSV_TOO_MANY_LINES');
    expect(await tubeRow(t.id)).toMatchObject({ status: 'collected', result: null });
    // line breaks that only end the file do not count
    const trailing = `barcode,result,ct,tested_at\n${line}${'\r\n'.repeat(RESULTS_CSV_MAX_LINES)}`;
    expect((await csvImport(labA, trailing)).json()).toMatchObject({ accepted: 1, rejectedCount: 0, rejected: [] });
  });

  it(`takes a file of ${RESULTS_CSV_MAX_LINES.toLocaleString('en')} lines (above the 1 MiB body limit) and lists the first ${IMPORT_REJECTED_LISTED.toLocaleString('en')} refusals with the total`, async () => {
    const at = minutesAgo(5);
    const lines = Array.from({ length: RESULTS_CSV_MAX_LINES }, (_, i) => `BAD_${i},negative,,${at}`);
    const file = `barcode,result,ct,tested_at\n${lines.join('\n')}\n`;
    expect(file.length).toBeGreaterThan(2 * 1024 * 1024);
    const res = await csvImport(labA, file);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ accepted: 0, rejectedCount: RESULTS_CSV_MAX_LINES });
    expect(body.rejected).toHaveLength(IMPORT_REJECTED_LISTED);
    expect(body.rejected[0]).toMatchObject({ row: 2, code: 'BARCODE_INVALID' });
    expect(body.rejected.at(-1)).toMatchObject({ row: IMPORT_REJECTED_LISTED + 1 });
  }, 60_000);
});

describe('collection refused: nobody registered', () => {
  /** Asserts the refusal and that nobody was registered by the request. */
  async function refusedRegistersNobody(body: Record<string, unknown>, status: number, code: string) {
    const before = await peopleCount();
    expectError(await collect(body), status, code);
    expect(await peopleCount()).toBe(before);
  }

  it('an unknown person after new ones (400 PERSON_NOT_FOUND)', async () => {
    await refusedRegistersNobody(
      { kind: 'rt-pcr-pool', people: [...newPeople(2), { personId: NO_TUBE }] },
      400,
      'PERSON_NOT_FOUND',
    );
  });

  it('a forged personal QR after new ones (400 PERSON_QR_INVALID)', async () => {
    const forged = `TV1.P.${NO_TUBE}.k1.AAAAAAAAAAAAAAAAAAAAAA`;
    await refusedRegistersNobody(
      { kind: 'rt-pcr-pool', people: [...newPeople(2), { personQr: forged }] },
      400,
      'PERSON_QR_INVALID',
    );
  });

  it('one known person by id and by national ID, after someone new (400 SAMPLE_DUPLICATE_PERSON)', async () => {
    const nationalId = makeNationalId();
    const known = await call('POST', '/people', collector, {
      nationalId,
      name: 'Đã Có Hồ Sơ',
      unitCode: UNITS.bienHoaCommune,
    });
    expect(known.statusCode, known.body).toBe(201);
    await refusedRegistersNobody(
      { kind: 'rt-pcr-pool', people: [...newPeople(1), { personId: known.json().id }, { nationalId }] },
      400,
      'SAMPLE_DUPLICATE_PERSON',
    );
  });

  it('a new phone with a name, then the same phone alone: one person once registered (400)', async () => {
    await refusedRegistersNobody(
      { kind: 'rt-pcr-pool', people: [{ phone: '0987555001', name: 'Lê Văn Mới' }, { phone: '0987555001' }] },
      400,
      'SAMPLE_DUPLICATE_PERSON',
    );
    // two people sharing a phone, by name, are two people
    const before = await peopleCount();
    const family = await collect({
      kind: 'rt-pcr-pool',
      people: [
        { phone: '0987555002', name: 'Mẹ' },
        { phone: '0987555002', name: 'Con' },
      ],
    });
    expect(family.statusCode, family.body).toBe(201);
    expect(await peopleCount()).toBe(before + 2);
  });

  it('a barcode already on a tube (409 BARCODE_IN_USE)', async () => {
    const [code] = (await call('POST', '/samples/barcodes', collector, { count: 1 })).json().barcodes as string[];
    await tube({ barcode: code });
    await refusedRegistersNobody({ barcode: code }, 409, 'BARCODE_IN_USE');
  });
});

describe('barcodes a collector brings', () => {
  it('refuses a 12-digit code the server has not issued yet (400 BARCODE_NOT_ISSUED), registering nobody', async () => {
    const [code] = (await call('POST', '/samples/barcodes', collector, { count: 1 })).json().barcodes as string[];
    const last = Number(code?.slice(0, 11));
    const before = await peopleCount();
    expectError(await collect({ barcode: barcodeOf(last + 1000) }), 400, 'BARCODE_NOT_ISSUED');
    expectError(await collect({ barcode: barcodeOf(0) }), 400, 'BARCODE_NOT_ISSUED');
    expect(await peopleCount()).toBe(before);
    // issued codes, and labels printed elsewhere in another format, are taken
    expect((await collect({ barcode: code })).statusCode).toBe(201);
    expect((await collect({ barcode: 'LIS-2021-000123' })).statusCode).toBe(201);
  });
});

describe('out-of-area answers', () => {
  it('ships: a tube collected outside the area answers as an unknown barcode', async () => {
    const elsewhere = await tube({ unitCode: UNITS.longKhanh }, longKhanhCollector);
    const none = barcodeOf(99_999_999_992);
    const unknown = expectError(
      await call('POST', '/shipments', collector, { labId: labA, barcodes: [none] }),
      404,
      'BARCODE_UNKNOWN',
    );
    const outside = expectError(
      await call('POST', '/shipments', collector, { labId: labA, barcodes: [elsewhere.barcode] }),
      404,
      'BARCODE_UNKNOWN',
    );
    expect({ ...outside.error, details: undefined }).toEqual({ ...unknown.error, details: undefined });
    expect(outside.error.details).toEqual({ barcode: elsewhere.barcode });
    expect(await tubeRow(elsewhere.id)).toMatchObject({ status: 'collected', lab_id: null });
  });

  it('collects: the place is authorized first, and a campaign out of reach answers as an unknown one', async () => {
    // an unknown campaign at a place out of the collector's area: the place answers (403), not the campaign
    expectError(await collect({ unitCode: UNITS.longKhanh, campaignId: NO_TUBE }), 403, 'FORBIDDEN');
    const unknown = expectError(await collect({ campaignId: NO_TUBE }), 404, 'CAMPAIGN_NOT_FOUND');
    const dates = { startsOn: '2021-08-01', endsOn: '2021-08-03' };
    const theirs = await call('POST', '/campaigns', longKhanhCollector, {
      name: 'LK',
      unitCode: UNITS.longKhanh,
      ...dates,
    });
    expect(theirs.statusCode, theirs.body).toBe(201);
    expect(expectError(await collect({ campaignId: theirs.json().id }), 404, 'CAMPAIGN_NOT_FOUND')).toEqual(unknown);
    // a campaign the collector sees, over another commune: the place is not in it
    const sibling = await env.ctx.db
      .selectFrom('admin_units')
      .select('code')
      .where('parent_code', '=', UNITS.bienHoa)
      .where('code', '!=', UNITS.bienHoaCommune)
      .where('is_hamlet', '=', false)
      .executeTakeFirstOrThrow();
    const ours = await call('POST', '/campaigns', collector, { name: 'BH', unitCode: sibling.code, ...dates });
    expectError(await collect({ campaignId: ours.json().id }), 400, 'UNIT_NOT_IN_CAMPAIGN');
    // a province-wide campaign covers the collector's commune, though planned above them
    const province = await call('POST', '/campaigns', admin, { name: 'Tỉnh', unitCode: UNITS.province, ...dates });
    expect((await collect({ campaignId: province.json().id })).statusCode).toBe(201);
  });
});

describe("lab actions audit the tube's people", () => {
  it('names the people in the audit rows of intake, results and corrections', async () => {
    const t = await tube({ kind: 'rt-pcr-pool', people: newPeople(3) });
    const personIds = t.people.map((p) => p.personId);
    expect(
      (await call('POST', `/labs/${labA}/intake`, labStaff, { barcode: t.barcode, decision: 'accept' })).statusCode,
    ).toBe(200);
    const at = minutesAgo(5);
    expect(
      (await call('POST', `/samples/${t.id}/result`, labStaff, { result: 'invalid', testedAt: at, labId: labA }))
        .statusCode,
    ).toBe(200);
    const corrected = await call('POST', `/samples/${t.id}/corrections`, labStaff, {
      result: 'negative',
      testedAt: at,
      labId: labA,
      reason: 'Nhập nhầm',
    });
    expect(corrected.statusCode, corrected.body).toBe(200);
    const rows = await env.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('resource_id', '=', t.id)
      .where('action', 'in', ['samples.receive', 'samples.result', 'samples.correct'])
      .execute();
    expect(rows.map((r) => r.action).sort()).toEqual(['samples.correct', 'samples.receive', 'samples.result']);
    for (const r of rows) expect((r.details as { personIds?: string[] }).personIds).toEqual(personIds);

    const rejected = await tube();
    await call('POST', `/labs/${labA}/intake`, labStaff, {
      barcode: rejected.barcode,
      decision: 'reject',
      reason: 'leaked',
    });
    const row = await env.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('resource_id', '=', rejected.id)
      .where('action', '=', 'samples.reject')
      .executeTakeFirstOrThrow();
    expect(row.details).toMatchObject({ personIds: [rejected.people[0]?.personId] });
  });
});

describe('text/csv bodies', () => {
  it('keep the default body limit on every testing route but the import (413)', async () => {
    const big = `barcode,result,ct,tested_at\n${'x'.repeat(2 * 1024 * 1024)}\n`;
    for (const url of ['/samples', `/labs/${labA}/intake`, '/shipments', '/campaigns']) {
      const res = await call('POST', url, collector, big, { 'content-type': 'text/csv' });
      expectError(res, 413, 'BODY_TOO_LARGE');
    }
  });
});
