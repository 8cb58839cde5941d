/**
 * Issue 11, items 9–12 for tracers: the case page's numbers explained (the rule's values, what the window starts
 * and ends with, units with commune and district, how many a venue alert had told already), long lists paged on the
 * server (keyset cursors) and searched there, the chain graph's F2, and the F1/F2 list exported (CSV, printable)
 * and audited with the people in it.
 */
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

let env: TestEnv;
let registrar: string;
let tracer: string;
let provinceTracer: string;
let door: string;
let phoneSerial = 0;
const MIN = 60_000;
const HOUR = 3600_000;
const LONG_KHANH_COMMUNE = '26077';

interface Person {
  id: string;
  name: string;
  phone: string;
}

const newPhone = () => `0914${String(process.pid % 100).padStart(2, '0')}${String(++phoneSerial).padStart(4, '0')}`;

async function register(name: string, unitCode: string = UNITS.bienHoaCommune): Promise<Person> {
  const phone = newPhone();
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/people',
    headers: bearer(registrar),
    payload: { nationalId: makeNationalId(), phone, name, unitCode },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, name, phone: `+84${phone.slice(1)}` };
}

async function openCase(personId: string, confirmedAt = new Date()): Promise<{ id: string; displayCode: string }> {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/cases',
    headers: bearer(tracer),
    payload: { person: { personId }, confirmedAt: confirmedAt.toISOString() },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const get = (url: string, token = tracer) => env.app.inject({ method: 'GET', url, headers: bearer(token) });

/** Every page of a paged list, following `x-next-cursor`; also the page sizes. */
async function allPages<T>(url: string, token = tracer): Promise<{ rows: T[]; sizes: number[] }> {
  const rows: T[] = [];
  const sizes: number[] = [];
  let next: string | undefined;
  for (let i = 0; i < 50; i++) {
    const res = await get(next ? `${url}&after=${next}` : url, token);
    expect(res.statusCode, res.body).toBe(200);
    rows.push(...res.json());
    sizes.push(res.json().length);
    next = res.headers['x-next-cursor'] as string | undefined;
    if (!next) return { rows, sizes };
  }
  throw new Error('no last page');
}

/** A citizen with a completed profile in the Biên Hòa commune (for personal-QR check-ins). */
async function resident(name: string): Promise<Person & { token: string }> {
  const phone = newPhone();
  const c = await citizenToken(env, phone);
  const res = await env.app.inject({
    method: 'PUT',
    url: '/api/v1/me/profile',
    headers: bearer(c.token),
    payload: { name, unitCode: UNITS.bienHoaCommune },
  });
  expect(res.statusCode, res.body).toBe(200);
  return { id: c.personId, name, phone: `+84${phone.slice(1)}`, token: c.token };
}

async function newVenue(name: string): Promise<string> {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    headers: bearer(door),
    payload: { name, category: 'restaurant_cafe', unitCode: UNITS.bienHoaCommune, address: '9 Phan Trung' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** The door scanned the person's personal QR at `at` (strong evidence). */
async function scanned(person: { token: string }, venueId: string, at: Date) {
  const qr = (await get('/api/v1/me/qr', person.token)).json().qr;
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/checkins/batch',
    headers: bearer(door),
    payload: { items: [{ idempotencyKey: `k-${randomUUID()}`, venueId, personQr: qr, at: at.toISOString() }] },
  });
  expect(res.json().results[0].status, res.body).toBe(201);
}

/** A check-in typed in before proof was required (weak: "to confirm"). */
async function typedUnverified(personId: string, venueId: string, at: Date) {
  await env.ctx.db
    .insertInto('checkins')
    .values({
      venue_id: venueId,
      person_id: personId,
      checked_in_at: at,
      implied_out_at: new Date(at.getTime() + HOUR),
      method: 'staff_manual',
      actor_type: 'citizen',
      actor_id: randomUUID(),
      unit_code: UNITS.bienHoaCommune,
      evidence: 'typed_unverified',
    })
    .execute();
}

async function lastAudit(action: string) {
  return env.ctx.db
    .selectFrom('audit_log')
    .select(['details', 'resource_id'])
    .where('action', '=', action)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  registrar = (await staffToken(env, 'health_worker', UNITS.province)).token;
  tracer = (await staffToken(env, 'tracer', UNITS.bienHoa)).token;
  provinceTracer = (await staffToken(env, 'tracer', UNITS.province)).token;
  door = (await staffToken(env, 'venue_manager', UNITS.bienHoa)).token;
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('the case list, a page at a time', () => {
  it('pages newest first with X-Next-Cursor and after=, every case once; without limit it answers as before', async () => {
    const now = Date.now();
    const opened: string[] = [];
    for (let i = 0; i < 7; i++) {
      const p = await register(`Ca phân trang ${i}`);
      opened.push((await openCase(p.id, new Date(now - (i + 1) * 10 * MIN))).id);
    }
    const { rows, sizes } = await allPages<{ id: string; confirmedAt: string }>('/api/v1/cases?q=phân trang&limit=3');
    expect(sizes).toEqual([3, 3, 1]);
    expect(rows.map((r) => r.id)).toEqual(opened);
    // without limit: the default page (100), no cursor when everything fits
    const all = await get('/api/v1/cases?q=phân trang');
    expect(all.statusCode).toBe(200);
    expect(all.headers['x-next-cursor']).toBeUndefined();
    expect(all.json().map((r: { id: string }) => r.id)).toEqual(opened);
    // the audit names the people of each page, not more
    const page = await get('/api/v1/cases?q=phân trang&limit=2');
    const audit = await lastAudit('cases.list');
    expect((audit.details as { personIds: string[] }).personIds).toHaveLength(2);
    expect(page.json()).toHaveLength(2);
  });

  it('shows each case with its commune and district, without the province', async () => {
    const p = await register('Nguyễn Thị Đơn Vị');
    const { id } = await openCase(p.id);
    const list = (await get('/api/v1/cases?q=Đơn Vị')).json();
    expect(list[0]).toMatchObject({
      id,
      unitName: 'Phường Trảng Dài',
      unitFullName: 'Phường Trảng Dài, Thành phố Biên Hòa',
    });
    expect((await get(`/api/v1/cases/${id}`)).json().unitFullName).toBe('Phường Trảng Dài, Thành phố Biên Hòa');
  });

  it('refuses a cursor it did not make: 400 INVALID_CURSOR', async () => {
    for (const after of [
      'abcdefgh12',
      Buffer.from('[1,2,3]').toString('base64url'),
      Buffer.from('"x"').toString('base64url'),
    ]) {
      const res = await get(`/api/v1/cases?after=${after}`);
      expect(res.statusCode, after).toBe(400);
      expect(res.json().error.code).toBe('INVALID_CURSOR');
    }
  });
});

describe("a case's contacts, a page at a time, searched on the server", () => {
  let f0: Person;
  let caseId: string;
  const contacts: Person[] = [];
  let outsider: Person;

  beforeAll(async () => {
    f0 = await register('Trần Văn Nguồn');
    caseId = (await openCase(f0.id)).id;
    const now = Date.now();
    for (let i = 0; i < 7; i++) {
      const p = await register(`Lê Thị Tiếp Xúc ${i}`);
      contacts.push(p);
      const res = await env.app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseId}/contacts`,
        headers: bearer(tracer),
        // the older the interview contact, the earlier it is listed (same strength: by time)
        payload: { person: { personId: p.id }, lastContactAt: new Date(now - (10 - i) * HOUR).toISOString() },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    outsider = await register('Phạm Văn Ngoài Vùng', LONG_KHANH_COMMUNE);
    const res = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/contacts`,
      headers: bearer(tracer),
      payload: { person: { nationalId: await nationalIdOf(outsider.id) } },
    });
    expect(res.statusCode, res.body).toBe(201);
  });

  async function nationalIdOf(personId: string): Promise<string> {
    const row = await env.ctx.db
      .selectFrom('people')
      .select('national_id')
      .where('id', '=', personId)
      .executeTakeFirstOrThrow();
    return row.national_id as string;
  }

  it('pages in the order of the whole list, each person once, and the last page has no cursor', async () => {
    const whole = await get(`/api/v1/cases/${caseId}/contacts`);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['x-next-cursor']).toBeUndefined();
    const ids = whole.json().map((c: { personId: string }) => c.personId);
    // same strength (interviews): the one without a time first, then by the time of the contact
    expect(ids).toEqual([outsider.id, ...contacts.map((c) => c.id)]);
    const { rows, sizes } = await allPages<{ personId: string }>(`/api/v1/cases/${caseId}/contacts?limit=3`);
    expect(sizes).toEqual([3, 3, 2]);
    expect(rows.map((r) => r.personId)).toEqual(ids);
    // filters keep working with pages
    const f1 = await allPages<{ degree: number }>(`/api/v1/cases/${caseId}/contacts?degree=1&via=manual&limit=5`);
    expect(f1.rows).toHaveLength(8);
  });

  it('audits each page with the people it returned', async () => {
    const page = await get(`/api/v1/cases/${caseId}/contacts?limit=2`);
    const audit = await lastAudit('cases.contacts');
    expect(audit.resource_id).toBe(caseId);
    expect((audit.details as { personIds: string[] }).personIds).toEqual(
      page.json().map((c: { personId: string }) => c.personId),
    );
  });

  it('searches names without accents and phones, only among the contacts the reader may identify', async () => {
    const byName = (await get(`/api/v1/cases/${caseId}/contacts?q=${encodeURIComponent('tiep xuc 3')}`)).json();
    expect(byName.map((c: { personId: string }) => c.personId)).toEqual([contacts[3]?.id]);
    expect(byName[0].unitFullName).toBe('Phường Trảng Dài, Thành phố Biên Hòa');
    const byPhone = (await get(`/api/v1/cases/${caseId}/contacts?q=0${contacts[5]?.phone.slice(3)}`)).json();
    expect(byPhone.map((c: { personId: string }) => c.personId)).toEqual([contacts[5]?.id]);
    // the Biên Hòa tracer sees the outsider as "someone in Long Khánh": their name finds nobody
    const hidden = (await get(`/api/v1/cases/${caseId}/contacts?q=${encodeURIComponent('Ngoài Vùng')}`)).json();
    expect(hidden).toEqual([]);
    const byPhoneHidden = (await get(`/api/v1/cases/${caseId}/contacts?q=0${outsider.phone.slice(3)}`)).json();
    expect(byPhoneHidden).toEqual([]);
    // a province tracer identifies them, so finds them
    const province = (
      await get(`/api/v1/cases/${caseId}/contacts?q=${encodeURIComponent('ngoai vung')}`, provinceTracer)
    ).json();
    expect(province).toEqual([
      expect.objectContaining({
        personId: outsider.id,
        name: outsider.name,
        unitFullName: 'Phường Xuân Bình, Thành phố Long Khánh',
      }),
    ]);
  });

  it('exports the F1/F2 list as CSV: every contact as the reader may see them, formula cells neutralised, audited', async () => {
    const res = await get(`/api/v1/cases/${caseId}/contacts/export?format=csv`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="BN75-\d{6}-F1-F2\.csv"$/);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(
      'degree,person_id,name,phone,unit_code,unit,out_of_scope_district,via,venue,overlap_start,overlap_end,' +
        'overlap_minutes,through,evidence_count,confirmation,follow_up,quarantine_kind,quarantine_starts_on,' +
        'quarantine_ends_on,quarantine_status',
    );
    expect(lines).toHaveLength(9);
    const first = contacts[0] as Person;
    const row = lines.find((l) => l.includes(first.id)) as string;
    // a phone starts with "+": a spreadsheet would take it for a formula
    expect(row).toContain(`,'${first.phone},`);
    expect(row).toContain('"Phường Trảng Dài, Thành phố Biên Hòa"');
    expect(row).toMatch(/,manual,,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00,/);
    // the outsider: no identity, their district only
    const out = lines.find((l) => l.includes(outsider.id)) as string;
    expect(out).not.toContain(outsider.name);
    expect(out).toContain('Thành phố Long Khánh');
    const audit = await lastAudit('cases.exportContacts');
    expect(audit.resource_id).toBe(caseId);
    expect(audit.details).toMatchObject({ format: 'csv', results: 8 });
    expect(new Set((audit.details as { personIds: string[] }).personIds)).toEqual(
      new Set([...contacts.map((c) => c.id), outsider.id]),
    );
  });

  it('gives the printable page the same list as JSON (one degree when asked), audited as an export', async () => {
    const res = await get(`/api/v1/cases/${caseId}/contacts/export?format=json&degree=2`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ displayCode: expect.stringMatching(/^BN75-/), contacts: [] });
    const all = (await get(`/api/v1/cases/${caseId}/contacts/export?format=json`)).json();
    expect(all.contacts).toHaveLength(8);
    expect((await lastAudit('cases.exportContacts')).details).toMatchObject({ format: 'json', degree: null });
  });

  it('refuses the export: 401 anonymous, 403 a role that never traces, 404 another district, 400 a bad format', async () => {
    const url = `/api/v1/cases/${caseId}/contacts/export?format=csv`;
    expect((await env.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    const doorRes = await get(url, door);
    expect(doorRes.statusCode).toBe(403);
    const other = (await staffToken(env, 'tracer', UNITS.longKhanh)).token;
    const otherRes = await get(url, other);
    expect(otherRes.statusCode).toBe(404);
    expect(otherRes.json().error.code).toBe('CASE_NOT_FOUND');
    const bad = await get(`/api/v1/cases/${caseId}/contacts/export?format=xlsx`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('the case page explains its numbers', () => {
  let venueId: string;
  let f0: Person & { token: string };
  let f1: Person & { token: string };
  let f2: Person & { token: string };
  let weak: Person;
  let caseId: string;
  let displayCode: string;
  const now = Date.now();

  beforeAll(async () => {
    venueId = await newVenue('Quán Giải Thích');
    f0 = await resident('Người Bệnh Giải Thích');
    f1 = await resident('Người F1 Giải Thích');
    f2 = await resident('Người F2 Giải Thích');
    weak = await register('Người Nhập Tay');
    // F0 and F1 together 40 minutes; F1 meets F2 two hours later; someone typed in (weak) during the F0's stay
    await scanned(f0, venueId, new Date(now - 5 * HOUR));
    await scanned(f1, venueId, new Date(now - 5 * HOUR + 20 * MIN));
    await scanned(f1, venueId, new Date(now - 2 * HOUR));
    await scanned(f2, venueId, new Date(now - 2 * HOUR + 10 * MIN));
    await typedUnverified(weak.id, venueId, new Date(now - 5 * HOUR + 5 * MIN));
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: bearer(tracer),
      payload: {
        person: { personId: f0.id },
        confirmedAt: new Date(now - HOUR).toISOString(),
        onsetAt: new Date(now - 26 * HOUR).toISOString(),
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    ({ id: caseId, displayCode } = res.json());
  });

  it('carries the values of its tracing rule and what its window starts and ends with', async () => {
    const c = (await get(`/api/v1/cases/${caseId}`)).json();
    expect(c.rule).toEqual({
      version: 1,
      lookbackDays: 2,
      minOverlapMinutes: 15,
      includeF2: true,
      f1QuarantineDays: expect.any(Number),
      f1QuarantineKind: 'home',
    });
    expect(c).toMatchObject({ exposureFromBasis: 'onset', exposureToBasis: 'confirmation' });
    expect(c.exposureTo).toBe(new Date(now - HOUR).toISOString());
  });

  it('a venue alert says how many the case had told already and how many are to confirm', async () => {
    const body = {
      caseId,
      from: new Date(now - 5 * HOUR - 10 * MIN).toISOString(),
      to: new Date(now - 3 * HOUR).toISOString(),
    };
    const preview = await env.app.inject({
      method: 'POST',
      url: `/api/v1/venues/${venueId}/alert/preview`,
      headers: bearer(tracer),
      payload: body,
    });
    expect(preview.statusCode, preview.body).toBe(200);
    // F1 (told by tracing) and the typed-in person (to confirm already, since tracing found them pending)
    expect(preview.json()).toEqual({ people: 2, notified: 0, alreadyNotified: 1, toConfirm: 1 });
    const sent = await env.app.inject({
      method: 'POST',
      url: `/api/v1/venues/${venueId}/alert`,
      headers: bearer(tracer),
      payload: body,
    });
    expect(sent.json()).toEqual({ people: 2, notified: 0, alreadyNotified: 1, toConfirm: 1 });
    expect((await lastAudit('cases.venueAlert')).details).toMatchObject({
      people: 2,
      notified: 0,
      alreadyNotified: 1,
      toConfirm: 1,
    });
  });

  it('the case list counts what the case page counts, after tracing, a venue alert and a dismissal', async () => {
    const listed = async () =>
      ((await get(`/api/v1/cases?q=${displayCode}`)).json() as Array<{ f1: number; f2: number }>)[0];
    const view = async () => (await get(`/api/v1/cases/${caseId}`)).json() as { f1: number; f2: number };
    // F1 and the typed-in person (to confirm: counted until dismissed), F2 through F1
    expect(await listed()).toMatchObject({ f1: 2, f2: 1 });
    expect(await view()).toMatchObject({ f1: 2, f2: 1 });
    const dismissed = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/contacts/${weak.id}/dismiss`,
      headers: bearer(tracer),
    });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    expect(await listed()).toMatchObject({ f1: 1, f2: 1 });
    expect(await view()).toMatchObject({ f1: 1, f2: 1 });
    // confirming it after all counts it again
    const confirmed = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/contacts/${weak.id}/confirm`,
      headers: bearer(tracer),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(await listed()).toMatchObject({ f1: 2, f2: 1 });
  });

  it('names the F1 an F2 met, when the reader may see who it is', async () => {
    const second = (await get(`/api/v1/cases/${caseId}/contacts?degree=2`)).json();
    expect(second).toEqual([
      expect.objectContaining({
        personId: f2.id,
        via: expect.objectContaining({ throughPersonId: f1.id, throughName: f1.name }),
      }),
    ]);
  });

  it('the chain graph draws F2 hanging on their F1, contacts labelled by whose they are', async () => {
    const graph = (await get('/api/v1/cases/graph')).json() as {
      nodes: Array<{ id: string; kind: string; label: string; degree?: number }>;
      edges: Array<{ source: string; target: string; kind: string }>;
    };
    expect(graph.nodes).toContainEqual(
      expect.objectContaining({ id: `p:${f1.id}`, kind: 'contact', degree: 1, label: `F1 · ${displayCode}` }),
    );
    expect(graph.nodes).toContainEqual(
      expect.objectContaining({ id: `p:${f2.id}`, kind: 'contact', degree: 2, label: `F2 · ${displayCode}` }),
    );
    expect(graph.edges).toContainEqual({ source: caseId, target: `p:${f1.id}`, kind: 'f1' });
    expect(graph.edges).toContainEqual({ source: `p:${f1.id}`, target: `p:${f2.id}`, kind: 'f2' });
    // a contact's label never says who they are
    expect(JSON.stringify(graph)).not.toContain(f1.name);
  });
});

describe('the venue list, a page at a time', () => {
  it('pages venues in name order with X-Next-Cursor, searched by name on the server', async () => {
    for (const n of [3, 1, 5, 2, 4]) await newVenue(`Quán Phân Trang ${n}`);
    const { rows, sizes } = await allPages<{ name: string }>(
      `/api/v1/venues?q=${encodeURIComponent('Phân Trang')}&limit=2`,
      door,
    );
    expect(sizes).toEqual([2, 2, 1]);
    expect(rows.map((r) => r.name)).toEqual([1, 2, 3, 4, 5].map((n) => `Quán Phân Trang ${n}`));
    const all = await get(`/api/v1/venues?q=${encodeURIComponent('Phân Trang')}`, door);
    expect(all.headers['x-next-cursor']).toBeUndefined();
    expect(all.json()).toHaveLength(5);
  });
});

describe('the dev outbox, a page at a time', () => {
  it('pages the newest messages first with X-Next-Cursor', async () => {
    for (let i = 0; i < 5; i++)
      await env.ctx.notifier.enqueue(env.ctx.db, { channel: 'sms', to: '+84914999000', text: `Tin ${i}` });
    await env.ctx.jobs.drain();
    const admin = (await staffToken(env, 'admin', null)).token;
    const { rows, sizes } = await allPages<{ id: number; text: string }>(
      '/api/v1/dev/outbox?to=%2B84914999000&limit=2',
      admin,
    );
    expect(sizes).toEqual([2, 2, 1]);
    // newest recorded first (the worker delivers them in any order), each once
    expect(rows.map((r) => r.id)).toEqual(rows.map((r) => r.id).sort((a, b) => b - a));
    expect(rows.map((r) => r.text).sort()).toEqual(['Tin 0', 'Tin 1', 'Tin 2', 'Tin 3', 'Tin 4']);
  });
});
