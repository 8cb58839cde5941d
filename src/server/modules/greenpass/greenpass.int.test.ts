/**
 * Green pass through the real HTTP API on a fresh database: a negative test becomes a signed HCERT that decodes,
 * verifies against the public trust list and validates against the DCC 1.3.0 schema; dependants and strangers;
 * a recovered case; the verify endpoint's answers to garbage (200, valid: false, never 4xx/500) and to bad bodies
 * (400); revocation (the pass turns red, the hash is on the list, nothing re-issued); rules published without a
 * release; statistics with CSV; the signer key's rotation with overlap. And what the security review found: a pass
 * whose record is gone (a negative test corrected to positive, every dose voided) is withdrawn; an officer's
 * revocation survives a rename; rules and the key are national; a malformed rule never breaks verification; fetching
 * passes is rate-limited per account.
 */

import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  citizenToken,
  createTestEnv,
  expectError,
  staffToken,
  type TestEnv,
  UNITS,
} from '../../../../test/harness.ts';
import { readPdf } from '../../../../test/pdf-reader.ts';
import { parseCertificate } from '../../../greenpass/der.ts';
import { decodeHcert, fromBase64, TrustStore, uvciHash, verifyHcert } from '../../../greenpass/hcert.ts';
import { nodeCrypto } from '../../../greenpass/node-crypto.ts';
import { dccSchemaErrors } from './dcc-schema.ts';
import { PASS_QR_ECL, PASS_QR_SIDE_MM } from './pass-pdf.ts';
import { decodeQrPng } from './picture.ts';
import { PASSES_PER_MINUTE } from './routes.ts';

let env: TestEnv;
let admin: string;
let collector: string;
let labStaff: string;
let leader: string;
let labId = '';
let citizen: { token: string; personId: string };

async function call(method: 'GET' | 'POST' | 'PUT', url: string, token: string | null, payload?: unknown) {
  return env.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: token ? bearer(token) : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function negativeTest(personId: string, hoursAgo = 2, kind = 'rt-pcr') {
  const collectedAt = new Date(Date.now() - hoursAgo * 3600_000).toISOString();
  const tube = await call('POST', '/samples', collector, {
    kind,
    people: [{ personId }],
    collectedAt,
    unitCode: UNITS.bienHoaCommune,
  });
  expect(tube.statusCode, tube.body).toBe(201);
  const res = await call('POST', `/samples/${tube.json().id}/result`, labStaff, {
    result: 'negative',
    testedAt: new Date(Date.now() - 60_000).toISOString(),
    labId,
  });
  expect(res.statusCode, res.body).toBe(200);
  return tube.json().id as string;
}

/** A citizen with a name and birth year, signed in. */
async function person(phone: string, name: string, birthYear: number) {
  const p = await citizenToken(env, phone);
  const res = await call('PUT', '/me/profile', p.token, { name, birthYear, unitCode: UNITS.bienHoaCommune });
  expect(res.statusCode, res.body).toBe(200);
  return p;
}

async function certificatesOf(personId: string) {
  return env.ctx.db
    .selectFrom('gp_certificates')
    .select(['id', 'uvci', 'type', 'source_key', 'revoked_at', 'revoke_reason'])
    .where('person_id', '=', personId)
    .orderBy('issued_at')
    .execute();
}

async function revokeAudits(certificateId: string) {
  return env.ctx.db
    .selectFrom('audit_log')
    .select(['actor_type', 'details'])
    .where('action', '=', 'greenpass.revoke')
    .where('resource_id', '=', certificateId)
    .execute();
}

async function trust() {
  const list = (await call('GET', '/green-pass/trust-list', null)).json() as {
    certificates: Array<{ kid: string; certificate: string }>;
  };
  return new TrustStore(
    list.certificates.map((c) => ({
      kid: fromBase64(c.kid),
      certificate: parseCertificate(fromBase64(c.certificate)),
    })),
  );
}

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'], config: { sessionCacheSeconds: 0 } });
  admin = (await staffToken(env, 'admin', null)).token;
  collector = (await staffToken(env, 'health_worker', UNITS.bienHoa)).token;
  labStaff = (await staffToken(env, 'lab', UNITS.province)).token;
  leader = (await staffToken(env, 'leader', UNITS.province)).token;
  labId = (await call('POST', '/labs', admin, { name: 'CDC Đồng Nai', unitCode: UNITS.bienHoa })).json().id;
  citizen = await citizenToken(env, '0912000171');
  const profile = await call('PUT', '/me/profile', citizen.token, {
    name: 'Nguyễn Văn Phát',
    birthYear: 1990,
    unitCode: UNITS.bienHoaCommune,
  });
  expect(profile.statusCode, profile.body).toBe(200);
}, 180_000);

afterAll(async () => {
  await env?.close();
}, 60_000);

describe('keys and trust', () => {
  it('publishes the signer certificate: kid = first 8 bytes of SHA-256 of its DER, ES256 P-256, DCC key usages', async () => {
    const res = await call('GET', '/green-pass/trust-list', null);
    expect(res.statusCode).toBe(200);
    const [c] = res.json().certificates;
    const der = fromBase64(c.certificate);
    expect(c.kid).toBe(Buffer.from((nodeCrypto().sha256(der) as Uint8Array).slice(0, 8)).toString('base64'));
    const info = parseCertificate(der);
    expect(info.curve).toBe('1.2.840.10045.3.1.7');
    expect(info.extendedKeyUsages).toEqual([
      '1.3.6.1.4.1.1847.2021.1.1',
      '1.3.6.1.4.1.1847.2021.1.2',
      '1.3.6.1.4.1.1847.2021.1.3',
    ]);
    expect(new Date(c.validUntil).getTime()).toBeGreaterThan(Date.now() + 365 * 86_400_000);
    const privateKeys = await env.ctx.db.selectFrom('gp_signer_keys').select('private_key_pem').execute();
    expect(privateKeys[0]?.private_key_pem).toMatch(/BEGIN PRIVATE KEY/);
    expect(JSON.stringify(res.json())).not.toMatch(/PRIVATE/);
  });
});

describe('the citizen pass', () => {
  let qr = '';
  let uvci = '';

  it('turns a negative RT-PCR into a signed HCERT that verifies offline and fits the DCC 1.3.0 schema', async () => {
    await negativeTest(citizen.personId);
    const res = await call('GET', '/me/green-pass', citizen.token);
    expect(res.statusCode, res.body).toBe(200);
    const [item] = res.json().items;
    expect(item).toMatchObject({ type: 't', status: 'test-negative' });
    expect(item.summary).toMatch(/^Âm tính đến \d\d:\d\d \d\d\/\d\d\/\d{4}$/);
    expect(item.qr).toMatch(/^HC1:[0-9A-Z $%*+\-./:]+$/);
    qr = item.qr;
    uvci = item.uvci;
    const decoded = decodeHcert(qr);
    expect(decoded.cose.alg).toBe(-7);
    expect(decoded.claims.iss).toBe('VN');
    expect(decoded.claims.dcc).toMatchObject({
      ver: '1.3.0',
      nam: { fn: 'Nguyễn Văn', fnt: 'NGUYEN<VAN', gn: 'Phát', gnt: 'PHAT' },
      dob: '1990',
      t: [{ tg: '840539006', tt: 'LP6464-4', tr: '260415000', co: 'VN', tc: 'CDC Đồng Nai', ci: uvci }],
    });
    expect(uvci).toMatch(/^URN:UVCI:01:VN:TRUYVET\/[0-9A-F]{26}#[0-9A-Z/:]$/);
    expect(dccSchemaErrors(decoded.claims.dcc)).toEqual([]);
    const offline = await verifyHcert(qr, { trust: await trust(), crypto: nodeCrypto() });
    expect(offline).toMatchObject({ valid: true, reason: 'OK' });
    // fetched again: the same certificate, not a new one
    expect((await call('GET', '/me/green-pass', citizen.token)).json().items[0].uvci).toBe(uvci);
  });

  it('verifies on the server: green with name and birth only', async () => {
    const res = await call('POST', '/green-pass/verify', null, { qr });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      valid: true,
      verdict: 'green',
      reason: 'OK',
      holder: { name: 'Nguyễn Văn Phát', dob: '1990' },
      type: 't',
    });
  });

  it('answers garbage — oversized or with a NUL too — with 200 valid: false and a reason, and a bad body with 400', async () => {
    const cases: Array<[string, string]> = [
      ['', 'EMPTY'],
      ['hello', 'PREFIX'],
      [qr.replace('HC1:', 'HC2:'), 'PREFIX'],
      [`${qr.slice(0, 50)}~${qr.slice(51)}`, 'BASE45'],
      // truncated at a whole base45 group (a cut inside one can leave a last pair above 255: BASE45, not this)
      [qr.slice(0, 4 + Math.floor((qr.length - 34) / 3) * 3), 'COMPRESSION'],
      // longer than any QR code, or with a NUL in it: garbled like the rest, not a 400
      ['HC1:'.padEnd(9000, 'A'), 'TOO_LONG'],
      [`HC1:${'A'.repeat(20_000)}`, 'TOO_LONG'],
      [`HC1:\u0000${qr.slice(4)}`, 'BASE45'],
    ];
    for (const [code, reason] of cases) {
      const res = await call('POST', '/green-pass/verify', null, { qr: code });
      expect(res.statusCode, code).toBe(200);
      expect(res.json()).toMatchObject({ valid: false, verdict: 'red', reason });
      expect(res.json().holder).toBeUndefined();
    }
    for (const body of [{ qr: 42 }, {}, { qr: 'x', other: 1 }]) {
      const res = await call('POST', '/green-pass/verify', null, body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
  });

  it('gives a dependant their own pass and refuses anyone else (404)', async () => {
    const dep = await call('POST', '/me/dependants', citizen.token, {
      name: 'Nguyễn Thị Đào',
      relation: 'child',
      birthYear: 2015,
    });
    expect(dep.statusCode, dep.body).toBe(201);
    await negativeTest(dep.json().id, 1, 'antigen');
    const res = await call('GET', `/me/green-pass?personId=${dep.json().id}`, citizen.token);
    expect(res.statusCode, res.body).toBe(200);
    const [item] = res.json().items;
    expect(decodeHcert(item.qr).claims.dcc).toMatchObject({ nam: { fnt: 'NGUYEN<THI', gnt: 'DAO' }, dob: '2015' });
    expect(decodeHcert(item.qr).claims.dcc.t).toMatchObject([{ tt: 'LP217198-3' }]);
    const stranger = await citizenToken(env, '0912000172');
    expect((await call('GET', `/me/green-pass?personId=${dep.json().id}`, stranger.token)).statusCode).toBe(404);
    expect((await call('GET', `/me/green-pass?personId=${citizen.personId}`, stranger.token)).statusCode).toBe(404);
    expect((await call('GET', '/me/green-pass?personId=nope', citizen.token)).statusCode).toBe(400);
    expect((await call('GET', '/me/green-pass', null)).statusCode).toBe(401);
    expect((await call('GET', '/me/green-pass', collector)).statusCode).toBe(403);
  });

  it('prints the pass as a PDF: name, birth date, status in words, validity, and the same HC1 code as a large QR', async () => {
    const passes = (await call('GET', '/me/green-pass', citizen.token)).json().items as Array<{
      qr: string;
      summary: string;
      uvci: string;
    }>;
    const res = await call('GET', '/me/green-pass.pdf', citizen.token);
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="the-xanh-\d{4}-\d{2}-\d{2}\.pdf"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const pdf = readPdf(res.rawPayload);
    // a page per certificate in force, each with its own text and QR
    expect(pdf.pages).toHaveLength(passes.length);
    for (const [i, page] of pdf.pages.entries()) {
      const pass = passes[i] as (typeof passes)[number];
      const text = page.text.replace(/\s+/g, ' ');
      expect(text).toContain('THẺ XANH COVID');
      expect(text).toContain('Nguyễn Văn Phát');
      expect(text).toContain('Ngày sinh / Date of birth: 1990');
      expect(text).toContain(pass.summary);
      expect(text).toMatch(/Hiệu lực từ \d\d:\d\d \d\d\/\d\d\/\d{4} đến \d\d:\d\d \d\d\/\d\d\/\d{4}/);
      expect(text).toContain(pass.uvci);
      // the QR: the white square 12 cm wide, then the dark modules as rectangles, read back into a module grid: it is
      // exactly the qrcode encoder's grid for the pass's HC1 text at level Q, and it decodes to that text (below)
      const side = (PASS_QR_SIDE_MM * 72) / 25.4;
      const white = page.rects.findIndex((r) => Math.abs(r.w - side) < 0.01 && Math.abs(r.h - side) < 0.01);
      expect(white).toBeGreaterThanOrEqual(0);
      const box = page.rects[white] as (typeof page.rects)[number];
      const dark = page.rects.slice(white + 1);
      const cell = Math.min(...dark.map((r) => r.h));
      const size = Math.round(side / cell) - 8;
      const grid = Array.from({ length: size }, () => new Array<number>(size).fill(0));
      for (const r of dark) {
        const row = Math.round((r.y - box.y) / cell) - 4;
        const col = Math.round((r.x - box.x) / cell) - 4;
        for (let c = 0; c < Math.round(r.w / cell); c++) (grid[row] as number[])[col + c] = 1;
      }
      const expected = QRCode.create(pass.qr, { errorCorrectionLevel: PASS_QR_ECL }).modules;
      expect(size).toBe(expected.size);
      expect(grid.flat().join('')).toBe(Array.from(expected.data).join(''));
      // and decoded for real: the grid drawn as a picture (4 px a module, the quiet zone white) reads back with the
      // conformance tool's QR reader (pngjs + jsQR) to the pass's HC1 text
      const scale = 4;
      const picture = new PNG({ width: (size + 8) * scale, height: (size + 8) * scale });
      picture.data.fill(255);
      for (let y = 0; y < picture.height; y++) {
        for (let x = 0; x < picture.width; x++) {
          const [row, col] = [Math.floor(y / scale) - 4, Math.floor(x / scale) - 4];
          if (grid[row]?.[col] === 1)
            picture.data.fill(0, (y * picture.width + x) * 4, (y * picture.width + x) * 4 + 3);
        }
      }
      expect(decodeQrPng(PNG.sync.write(picture))).toBe(pass.qr);
    }
    // a dependant's printout is theirs; nobody else's; the printout is audited
    const deps = (await call('GET', '/me/dependants', citizen.token)).json() as Array<{ id: string; name: string }>;
    const dep = deps.find((d) => d.name === 'Nguyễn Thị Đào') as { id: string };
    const depPdf = await call('GET', `/me/green-pass.pdf?personId=${dep.id}`, citizen.token);
    expect(depPdf.statusCode).toBe(200);
    const depText = readPdf(depPdf.rawPayload)
      .pages.map((p) => p.text)
      .join(' ')
      .replace(/\s+/g, ' ');
    expect(depText).toContain('Nguyễn Thị Đào');
    expect(depText).toContain('Date of birth: 2015');
    expect(depText).not.toContain('Nguyễn Văn Phát');
    const stranger = await citizenToken(env, '0912000173');
    expect((await call('GET', `/me/green-pass.pdf?personId=${dep.id}`, stranger.token)).statusCode).toBe(404);
    expect((await call('GET', '/me/green-pass.pdf?personId=nope', citizen.token)).statusCode).toBe(400);
    expect((await call('GET', '/me/green-pass.pdf', null)).statusCode).toBe(401);
    expect((await call('GET', '/me/green-pass.pdf', collector)).statusCode).toBe(403);
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'resource_id'])
      .where('action', '=', 'greenpass.pdf')
      .execute();
    expect(audit.map((a) => a.resource_id).sort()).toEqual([citizen.personId, dep.id].sort());
  });

  it('revokes: the hash joins the list, the pass turns red, nothing is re-issued in its place', async () => {
    expect((await call('POST', '/green-pass/revocations', leader, { uvci })).statusCode).toBe(403);
    expect(
      (await call('POST', '/green-pass/revocations', collector, { uvci: 'URN:UVCI:01:VN:NOPE/1#1' })).statusCode,
    ).toBe(404);
    const res = await call('POST', '/green-pass/revocations', collector, { uvci, reason: 'lab error' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await call('POST', '/green-pass/revocations', collector, { uvci })).statusCode).toBe(409);
    const list = (await call('GET', '/green-pass/revocations', null)).json();
    expect(list.hashes).toContain(await uvciHash(nodeCrypto(), uvci));
    expect(Date.parse(list.updatedAt)).toBeGreaterThan(Date.now() - 60_000);
    const verdict = (await call('POST', '/green-pass/verify', null, { qr })).json();
    expect(verdict).toMatchObject({
      valid: false,
      verdict: 'red',
      reason: 'REVOKED',
      holder: { name: 'Nguyễn Văn Phát' },
    });
    expect((await call('GET', '/me/green-pass', citizen.token)).json().items).toEqual([]);
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select(['action'])
      .where('action', 'like', 'greenpass.%')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['greenpass.issue', 'greenpass.read', 'greenpass.revoke']),
    );
  });

  it('issues a recovery certificate from day 11 after the positive test of a recovered case', async () => {
    const person = await citizenToken(env, '0912000173');
    await call('PUT', '/me/profile', person.token, {
      name: 'Trần Thị Hồng',
      birthYear: 1980,
      unitCode: UNITS.bienHoaCommune,
    });
    const positiveAt = new Date(Date.now() - 20 * 86_400_000);
    await env.ctx.db
      .insertInto('cases')
      .values({
        display_code: 'BN-GP-1',
        person_id: person.personId,
        unit_code: UNITS.bienHoaCommune,
        status: 'recovered',
        confirmed_at: positiveAt,
        sample_at: positiveAt,
        closed_at: new Date(Date.now() - 5 * 86_400_000),
        origin: 'tracer',
        rule_version: 1,
      })
      .execute();
    const [item] = (await call('GET', '/me/green-pass', person.token)).json().items;
    expect(item).toMatchObject({ type: 'r', status: 'recovered' });
    const dcc = decodeHcert(item.qr).claims.dcc as { r: Array<Record<string, string>> };
    expect(dccSchemaErrors(dcc)).toEqual([]);
    expect(Date.parse(dcc.r[0]?.du as string) - Date.parse(dcc.r[0]?.fr as string)).toBe(180 * 86_400_000);
    expect((await call('POST', '/green-pass/verify', null, { qr: item.qr })).json().verdict).toBe('green');
  });
});

describe('vaccination certificates', () => {
  const PNG =
    'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
  const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

  it('two recorded doses give "Đã tiêm đủ"; an approved correction re-issues the pass and revokes the old', async () => {
    const planner = (await staffToken(env, 'health_worker', UNITS.bienHoa)).token;
    const vaccinator = (await staffToken(env, 'vaccinator', UNITS.bienHoa)).token;
    const site = await call('POST', '/vaccination/sites', planner, {
      name: 'Trạm Y tế',
      unitCode: UNITS.bienHoaCommune,
    });
    expect(site.statusCode, site.body).toBe(201);
    const lot = await call('POST', '/vaccination/lots', admin, {
      product: 'comirnaty',
      lotNumber: 'GP0001',
      expiresOn: new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10),
      siteId: site.json().id,
      quantity: 10,
    });
    expect(lot.statusCode, lot.body).toBe(201);
    const person = await citizenToken(env, '0912000176');
    await call('PUT', '/me/profile', person.token, {
      name: 'Đỗ Thị Ánh',
      birthYear: 1985,
      unitCode: UNITS.bienHoaCommune,
    });
    const doses: string[] = [];
    for (const [n, days] of [
      [1, 60],
      [2, 30],
    ] as const) {
      const res = await call('POST', '/vaccination/doses', vaccinator, {
        person: { personId: person.personId },
        product: 'comirnaty',
        lot: 'GP0001',
        doseNumber: n,
        siteId: site.json().id,
        givenAt: ago(days),
      });
      expect(res.statusCode, res.body).toBe(201);
      doses.push(res.json().id);
    }
    const [item] = (await call('GET', '/me/green-pass', person.token)).json().items;
    expect(item).toMatchObject({ type: 'v', status: 'vaccinated-full', summary: 'Đã tiêm đủ 2/2 mũi' });
    const dcc = decodeHcert(item.qr).claims.dcc;
    expect(dcc).toMatchObject({
      nam: { fnt: 'DO<THI', gnt: 'ANH' },
      v: [{ tg: '840539006', mp: 'EU/1/20/1528', dn: 2, sd: 2, co: 'VN' }],
    });
    expect(dccSchemaErrors(dcc)).toEqual([]);
    expect((await call('POST', '/green-pass/verify', null, { qr: item.qr })).json().verdict).toBe('green');

    const fix = await call('POST', '/vaccination/corrections', person.token, {
      doseId: doses[1],
      field: 'givenAt',
      proposedValue: ago(29),
      evidence: PNG,
    });
    expect(fix.statusCode, fix.body).toBe(201);
    const ok = await call('POST', `/vaccination/corrections/${fix.json().id}/decision`, planner, {
      approve: true,
      reason: 'card_matches',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    await env.ctx.jobs.drain();
    const rows = await env.ctx.db
      .selectFrom('gp_certificates')
      .select(['uvci', 'revoked_at', 'revoke_reason'])
      .where('person_id', '=', person.personId)
      .orderBy('issued_at')
      .execute();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ uvci: item.uvci, revoke_reason: 'superseded' });
    expect(rows[1]?.revoked_at).toBeNull();
    expect((await call('POST', '/green-pass/verify', null, { qr: item.qr })).json()).toMatchObject({
      verdict: 'red',
      reason: 'REVOKED',
    });
    const [next] = (await call('GET', '/me/green-pass', person.token)).json().items;
    expect(next.uvci).toBe(rows[1]?.uvci);
    expect((await call('POST', '/green-pass/verify', null, { qr: next.qr })).json().verdict).toBe('green');
  });
});

describe('rules, statistics and keys', () => {
  it('applies rules an admin publishes, at once: a failed rule is yellow', async () => {
    const person = await citizenToken(env, '0912000174');
    await call('PUT', '/me/profile', person.token, {
      name: 'Lê Văn Nam',
      birthYear: 1975,
      unitCode: UNITS.bienHoaCommune,
    });
    await negativeTest(person.personId, 30);
    const [item] = (await call('GET', '/me/green-pass', person.token)).json().items;
    expect((await call('POST', '/green-pass/verify', null, { qr: item.qr })).json().verdict).toBe('green');
    const rules = (await call('GET', '/green-pass/rules', null)).json();
    const stricter = rules.rules.map((r: { Identifier: string; Logic: unknown }) =>
      r.Identifier === 'TR-VN-0003'
        ? {
            ...r,
            Version: '1.1.0',
            Logic: {
              before: [
                { plusTime: [{ var: 'external.validationClock' }, 0, 'day'] },
                { plusTime: [{ var: 'payload.t.0.sc' }, 24, 'hour'] },
              ],
            },
          }
        : r,
    );
    expect((await call('PUT', '/green-pass/rules', collector, { rules: stricter })).statusCode).toBe(403);
    const put = await call('PUT', '/green-pass/rules', admin, { rules: stricter });
    expect(put.statusCode, put.body).toBe(200);
    const after = (await call('POST', '/green-pass/verify', null, { qr: item.qr })).json();
    expect(after).toMatchObject({ valid: true, verdict: 'yellow', reason: 'RULES' });
    expect(after.failedRules).toEqual([{ identifier: 'TR-VN-0003', description: 'RT-PCR lấy mẫu trong vòng 72 giờ' }]);
  });

  it('counts issued, revoked and verified per day, as JSON and CSV, for leaders', async () => {
    expect((await call('GET', '/green-pass/stats', citizen.token)).statusCode).toBe(403);
    const res = await call('GET', '/green-pass/stats', leader);
    expect(res.statusCode).toBe(200);
    const kinds = new Set(res.json().days.map((d: { kind: string }) => d.kind));
    expect([...kinds].sort()).toEqual(['issued', 'revoked', 'verified']);
    const csv = await call('GET', '/green-pass/stats?format=csv', leader);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe('\ufeffday,kind,key,count');
  });

  it('rotates the signer key with overlap: old passes still verify, new ones use the new kid', async () => {
    const before = (await call('GET', '/green-pass/trust-list', null)).json().certificates;
    expect((await call('POST', '/green-pass/keys/rotate', collector)).statusCode).toBe(403);
    const rotated = await call('POST', '/green-pass/keys/rotate', admin);
    expect(rotated.statusCode).toBe(200);
    const after = (await call('GET', '/green-pass/trust-list', null)).json().certificates;
    expect(after).toHaveLength(before.length + 1);
    const person = await citizenToken(env, '0912000175');
    await call('PUT', '/me/profile', person.token, {
      name: 'Phạm Minh Châu',
      birthYear: 2001,
      unitCode: UNITS.bienHoaCommune,
    });
    await negativeTest(person.personId);
    const [item] = (await call('GET', '/me/green-pass', person.token)).json().items;
    expect(Buffer.from(decodeHcert(item.qr).cose.kid as Uint8Array).toString('base64')).toBe(rotated.json().kid);
    const store = await trust();
    expect((await verifyHcert(item.qr, { trust: store, crypto: nodeCrypto() })).valid).toBe(true);
  });
});

describe('a record that changes or goes (security review)', () => {
  it('withdraws a negative-test pass as soon as the lab corrects the result to positive: revoked, red, not handed out', async () => {
    const p = await person('0912000180', 'Võ Thị Mai', 1992);
    const sampleId = await negativeTest(p.personId);
    const [item] = (await call('GET', '/me/green-pass', p.token)).json().items;
    expect(item).toMatchObject({ type: 't', status: 'test-negative' });
    const fix = await call('POST', `/samples/${sampleId}/corrections`, labStaff, {
      result: 'positive',
      testedAt: new Date(Date.now() - 30_000).toISOString(),
      labId,
      reason: 'swapped tubes',
    });
    expect(fix.statusCode, fix.body).toBe(200);
    // the correction's event withdraws it at once, before any fetch (a printed pass must stop verifying)
    expect((await certificatesOf(p.personId))[0]).toMatchObject({ uvci: item.uvci, revoke_reason: null });
    await env.ctx.jobs.drain();
    expect((await certificatesOf(p.personId))[0]).toMatchObject({ uvci: item.uvci, revoke_reason: 'withdrawn' });
    // nothing in force, its hash on the list, a verifier says revoked
    expect((await call('GET', '/me/green-pass', p.token)).json().items).toEqual([]);
    const [cert] = await certificatesOf(p.personId);
    expect(cert).toMatchObject({ uvci: item.uvci, revoke_reason: 'withdrawn' });
    expect((await call('GET', '/green-pass/revocations', null)).json().hashes).toContain(
      await uvciHash(nodeCrypto(), item.uvci),
    );
    expect((await call('POST', '/green-pass/verify', null, { qr: item.qr })).json()).toMatchObject({
      valid: false,
      verdict: 'red',
      reason: 'REVOKED',
    });
    expect(await revokeAudits(cert?.id as string)).toEqual([
      { actor_type: 'system', details: expect.objectContaining({ reason: 'withdrawn', type: 't' }) },
    ]);
    // and nothing is issued again for it
    expect((await call('GET', '/me/green-pass', p.token)).json().items).toEqual([]);
    expect(await certificatesOf(p.personId)).toHaveLength(1);
  });

  it('does not issue again a pass withdrawn after the fetch read its records (a correction committed meanwhile)', async () => {
    const p = await person('0912000189', 'Đinh Thị Hạnh', 1990);
    await negativeTest(p.personId);
    const [item] = (await call('GET', '/me/green-pass', p.token)).json().items;
    // the correction's handler withdrew the pass "after" this fetch read the still-negative test: its withdrawal is
    // stamped later than the fetch's reading (the test itself left negative, as the fetch saw it)
    await env.ctx.db
      .updateTable('gp_certificates')
      .set({ revoked_at: new Date(Date.now() + 60_000), revoke_reason: 'withdrawn' })
      .where('uvci', '=', item.uvci)
      .execute();
    expect((await call('GET', '/me/green-pass', p.token)).json().items).toEqual([]);
    expect(await certificatesOf(p.personId)).toHaveLength(1);
  });

  it("keeps an officer's revocation through a rename, and revokes a pass issued in its place before", async () => {
    const p = await person('0912000181', 'Bùi Văn Toàn', 1988);
    await negativeTest(p.personId);
    const [item] = (await call('GET', '/me/green-pass', p.token)).json().items;
    const revoked = await call('POST', '/green-pass/revocations', collector, { uvci: item.uvci, reason: 'fraud' });
    expect(revoked.statusCode, revoked.body).toBe(200);
    // the holder's name changes (however: a commune's correction, or a rename from before citizens were stopped)
    await env.ctx.db.updateTable('people').set({ name: 'Bùi Văn Toản' }).where('id', '=', p.personId).execute();
    expect((await call('GET', '/me/green-pass', p.token)).json().items).toEqual([]);
    expect(await certificatesOf(p.personId)).toHaveLength(1);

    // a pass issued in its place before this fix (the rename re-issued one): revoked at the next fetch, not returned
    const [original] = await env.ctx.db
      .selectFrom('gp_certificates')
      .selectAll()
      .where('person_id', '=', p.personId)
      .execute();
    if (!original) throw new Error('no certificate');
    const { id: _id, issued_at: _at, revoked_at: _r, revoke_reason: _why, ...copy } = original;
    const bypass = await env.ctx.db
      .insertInto('gp_certificates')
      .values({
        ...copy,
        uvci: `${original.uvci.slice(0, -3)}XYZ`,
        uvci_hash: 'bypass',
        source_hash: 'an older name',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await call('GET', '/me/green-pass', p.token)).json().items).toEqual([]);
    const rows = await certificatesOf(p.personId);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id === bypass.id)).toMatchObject({ revoke_reason: 'superseded' });
    expect(rows.every((r) => r.revoked_at !== null)).toBe(true);

    // a new record (another negative test) is a new pass
    await negativeTest(p.personId, 1);
    const after = (await call('GET', '/me/green-pass', p.token)).json().items;
    expect(after).toHaveLength(1);
    expect(decodeHcert(after[0].qr).claims.dcc).toMatchObject({ nam: { gn: 'Toản' } });
  });

  it('withdraws the vaccination pass, audited, when every dose is voided; other passes of the person stay', async () => {
    const planner = (await staffToken(env, 'health_worker', UNITS.bienHoa)).token;
    const vaccinator = (await staffToken(env, 'vaccinator', UNITS.bienHoa)).token;
    const doctor = (await staffToken(env, 'doctor', UNITS.bienHoa)).token;
    const site = await call('POST', '/vaccination/sites', planner, {
      name: 'Trạm Y tế 2',
      unitCode: UNITS.bienHoaCommune,
    });
    expect(site.statusCode, site.body).toBe(201);
    const lot = await call('POST', '/vaccination/lots', admin, {
      product: 'comirnaty',
      lotNumber: 'GP0002',
      expiresOn: new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10),
      siteId: site.json().id,
      quantity: 10,
    });
    expect(lot.statusCode, lot.body).toBe(201);
    const p = await person('0912000182', 'Hồ Thị Lan', 1979);
    const dose = await call('POST', '/vaccination/doses', vaccinator, {
      person: { personId: p.personId },
      product: 'comirnaty',
      lot: 'GP0002',
      doseNumber: 1,
      siteId: site.json().id,
      givenAt: new Date(Date.now() - 20 * 86_400_000).toISOString(),
    });
    expect(dose.statusCode, dose.body).toBe(201);
    await negativeTest(p.personId);
    const items = (await call('GET', '/me/green-pass', p.token)).json().items as Array<{ type: string; uvci: string }>;
    expect(items.map((i) => i.type).sort()).toEqual(['t', 'v']);
    await env.ctx.jobs.drain();

    const voided = await call('POST', `/vaccination/doses/${dose.json().id}/void`, doctor, {
      reason: 'entered_in_error',
    });
    expect(voided.statusCode, voided.body).toBe(200);
    await env.ctx.jobs.drain();
    const rows = await certificatesOf(p.personId);
    const v = rows.find((r) => r.type === 'v');
    expect(v).toMatchObject({ revoke_reason: 'withdrawn' });
    expect(await revokeAudits(v?.id as string)).toEqual([
      { actor_type: 'system', details: expect.objectContaining({ reason: 'withdrawn', type: 'v' }) },
    ]);
    // the event concerned doses only: the negative-test pass is untouched
    expect(rows.find((r) => r.type === 't')?.revoked_at).toBeNull();
    expect((await call('GET', '/me/green-pass', p.token)).json().items.map((i: { type: string }) => i.type)).toEqual([
      't',
    ]);
  });

  it('limits fetching passes per account (each fetch may sign): 429 past the limit, other accounts unaffected', async () => {
    const p = await person('0912000183', 'Mai Văn Hùng', 1970);
    for (let i = 0; i < PASSES_PER_MINUTE; i++) {
      const res = await call('GET', '/me/green-pass', p.token);
      expect(res.statusCode, `request ${i + 1}`).toBe(200);
    }
    expectError(await call('GET', '/me/green-pass', p.token), 429, 'RATE_LIMITED');
    const other = await person('0912000184', 'Mai Thị Hoa', 1972);
    expect((await call('GET', '/me/green-pass', other.token)).statusCode).toBe(200);
  });
});

describe('national rules and key (security review)', () => {
  it('refuses an admin of a district or a province rules and key rotation (404, as out of scope)', async () => {
    const rules = (await call('GET', '/green-pass/rules', null)).json().rules;
    const before = (await call('GET', '/green-pass/trust-list', null)).json().certificates.length;
    for (const unit of [UNITS.bienHoa, UNITS.province]) {
      const local = (await staffToken(env, 'admin', unit)).token;
      expectError(await call('PUT', '/green-pass/rules', local, { rules: [] }), 404, 'GREENPASS_NOT_FOUND');
      expectError(await call('POST', '/green-pass/keys/rotate', local), 404, 'GREENPASS_NOT_FOUND');
    }
    expect((await call('GET', '/green-pass/rules', null)).json().rules).toEqual(rules);
    expect((await call('GET', '/green-pass/trust-list', null)).json().certificates).toHaveLength(before);
    expectError(await call('PUT', '/green-pass/rules', collector, { rules: [] }), 403, 'FORBIDDEN');
  });

  it('refuses a malformed rule (400), and verifies (200, the rule failing closed) under one stored before', async () => {
    const rules = (await call('GET', '/green-pass/rules', null)).json().rules as Array<Record<string, unknown>>;
    const good = rules[0] as Record<string, unknown>;
    for (const bad of [
      { Description: 'not a list' },
      { Description: [{ lang: 'vi' }] },
      { Version: 2 },
      { ValidFrom: 5 },
      { ValidTo: 'tomorrow' },
      { AffectedFields: 'v.0.mp' },
    ]) {
      expectError(
        await call('PUT', '/green-pass/rules', admin, { rules: [{ ...good, ...bad }] }),
        400,
        'VALIDATION_FAILED',
      );
    }
    // a rule set stored before the schema said so (written to the table as it was accepted then)
    const p = await person('0912000185', 'Đinh Văn Khoa', 1995);
    await negativeTest(p.personId);
    const [item] = (await call('GET', '/me/green-pass', p.token)).json().items;
    await env.ctx.db
      .insertInto('gp_rules')
      .values({
        kind: 'rules',
        body: JSON.stringify([
          ...rules,
          { ...good, Identifier: 'GR-VN-0099', Description: 'not a list', Version: 2 },
          { ...good, Identifier: 'GR-VN-0098', ValidFrom: 12 },
        ]),
        published_by: null,
      })
      .execute();
    const res = await call('POST', '/green-pass/verify', null, { qr: item.qr });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ valid: true, verdict: 'yellow', reason: 'RULES' });
    // and the public rules still answer (verifiers fetch them; theirs skip nothing and fail such a rule too)
    const stored = await call('GET', '/green-pass/rules', null);
    expect(stored.statusCode, stored.body).toBe(200);
    expect(stored.json().rules.find((r: { Identifier: string }) => r.Identifier === 'GR-VN-0099')).toMatchObject({
      Description: 'not a list',
      Version: 2,
    });
    expect(
      res
        .json()
        .failedRules.map((r: { identifier: string }) => r.identifier)
        .sort(),
    ).toEqual(['GR-VN-0098', 'GR-VN-0099']);
    // put the rules back for whatever runs after
    expect((await call('PUT', '/green-pass/rules', admin, { rules })).statusCode).toBe(200);
    expect((await call('POST', '/green-pass/verify', null, { qr: item.qr })).json().verdict).toBe('green');
  });
});
