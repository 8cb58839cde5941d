/**
 * The testing platform's integration contract through the real app (PGlite, and PostgreSQL with TEST_DATABASE_URL):
 * labs, collection (pools, individual tubes, idempotent retries, registration of unknown people), results (single,
 * the same again, a conflict, CSV import with bad rows, lab API keys), what a positive result causes (retest members
 * and tasks, the F0 case, messages), the citizen's own results, and the refusals around them.
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
import { barcodeOf } from './barcode.ts';

let env: TestEnv;
let admin: string;
let collector: string;
let labStaff: string;
let tracer: string;
let labA = '';
let labB = '';

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

async function call(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
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

async function csvImport(labId: string, csv: string | Buffer, token = labStaff, headers: Record<string, string> = {}) {
  return env.app.inject({
    method: 'POST',
    url: `/api/v1/labs/${labId}/results:import`,
    headers: { ...bearer(token), 'content-type': 'text/csv', ...headers },
    payload: csv,
  });
}

const count = async (table: 'samples' | 'sample_results' | 'test_tasks' | 'people') =>
  Number((await env.ctx.db.selectFrom(table).select(env.ctx.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

async function collect(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return call(
    'POST',
    '/samples',
    collector,
    { collectedAt: hourAgo(), unitCode: UNITS.bienHoaCommune, ...body },
    headers,
  );
}

const newPeople = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ nationalId: makeNationalId(), name: `Người thử ${i + 1}` }));

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'], config: { sessionCacheSeconds: 0 } });
  admin = (await staffToken(env, 'admin', null)).token;
  collector = (await staffToken(env, 'health_worker', UNITS.bienHoa)).token;
  labStaff = (await staffToken(env, 'lab', UNITS.province)).token;
  tracer = (await staffToken(env, 'tracer', UNITS.bienHoa)).token;
  const a = await call('POST', '/labs', admin, { name: 'CDC Đồng Nai', unitCode: UNITS.bienHoa });
  const b = await call('POST', '/labs', admin, { name: 'BV Long Khánh', unitCode: UNITS.longKhanh });
  labA = a.json().id;
  labB = b.json().id;
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('labs', () => {
  it('lets an admin register labs and any staff list them', async () => {
    expect(labA).toMatch(/^[0-9a-f-]{36}$/);
    const list = await call('GET', '/labs', collector);
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: labA, name: 'CDC Đồng Nai', unitCode: UNITS.bienHoa })]),
    );
  });

  it('refuses a lab from anyone but an admin (403), anonymous callers (401), an unknown unit (400)', async () => {
    expectError(await call('POST', '/labs', collector, { name: 'X', unitCode: UNITS.bienHoa }), 403, 'FORBIDDEN');
    expectError(await call('POST', '/labs', null, { name: 'X', unitCode: UNITS.bienHoa }), 401, 'UNAUTHENTICATED');
    expectError(await call('POST', '/labs', admin, { name: 'X', unitCode: '99999' }), 400, 'UNIT_NOT_FOUND');
  });
});

describe('collection', () => {
  it('collects a pooled tube of 5, registering unknown people, and answers a retry with the same key the same', async () => {
    const known = await call('POST', '/people', collector, {
      nationalId: makeNationalId(),
      name: 'Đã Có Hồ Sơ',
      unitCode: UNITS.bienHoaCommune,
    });
    const people = [{ personId: known.json().id }, ...newPeople(3), { phone: '0912345001', name: 'Chỉ Có Số' }];
    const key = { 'idempotency-key': 'pool-tube-0001' };
    const before = await count('people');
    const collectedAt = hourAgo();
    const first = await collect({ kind: 'rt-pcr-pool', people, collectedAt }, key);
    expect(first.statusCode, first.body).toBe(201);
    const body = first.json();
    expect(body.barcode).toMatch(/^\d{12}$/);
    expect(body.people).toHaveLength(5);
    expect(body.people[0]).toEqual({ personId: known.json().id });
    expect(await count('people')).toBe(before + 4);

    const again = await collect({ kind: 'rt-pcr-pool', people, collectedAt }, key);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(body);
    expect(await count('people')).toBe(before + 4);

    const view = await call('GET', `/samples/${body.id}`, collector);
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json()).toMatchObject({ id: body.id, barcode: body.barcode, kind: 'rt-pcr-pool', status: 'collected' });
    expect(view.json().result).toBeUndefined();
    expect(view.json().people.map((p: { status: string }) => p.status)).toEqual(Array(5).fill('pending'));
  });

  it('refuses a person twice, a pool above the maximum or below 2, and several people in an individual tube (400)', async () => {
    const samples = await count('samples');
    const people = await count('people');
    const twice = newPeople(2);
    expectError(
      await collect({ kind: 'rt-pcr-pool', people: [twice[0], twice[1], twice[0]] }),
      400,
      'SAMPLE_DUPLICATE_PERSON',
    );
    expectError(await collect({ kind: 'rt-pcr-pool', people: newPeople(11) }), 400, 'SAMPLE_POOL_TOO_LARGE');
    expectError(await collect({ kind: 'rt-pcr-pool', people: newPeople(1) }), 400, 'SAMPLE_POOL_TOO_SMALL');
    expectError(await collect({ kind: 'rt-pcr', people: newPeople(2) }), 400, 'SAMPLE_ONE_PERSON');
    expectError(await collect({ kind: 'antigen', people: newPeople(2) }), 400, 'SAMPLE_ONE_PERSON');
    expectError(await collect({ kind: 'rt-pcr', people: [{ nationalId: '123' }] }), 400, 'INVALID_NATIONAL_ID');
    expectError(
      await collect({
        kind: 'rt-pcr',
        people: newPeople(1),
        collectedAt: new Date(Date.now() + 3_600_000).toISOString(),
      }),
      400,
      'SAMPLE_TIME_IN_FUTURE',
    );
    expectError(
      await collect({ kind: 'rt-pcr', people: newPeople(1), barcode: '000000000001' }),
      400,
      'BARCODE_INVALID',
    );
    expect(await count('samples')).toBe(samples);
    expect(await count('people')).toBe(people);
  });

  it('refuses collection outside the collector’s area (403) and by roles that never collect (403)', async () => {
    expectError(await collect({ kind: 'rt-pcr', people: newPeople(1), unitCode: UNITS.longKhanh }), 403, 'FORBIDDEN');
    const res = await call('POST', '/samples', labStaff, {
      kind: 'rt-pcr',
      people: newPeople(1),
      collectedAt: hourAgo(),
      unitCode: UNITS.bienHoaCommune,
    });
    expectError(res, 403, 'FORBIDDEN');
  });

  it('takes a pre-printed barcode once (409 for a second tube)', async () => {
    const reserved = await call('POST', '/samples/barcodes', collector, { count: 2 });
    expect(reserved.statusCode).toBe(201);
    const [code] = reserved.json().barcodes as string[];
    expect((await collect({ kind: 'rt-pcr', people: newPeople(1), barcode: code })).json().barcode).toBe(code);
    expectError(await collect({ kind: 'rt-pcr', people: newPeople(1), barcode: code }), 409, 'BARCODE_IN_USE');
  });

  it('hides a tube from staff outside its area (404) and from unknown ids alike', async () => {
    const tube = (await collect({ kind: 'rt-pcr', people: newPeople(1) })).json();
    const outside = (await staffToken(env, 'tracer', UNITS.longKhanh)).token;
    expectError(await call('GET', `/samples/${tube.id}`, outside), 404, 'SAMPLE_NOT_FOUND');
    expectError(await call('GET', '/samples/00000000-0000-4000-8000-000000000000', tracer), 404, 'SAMPLE_NOT_FOUND');
    expect((await call('GET', `/samples/${tube.id}`, tracer)).statusCode).toBe(200);
  });
});

describe('results', () => {
  it('records a result once: the same again is 200, a different one 409 RESULT_CONFLICT with nothing changed', async () => {
    const tube = (await collect({ kind: 'rt-pcr', people: newPeople(1) })).json();
    const result = { result: 'negative', testedAt: minutesAgo(10), labId: labA };
    const first = await call('POST', `/samples/${tube.id}/result`, labStaff, result);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ id: tube.id, status: 'resulted', result: 'negative' });
    expect((await call('POST', `/samples/${tube.id}/result`, labStaff, result)).statusCode).toBe(200);
    const results = await count('sample_results');
    expectError(
      await call('POST', `/samples/${tube.id}/result`, labStaff, { ...result, result: 'positive', ct: 22 }),
      409,
      'RESULT_CONFLICT',
    );
    expect(await count('sample_results')).toBe(results);
    const view = (await call('GET', `/samples/${tube.id}`, collector)).json();
    expect(view.result).toBe('negative');
    expect(view.people[0].status).toBe('negative');
  });

  it('a positive individual RT-PCR opens an F0 case for the person, confirmed at the result time', async () => {
    const tube = (await collect({ kind: 'rt-pcr', people: newPeople(1) })).json();
    const personId = tube.people[0].personId as string;
    const testedAt = minutesAgo(5);
    const res = await call('POST', `/samples/${tube.id}/result`, labStaff, {
      result: 'positive',
      ct: 21.5,
      testedAt,
      labId: labA,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ result: 'positive', ct: 21.5 });
    await env.ctx.jobs.drain();
    const cases = await call('GET', `/cases?personId=${personId}`, tracer);
    expect(cases.statusCode, cases.body).toBe(200);
    expect(cases.json()).toHaveLength(1);
    const detail = (await call('GET', `/cases/${cases.json()[0].id}`, tracer)).json();
    expect(new Date(detail.confirmedAt).toISOString()).toBe(new Date(testedAt).toISOString());
    expect(detail.origin).toBe('test_result');
  });

  it('takes results of tubes collected long ago (paper records entered later): the case is confirmed then', async () => {
    const tube = (await collect({ kind: 'rt-pcr', people: newPeople(1), collectedAt: '2021-08-10T01:00:00Z' })).json();
    const res = await call('POST', `/samples/${tube.id}/result`, labStaff, {
      result: 'positive',
      testedAt: '2021-08-11T03:00:00+07:00',
      labId: labA,
    });
    expect(res.statusCode, res.body).toBe(200);
    await env.ctx.jobs.drain();
    const [kase] = (await call('GET', `/cases?personId=${tube.people[0].personId}`, tracer)).json();
    expect(new Date(kase.confirmedAt).toISOString()).toBe('2021-08-10T20:00:00.000Z');
  });

  it('refuses Ct on an antigen test, a time before collection or in the future, an unknown tube', async () => {
    const tube = (await collect({ kind: 'antigen', people: newPeople(1) })).json();
    const post = (body: object, id = tube.id) =>
      call('POST', `/samples/${id}/result`, labStaff, {
        result: 'negative',
        testedAt: minutesAgo(1),
        labId: labA,
        ...body,
      });
    expectError(await post({ ct: 20 }), 400, 'CT_NOT_ALLOWED');
    expectError(
      await post({ testedAt: new Date(Date.now() - 5 * 3_600_000).toISOString() }),
      400,
      'RESULT_BEFORE_COLLECTION',
    );
    expectError(await post({ testedAt: new Date(Date.now() + 3_600_000).toISOString() }), 400, 'RESULT_TIME_IN_FUTURE');
    expectError(await post({}, '00000000-0000-4000-8000-000000000000'), 404, 'SAMPLE_NOT_FOUND');
    expectError(await post({ labId: '00000000-0000-4000-8000-000000000000' }), 404, 'LAB_NOT_FOUND');
    expectError(
      await call('POST', `/samples/${tube.id}/result`, collector, {
        result: 'negative',
        testedAt: minutesAgo(1),
        labId: labA,
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('refuses a lab recording results for another lab’s tube of the account’s area (403 SAMPLE_OTHER_LAB) and lab staff of another area (404)', async () => {
    const tube = (await collect({ kind: 'rt-pcr', people: newPeople(1) })).json();
    const ship = await call('POST', '/shipments', collector, { labId: labA, barcodes: [tube.barcode] });
    expect(ship.statusCode, ship.body).toBe(201);
    expectError(
      await call('POST', `/samples/${tube.id}/result`, labStaff, {
        result: 'negative',
        testedAt: minutesAgo(1),
        labId: labB,
      }),
      403,
      'SAMPLE_OTHER_LAB',
    );
    const longKhanhLab = (await staffToken(env, 'lab', UNITS.longKhanh)).token;
    expectError(
      await call('POST', `/samples/${tube.id}/result`, longKhanhLab, {
        result: 'negative',
        testedAt: minutesAgo(1),
        labId: labA,
      }),
      404,
      'LAB_NOT_FOUND',
    );
    const view = (await call('GET', `/samples/${tube.id}`, collector)).json();
    expect(view).toMatchObject({ status: 'shipped', labId: labA });
  });

  it('corrects a result only explicitly, with a reason (audited), moving the statistics', async () => {
    const tube = (await collect({ kind: 'rt-pcr', people: newPeople(1) })).json();
    await call('POST', `/samples/${tube.id}/result`, labStaff, {
      result: 'invalid',
      testedAt: minutesAgo(3),
      labId: labA,
    });
    const corrected = await call('POST', `/samples/${tube.id}/corrections`, labStaff, {
      result: 'negative',
      testedAt: minutesAgo(2),
      labId: labA,
      reason: 'Nhập nhầm kết quả máy',
    });
    expect(corrected.statusCode, corrected.body).toBe(200);
    expect(corrected.json().result).toBe('negative');
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'samples.correct')
      .where('resource_id', '=', tube.id)
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ from: 'invalid', to: 'negative' });
    expectError(
      await call('POST', `/samples/${tube.id}/corrections`, labStaff, {
        result: 'negative',
        testedAt: minutesAgo(2),
        labId: labA,
        reason: 'lại lần nữa',
      }),
      409,
      'CORRECTION_SAME_RESULT',
    );
    const tasks = await env.ctx.db
      .selectFrom('test_tasks')
      .select('status')
      .where('source_sample_id', '=', tube.id)
      .execute();
    expect(tasks.map((t) => t.status)).toEqual(['cancelled']);
  });
});

describe('F1 test days', () => {
  it('turns the test days of an F1 under quarantine into tasks, done when a tube is collected for them', async () => {
    const f0 = (await collect({ kind: 'rt-pcr', people: newPeople(1) })).json();
    await call('POST', `/samples/${f0.id}/result`, labStaff, {
      result: 'positive',
      testedAt: minutesAgo(1),
      labId: labA,
    });
    await env.ctx.jobs.drain();
    const [kase] = (await call('GET', `/cases?personId=${f0.people[0].personId}`, tracer)).json();
    const f1 = (
      await call('POST', '/people', collector, {
        nationalId: makeNationalId(),
        name: 'Người F1',
        unitCode: UNITS.bienHoaCommune,
      })
    ).json();
    // the order as the cases module writes it for an F1 (the test stands in for its tracing)
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const order = await env.ctx.db
      .insertInto('quarantine_orders')
      .values({
        person_id: f1.id,
        case_id: kase.id,
        kind: 'home',
        starts_on: today,
        ends_on: '2100-01-01',
        unit_code: UNITS.bienHoaCommune,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await env.ctx.services.testing.campaigns.scheduleQuarantineTests()).toBeGreaterThanOrEqual(2);
    expect(await env.ctx.services.testing.campaigns.scheduleQuarantineTests()).toBe(0);
    const tasks = (await call('GET', '/testing/tasks?reason=quarantine', collector))
      .json()
      .items.filter((t: { personId: string }) => t.personId === f1.id);
    expect(tasks.map((t: { day: number }) => t.day).sort()).toEqual([1, 7]);
    await collect({ kind: 'rt-pcr', people: [{ personId: f1.id }] });
    const rows = await env.ctx.db
      .selectFrom('test_tasks')
      .select(['day', 'status'])
      .where('quarantine_order_id', '=', order.id)
      .orderBy('day')
      .execute();
    expect(rows).toEqual([
      { day: 1, status: 'done' },
      { day: 7, status: 'open' },
    ]);
  });
});

describe('CSV import', () => {
  it('imports a file making a pool and an individual positive; members show retest, get tasks and messages', async () => {
    const poolPeople = newPeople(5);
    const pool = (await collect({ kind: 'rt-pcr-pool', people: poolPeople })).json();
    const single = (
      await collect({ kind: 'rt-pcr', people: [{ phone: '0987000111', name: 'Trần Thị Dương' }] })
    ).json();
    const negative = (await collect({ kind: 'rt-pcr', people: newPeople(1) })).json();
    const at = minutesAgo(30).replace('Z', '+00:00');
    const csv =
      '\uFEFFbarcode,result,ct,tested_at\r\n' +
      `${pool.barcode},positive,24.5,${at}\r\n` +
      `${single.barcode},POSITIVE,"19,2",${at}\r\n` +
      `${negative.barcode},negative,,${at}\r\n` +
      `${barcodeOf(99_999_999_999)},negative,,${at}\r\n` +
      `${negative.barcode},maybe,,${at}\r\n` +
      `"12\n34",negative,,${at}\r\n` +
      `${negative.barcode},negative,,not-a-time\r\n` +
      `${negative.barcode},positive,,${at}\r\n` +
      'only,three,columns\r\n';
    const res = await csvImport(labA, csv);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ accepted: 3, positive: 2 });
    expect(body.rejected.map((r: { row: number; code: string }) => [r.row, r.code])).toEqual([
      [5, 'BARCODE_UNKNOWN'],
      [6, 'RESULT_VALUE_INVALID'],
      [7, 'BARCODE_INVALID'],
      [9, 'RESULT_TIME_INVALID'],
      [10, 'RESULT_CONFLICT'],
      [11, 'CSV_COLUMNS'],
    ]);
    expect(body.rejected[0].message.length).toBeGreaterThan(0);

    const poolView = (await call('GET', `/samples/${pool.id}`, collector)).json();
    expect(poolView).toMatchObject({ result: 'positive', status: 'resulted' });
    expect(poolView.people.map((p: { status: string }) => p.status)).toEqual(Array(5).fill('retest'));
    const tasks = await call('GET', '/testing/tasks?reason=pool_positive', collector);
    expect(tasks.statusCode).toBe(200);
    const poolIds = new Set(poolView.people.map((p: { personId: string }) => p.personId));
    expect(tasks.json().items.filter((t: { personId: string }) => poolIds.has(t.personId))).toHaveLength(5);

    await env.ctx.jobs.drain();
    const personId = single.people[0].personId;
    const cases = (await call('GET', `/cases?personId=${personId}`, tracer)).json();
    expect(cases).toHaveLength(1);
    const sms = await env.ctx.notifier.fakeOutbox({ to: '+84987000111', limit: 10 });
    expect(sms.some((m) => m.text.includes('DUONG TINH'))).toBe(true);

    // re-importing the same file changes nothing
    const again = (await csvImport(labA, csv)).json();
    expect(again).toMatchObject({ accepted: 3, unchanged: 3, positive: 0 });
  });

  it('accepts LF files without BOM and refuses wrong encodings, headers and empty files as a whole (400)', async () => {
    const tube = (await collect({ kind: 'antigen', people: newPeople(1) })).json();
    const ok = await csvImport(labA, `barcode,result,ct,tested_at\n${tube.barcode},negative,,${minutesAgo(1)}\n`);
    expect(ok.json()).toMatchObject({ accepted: 1, rejected: [] });
    const latin1 = Buffer.from(
      `barcode,result,ct,tested_at\n${tube.barcode},negative,,${minutesAgo(1)}\nkhông,é\n`,
      'latin1',
    );
    expectError(await csvImport(labA, latin1), 400, 'CSV_ENCODING_INVALID');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('barcode,result,ct,tested_at\n', 'utf16le')]);
    expectError(await csvImport(labA, utf16), 400, 'CSV_ENCODING_INVALID');
    expectError(await csvImport(labA, 'ma,ket_qua\n1,2\n'), 400, 'CSV_HEADER_INVALID');
    expectError(await csvImport(labA, 'barcode,result,ct,tested_at\r\n'), 400, 'CSV_EMPTY');
  });

  it('takes text/csv with a charset parameter', async () => {
    const tube = (await collect({ kind: 'antigen', people: newPeople(1) })).json();
    const res = await csvImport(
      labA,
      `barcode,result,ct,tested_at\n${tube.barcode},negative,,${minutesAgo(1)}\n`,
      labStaff,
      {
        'content-type': 'text/csv; charset=utf-8',
      },
    );
    expect(res.json()).toMatchObject({ accepted: 1, rejected: [] });
  });

  it('refuses an upload above the limit (413) before reading it, and a JSON body (415)', async () => {
    const res = await env.app.inject({
      method: 'POST',
      url: `/api/v1/labs/${labA}/results:import`,
      headers: { ...bearer(labStaff), 'content-type': 'text/csv', 'content-length': String(100 * 1024 * 1024) },
      payload: 'barcode,result,ct,tested_at\n',
    });
    expect([413]).toContain(res.statusCode);
    expectError(
      await env.app.inject({
        method: 'POST',
        url: `/api/v1/labs/${labA}/results:import`,
        headers: bearer(labStaff),
        payload: { barcode: 'x' },
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it("refuses another lab's tubes row by row (as unknown barcodes), and a lab out of the caller's reach as a whole", async () => {
    const tube = (await collect({ kind: 'rt-pcr', people: newPeople(1) })).json();
    await call('POST', '/shipments', collector, { labId: labA, barcodes: [tube.barcode] });
    const res = await csvImport(labB, `barcode,result,ct,tested_at\n${tube.barcode},negative,,${minutesAgo(1)}\n`);
    expect(res.json()).toMatchObject({
      accepted: 0,
      rejected: [{ row: 2, code: 'BARCODE_UNKNOWN' }],
      rejectedCount: 1,
    });
    const bienHoaLab = (await staffToken(env, 'lab', UNITS.bienHoa)).token;
    expectError(await csvImport(labB, 'barcode,result,ct,tested_at\n', bienHoaLab), 404, 'LAB_NOT_FOUND');
    expectError(await csvImport(labB, 'barcode,result,ct,tested_at\n', collector), 403, 'FORBIDDEN');
  });
});

describe('lab systems (API keys)', () => {
  it('records results with the lab’s key, only for that lab', async () => {
    const created = await call('POST', `/labs/${labA}/keys`, admin, { label: 'LIS CDC' });
    expect(created.statusCode, created.body).toBe(201);
    const key = created.json().key as string;
    const tube = (await collect({ kind: 'rt-pcr', people: newPeople(1) })).json();
    const post = (labId: string, k = key) =>
      env.app.inject({
        method: 'POST',
        url: `/api/v1/samples/${tube.id}/result`,
        headers: { 'x-api-key': k },
        payload: { result: 'negative', testedAt: minutesAgo(1), labId },
      });
    expectError(await post(labB), 403, 'LAB_KEY_OTHER_LAB');
    expect((await post(labA)).statusCode).toBe(200);
    expect((await post(labA)).statusCode).toBe(200);
    expectError(await post(labA, 'tvlab_wrong'), 401, 'LAB_KEY_INVALID');
    // a key does not open other routes
    const other = await env.app.inject({ method: 'GET', url: '/api/v1/labs', headers: { 'x-api-key': key } });
    expectError(other, 401, 'UNAUTHENTICATED');
    await call('DELETE', `/labs/${labA}/keys/${created.json().id}`, admin);
    expectError(await post(labA), 401, 'LAB_KEY_INVALID');
  });
});

describe('intake', () => {
  it('receives a shipped tube, or rejects it with a reason: its people get a task and a message', async () => {
    const a = (await collect({ kind: 'rt-pcr', people: newPeople(1) })).json();
    const b = (await collect({ kind: 'rt-pcr-pool', people: [{ phone: '0987000222' }, ...newPeople(1)] })).json();
    await call('POST', '/shipments', collector, { labId: labA, barcodes: [a.barcode, b.barcode] });
    const queue = (await call('GET', `/labs/${labA}/queue`, labStaff)).json();
    expect(queue.inTransit.map((t: { barcode: string }) => t.barcode)).toEqual(
      expect.arrayContaining([a.barcode, b.barcode]),
    );
    const accepted = await call('POST', `/labs/${labA}/intake`, labStaff, { barcode: a.barcode, decision: 'accept' });
    expect(accepted.json()).toMatchObject({ status: 'received' });
    const rejected = await call('POST', `/labs/${labA}/intake`, labStaff, {
      barcode: b.barcode,
      decision: 'reject',
      reason: 'leaked',
    });
    expect(rejected.json()).toMatchObject({ status: 'rejected', rejectedReason: 'leaked' });
    expect(rejected.json().people.map((p: { status: string }) => p.status)).toEqual(['rejected', 'rejected']);
    expectError(
      await call('POST', `/samples/${b.id}/result`, labStaff, {
        result: 'negative',
        testedAt: minutesAgo(1),
        labId: labA,
      }),
      409,
      'SAMPLE_REJECTED',
    );
    await env.ctx.jobs.drain();
    const sms = await env.ctx.notifier.fakeOutbox({ to: '+84987000222', limit: 5 });
    expect(sms.some((m) => m.text.includes('lay mau lai'))).toBe(true);
  });
});

describe('citizens', () => {
  it('see their own results and their dependants’, with time and lab', async () => {
    const phone = '0911222333';
    const citizen = await citizenToken(env, phone);
    const tube = (await collect({ kind: 'rt-pcr', people: [{ personId: citizen.personId }] })).json();
    await call('POST', `/samples/${tube.id}/result`, labStaff, {
      result: 'negative',
      testedAt: minutesAgo(1),
      labId: labA,
    });
    const mine = await call('GET', '/me/tests', citizen.token);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().items[0]).toMatchObject({
      sampleId: tube.id,
      kind: 'rt-pcr',
      result: 'negative',
      labName: 'CDC Đồng Nai',
      personId: citizen.personId,
    });
    expect(mine.json().items[0].testedAt).toEqual(expect.any(String));
    expectError(await call('GET', '/me/tests', collector), 403, 'FORBIDDEN');
    expectError(await call('GET', '/samples', citizen.token), 403, 'FORBIDDEN');
  });
});

describe('campaigns and statistics', () => {
  it('plans a campaign with targets per commune, shows live coverage and pool advice', async () => {
    const created = await call('POST', '/campaigns', collector, {
      name: 'Xét nghiệm toàn dân vòng 1',
      unitCode: UNITS.bienHoaCommune,
      startsOn: '2021-08-01',
      endsOn: '2021-08-03',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const point = await call('POST', `/campaigns/${id}/points`, collector, {
      name: 'Nhà văn hóa khu phố 1',
      unitCode: UNITS.bienHoaCommune,
      team: 'Tổ 3',
    });
    expect(point.statusCode).toBe(201);
    await collect({ kind: 'rt-pcr-pool', people: newPeople(4), campaignId: id, pointId: point.json().id });
    const view = (await call('GET', `/campaigns/${id}`, collector)).json();
    expect(view.communes).toHaveLength(1);
    expect(view.communes[0]).toMatchObject({ unitCode: UNITS.bienHoaCommune, tested: 4 });
    expect(view.points[0]).toMatchObject({ tubes: 1 });
    expect(view.communes[0].advisedPoolSize).toBeGreaterThanOrEqual(1);
    expect(
      (await call('PUT', `/campaigns/${id}/targets/${UNITS.bienHoaCommune}`, collector, { target: 8 })).statusCode,
    ).toBe(204);
    const after = (await call('GET', `/campaigns/${id}`, collector)).json();
    expect(after.communes[0]).toMatchObject({ target: 8, adjusted: true, coverage: 50 });
    expectError(
      await call('POST', '/campaigns', collector, {
        name: 'x',
        unitCode: UNITS.longKhanh,
        startsOn: '2021-08-01',
        endsOn: '2021-08-02',
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('counts tubes and people per day and commune, exports CSV, and advises pool sizes per commune', async () => {
    const stats = await call('GET', '/testing/stats', collector);
    expect(stats.statusCode, stats.body).toBe(200);
    const s = stats.json();
    expect(s.totals.tubes).toBeGreaterThan(0);
    expect(s.totals.pooledTubes).toBeGreaterThan(0);
    expect(s.turnaround.resulted).toBeGreaterThan(0);
    expect(s.backlog.some((b: { labId: string }) => b.labId === labA)).toBe(true);
    const csv = await call('GET', '/testing/stats?format=csv', collector);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('day,unit_code,unit_name,kind,tubes');
    const communes = (await call('GET', '/testing/stats/communes', collector)).json();
    expect(communes.items[0]).toMatchObject({ unitCode: UNITS.bienHoaCommune });
    expect(communes.items[0].positivity).toBeGreaterThan(0);
    const leader = (await staffToken(env, 'leader', UNITS.province)).token;
    expect((await call('GET', '/testing/stats', leader)).statusCode).toBe(200);
    const outside = (await staffToken(env, 'leader', UNITS.longKhanh)).token;
    expect((await call('GET', '/testing/stats', outside)).json().totals.tubes).toBe(0);
    expectError(await call('GET', `/testing/stats?unitCode=${UNITS.bienHoa}`, outside), 404, 'UNIT_NOT_FOUND');
  });

  it('lets admins change the pool maximum (others 403)', async () => {
    expectError(
      await call('PUT', '/testing/settings', collector, { poolMax: 5, antigenOpensCase: false, f1TestDays: [1, 7] }),
      403,
      'FORBIDDEN',
    );
    const res = await call('PUT', '/testing/settings', admin, {
      poolMax: 5,
      antigenOpensCase: false,
      f1TestDays: [7, 1],
    });
    expect(res.json()).toEqual({ poolMax: 5, antigenOpensCase: false, f1TestDays: [1, 7] });
    expectError(await collect({ kind: 'rt-pcr-pool', people: newPeople(6) }), 400, 'SAMPLE_POOL_TOO_LARGE');
    await call('PUT', '/testing/settings', admin, { poolMax: 10, antigenOpensCase: false, f1TestDays: [1, 7] });
  });
});
