/**
 * Exposure notification through the API: a tracer issues a code for a confirmed case (SMS to the F0), the F0's phone
 * verifies it and uploads its keys, the server publishes a signed batch, another phone downloads it, verifies it with
 * the public key, matches what it heard, and — with consent — reports the contact, which the case's tracers see.
 * Bad input is refused with a clear 4xx and stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  citizenToken,
  createTestEnv,
  pendingRuns,
  staffToken,
  type TestEnv,
  UNITS,
} from '../../../../test/harness.ts';
import {
  deriveRpik,
  EN_INTERVAL_SECONDS,
  enIntervalNumber,
  generateTek,
  rollingProximityIdentifiers,
  toBase64,
} from '../../../exposure/crypto.ts';
import { importPublicKey, openExport } from '../../../exposure/export-file.ts';
import { assessExposure, matchExposures, type Observation } from '../../../exposure/matching.ts';
import { EXPOSURE_EXPORT } from './schemas.ts';
import { issueUploadToken } from './tokens.ts';

let env: TestEnv;
let tracer: string;
let f0: { token: string; personId: string };
let caseId: string;

const DAY = 144;
const nowSeconds = () => Math.floor(Date.now() / 1000);
const today = () => Math.floor(enIntervalNumber(nowSeconds()) / DAY) * DAY;

async function resident(phone: string) {
  const c = await citizenToken(env, phone);
  const res = await env.app.inject({
    method: 'PUT',
    url: '/api/v1/me/profile',
    headers: bearer(c.token),
    payload: { name: `Cư dân ${phone.slice(-3)}`, unitCode: UNITS.bienHoaCommune },
  });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

const issue = (id: string, token = tracer) =>
  env.app.inject({
    method: 'POST',
    url: '/api/v1/exposure/verification-codes',
    headers: bearer(token),
    payload: { caseId: id },
  });
const verify = (code: string) => env.app.inject({ method: 'POST', url: '/api/v1/exposure/verify', payload: { code } });
const upload = (token: string, keys: unknown[]) =>
  env.app.inject({ method: 'POST', url: '/api/v1/exposure/keys', payload: { token, keys } });

async function freshToken(): Promise<string> {
  const issued = await issue(caseId);
  expect(issued.statusCode, issued.body).toBe(201);
  const verified = await verify(issued.json().code);
  expect(verified.statusCode, verified.body).toBe(200);
  return verified.json().token;
}

const storedKeys = async () =>
  Number(
    (
      await env.ctx.db
        .selectFrom('en_diagnosis_keys')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** A key of `daysAgo` days back, as the upload carries it. */
function keyOf(daysAgo: number, extra: Record<string, unknown> = {}) {
  const tek = generateTek(nowSeconds());
  const start = today() - daysAgo * DAY;
  return { tek, body: { key: toBase64(tek.keyData), rollingStartIntervalNumber: start, rollingPeriod: 144, ...extra } };
}

beforeAll(async () => {
  env = await createTestEnv();
  tracer = (await staffToken(env, 'tracer', UNITS.bienHoa)).token;
  f0 = await resident('0912000410');
  const created = await env.app.inject({
    method: 'POST',
    url: '/api/v1/cases',
    headers: bearer(tracer),
    payload: { person: { personId: f0.personId }, confirmedAt: new Date(Date.now() - 3600_000).toISOString() },
  });
  expect(created.statusCode, created.body).toBe(201);
  caseId = created.json().id;
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('verification codes', () => {
  it('issues an 8-digit code for a confirmed case and sends it to the F0 by SMS', async () => {
    const res = await issue(caseId);
    expect(res.statusCode, res.body).toBe(201);
    const { code, expiresAt } = res.json();
    expect(code).toMatch(/^[0-9]{8}$/);
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect(new Date(expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 60 * 60_000);
    await env.ctx.jobs.drain();
    const sms = await env.ctx.db
      .selectFrom('notify_fake_messages')
      .select(['recipient', 'text'])
      .where('text', 'like', `%${code}%`)
      .execute();
    expect(sms).toEqual([{ recipient: '+84912000410', text: expect.stringContaining('Bluetooth') }]);
  });

  it('refuses the anonymous (401), roles without the action (403), and cases out of jurisdiction (404)', async () => {
    const anonymous = await env.app.inject({
      method: 'POST',
      url: '/api/v1/exposure/verification-codes',
      payload: { caseId },
    });
    expect(anonymous.statusCode).toBe(401);
    const manager = (await staffToken(env, 'venue_manager', UNITS.bienHoa)).token;
    expect((await issue(caseId, manager)).statusCode).toBe(403);
    expect((await issue(caseId, f0.token)).statusCode).toBe(403);
    const hanoi = (await staffToken(env, 'tracer', UNITS.hanoi)).token;
    const out = await issue(caseId, hanoi);
    expect(out.statusCode).toBe(404);
    expect(out.json().error.code).toBe('CASE_NOT_FOUND');
    expect((await issue('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    const bad = await issue('not-a-uuid');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('exchanges a code once for a token; a used, wrong or expired code is refused', async () => {
    const { code } = (await issue(caseId)).json();
    const ok = await verify(code);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().token.split('.')).toHaveLength(4);
    const again = await verify(code);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('EN_CODE_USED');
    const wrong = await verify('00000000');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('EN_CODE_INVALID');

    const late = (await issue(caseId)).json().code as string;
    await env.ctx.db
      .updateTable('en_verification_codes')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('verified_at', 'is', null)
      .execute();
    const expired = await verify(late);
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error.code).toBe('EN_CODE_EXPIRED');
  });
});

describe('key upload', () => {
  it('stores valid keys once; the exact retry answers the same, other keys with the same token are refused', async () => {
    const token = await freshToken();
    const keys = [
      keyOf(2, { transmissionRisk: 6 }).body,
      keyOf(3).body,
      keyOf(4, { daysSinceOnsetOfSymptoms: -1 }).body,
    ];
    const before = await storedKeys();
    const res = await upload(token, keys);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ inserted: 3 });
    expect(await storedKeys()).toBe(before + 3);
    const retry = await upload(token, keys);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual({ inserted: 3 });
    const other = await upload(token, [keyOf(5).body]);
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('EN_TOKEN_USED');
    expect(await storedKeys()).toBe(before + 3);
    const row = await env.ctx.db
      .selectFrom('en_diagnosis_keys')
      .select(['region', 'transmission_risk', 'report_type'])
      .where('rolling_start_interval', '=', today() - 2 * DAY)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ region: 'VN', transmission_risk: 6, report_type: 1 });
  });

  it('refuses a wrong, altered or expired token (403)', async () => {
    const token = await freshToken();
    const [id, exp, kid, sig] = token.split('.') as [string, string, string, string];
    for (const bad of [
      'nonsense',
      `${id}.${Number(exp) + 3600}.${kid}.${sig}`,
      `${id}.${exp}.${kid}.${sig.slice(1)}x`,
    ]) {
      const res = await upload(bad, [keyOf(2).body]);
      expect(res.statusCode, bad).toBe(403);
      expect(res.json().error.code).toBe('EN_TOKEN_INVALID');
    }
    const expired = await issueUploadToken(env.ctx.keys, id, new Date(Date.now() - 1000));
    const res = await upload(expired, [keyOf(2).body]);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('EN_TOKEN_EXPIRED');
  });

  it('refuses bad keys with a 4xx naming the problem and stores nothing (the token stays usable)', async () => {
    const token = await freshToken();
    const before = await storedKeys();
    const good = keyOf(2).body;
    const cases: [unknown[], number, string][] = [
      [[good, { ...keyOf(3).body, key: toBase64(new Uint8Array(15)) }], 400, 'EN_KEY_INVALID'],
      [[good, { ...keyOf(3).body, key: 'not base64!' }], 400, 'EN_KEY_INVALID'],
      [[good, { ...keyOf(3).body, rollingPeriod: 0 }], 400, 'EN_KEY_INVALID'],
      [[good, { ...keyOf(3).body, rollingPeriod: 145 }], 400, 'EN_KEY_INVALID'],
      [
        [good, { ...keyOf(0).body, rollingStartIntervalNumber: enIntervalNumber(nowSeconds()) + 1 }],
        400,
        'EN_KEY_INVALID',
      ],
      [[good, keyOf(15).body], 400, 'EN_KEY_INVALID'],
      [[good, { ...keyOf(3).body, transmissionRisk: 9 }], 400, 'EN_KEY_INVALID'],
      [[good, { ...keyOf(3).body, reportType: 5 }], 400, 'EN_KEY_INVALID'],
      [[good, { ...keyOf(3).body, daysSinceOnsetOfSymptoms: 15 }], 400, 'EN_KEY_INVALID'],
      [[good, good], 400, 'EN_KEY_DUPLICATE'],
      [Array.from({ length: 31 }, (_, i) => keyOf(i % 14).body), 400, 'EN_TOO_MANY_KEYS'],
      [[], 400, 'EN_NO_KEYS'],
      [[{ ...good, extra: 1 }], 400, 'VALIDATION_FAILED'],
    ];
    for (const [keys, status, code] of cases) {
      const res = await upload(token, keys);
      expect(res.statusCode, JSON.stringify(keys).slice(0, 200)).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    const huge = await env.app.inject({
      method: 'POST',
      url: '/api/v1/exposure/keys',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ token, keys: [{ ...good, key: 'A'.repeat(2_000_000) }] }),
    });
    expect(huge.statusCode).toBe(413);
    expect(await storedKeys()).toBe(before);
    // nothing was stored, so the token still uploads
    expect((await upload(token, [good])).json()).toEqual({ inserted: 1 });
  });
});

describe('exports and matching', () => {
  it('publishes a signed, padded batch that verifies with the public key, and a phone that heard the F0 matches it and reports the contact', async () => {
    const token = await freshToken();
    // two days ago: its validity ended a day before today, past the 2 h embargo at any hour (yesterday's key is
    // still held back between 00:00 and 02:00 UTC)
    const met = keyOf(2, { transmissionRisk: 5 });
    const current = keyOf(0); // still in use today: held back until 2 h after its end
    expect((await upload(token, [met.body, current.body])).json()).toEqual({ inserted: 2 });

    const published = await env.ctx.services.exposure.publish();
    expect(published.keys).toBeGreaterThanOrEqual(1);
    expect(published.keys + published.padding).toBeGreaterThanOrEqual(100);
    // today's key is said to be held, with when it may go: 2 h after its day ends
    expect(published.held).toBeGreaterThanOrEqual(1);
    const dayEnd = (current.body.rollingStartIntervalNumber + 144) * 600_000;
    expect(Date.parse(published.heldUntil ?? '')).toBeLessThanOrEqual(dayEnd + 2 * 3_600_000);
    expect(Date.parse(published.heldUntil ?? '')).toBeGreaterThan(Date.now() - 60_000);
    const index = await env.app.inject({ method: 'GET', url: '/api/v1/exposure/exports/index.txt' });
    expect(index.statusCode).toBe(200);
    const paths = index.body.trim().split('\n');
    expect(paths.at(-1)).toBe(published.path);
    const zip = await env.app.inject({ method: 'GET', url: `/api/v1/exposure/exports/${published.path}` });
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    const pem = await env.app.inject({ method: 'GET', url: '/api/v1/exposure/public-key' });
    expect(pem.statusCode).toBe(200);
    expect(pem.body).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const file = await openExport(new Uint8Array(zip.rawPayload), await importPublicKey(pem.body));
    expect(file.region).toBe('VN');
    const published64 = file.keys.map((k) => toBase64(k.keyData));
    expect(published64).toContain(met.body.key);
    expect(published64).not.toContain(current.body.key);

    // another phone heard the F0 for 30 minutes at about a metre, that day at 10:00 UTC
    const rpis = rollingProximityIdentifiers(deriveRpik(met.tek.keyData), met.body.rollingStartIntervalNumber, 144);
    const observed: Observation[] = [];
    for (let m = 0; m <= 30; m += 5) {
      const at = (met.body.rollingStartIntervalNumber + 60) * EN_INTERVAL_SECONDS + m * 60;
      const j = Math.floor(m / 10) + 60;
      observed.push({ rpi: rpis.slice(j * 16, j * 16 + 16), at, attenuation: 52 });
    }
    const verdict = assessExposure(matchExposures(file.keys, observed));
    expect(verdict.alert).toBe(true);
    const m = verdict.matches[0]!;
    const neighbour = await resident('0912000411');
    const reportBody = {
      consent: true,
      matches: [
        {
          key: toBase64(m.key.keyData),
          rollingStartIntervalNumber: m.key.rollingStartIntervalNumber,
          firstSeenAt: new Date(m.windows[0]!.from * 1000).toISOString(),
          lastSeenAt: new Date(m.windows.at(-1)!.to * 1000).toISOString(),
          minutes: m.minutes,
          risk: m.risk,
          minAttenuation: 52,
        },
      ],
    };
    const reported = await env.app.inject({
      method: 'POST',
      url: '/api/v1/exposure/matches',
      headers: bearer(neighbour.token),
      payload: reportBody,
    });
    expect(reported.statusCode, reported.body).toBe(200);
    expect(reported.json()).toEqual({ reported: 1 });
    // the F0's own phone reporting its own key is no contact
    const own = await env.app.inject({
      method: 'POST',
      url: '/api/v1/exposure/matches',
      headers: bearer(f0.token),
      payload: reportBody,
    });
    // the same answer as any report: whose keys they were is not told
    expect(own.json()).toEqual({ reported: 1 });
    const noConsent = await env.app.inject({
      method: 'POST',
      url: '/api/v1/exposure/matches',
      headers: bearer(neighbour.token),
      payload: { ...reportBody, consent: false },
    });
    expect(noConsent.statusCode).toBe(400);

    const contacts = await env.app.inject({
      method: 'GET',
      url: `/api/v1/exposure/cases/${caseId}/ble-contacts`,
      headers: bearer(tracer),
    });
    expect(contacts.statusCode, contacts.body).toBe(200);
    expect(contacts.json()).toEqual([
      expect.objectContaining({ personId: neighbour.personId, name: 'Cư dân 411', minutes: 35, minAttenuation: 52 }),
    ]);
    // the report is the case's Bluetooth contact to confirm: listed for the tracer, nobody told, no order yet
    const smsTo = async (phone: string) =>
      (await env.ctx.db.selectFrom('jobs').select('payload').where('topic', '=', 'notify.send').execute()).filter(
        (j) => (j.payload as { to: string }).to === phone,
      ).length;
    const listed = await env.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${caseId}/contacts?via=ble`,
      headers: bearer(tracer),
    });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toEqual([
      expect.objectContaining({
        personId: neighbour.personId,
        degree: 1,
        via: expect.objectContaining({ type: 'ble', overlapMinutes: 35 }),
        confirmation: 'pending',
      }),
    ]);
    const before = await smsTo('+84912000411');
    const orders = () =>
      env.ctx.db.selectFrom('quarantine_orders').select('id').where('person_id', '=', neighbour.personId).execute();
    expect(await orders()).toHaveLength(0);
    // a tracer who confirms it makes it an F1 like any other: a quarantine order and one message
    const confirmed = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/contacts/${neighbour.personId}/confirm`,
      headers: bearer(tracer),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(await orders()).toHaveLength(1);
    expect(await smsTo('+84912000411')).toBe(before + 1);

    const hanoi = (await staffToken(env, 'tracer', UNITS.hanoi)).token;
    expect(
      (
        await env.app.inject({
          method: 'GET',
          url: `/api/v1/exposure/cases/${caseId}/ble-contacts`,
          headers: bearer(hanoi),
        })
      ).statusCode,
    ).toBe(404);
  });

  it('answers 404 for an unknown batch and 400 for a path that is no batch name', async () => {
    const missing = await env.app.inject({
      method: 'GET',
      url: '/api/v1/exposure/exports/1700000000-1700003600-99999.zip',
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('EN_EXPORT_NOT_FOUND');
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/exposure/exports/..%2Fsecret' })).statusCode).toBe(400);
  });

  it('deletes keys 14 days after their validity ended', async () => {
    const token = await freshToken();
    expect((await upload(token, [keyOf(13).body])).json()).toEqual({ inserted: 1 });
    await env.ctx.services.exposure.publish({ now: Date.now() + 2 * 86_400_000 });
    const left = await env.ctx.db
      .selectFrom('en_diagnosis_keys')
      .select('rolling_start_interval')
      .where('rolling_start_interval', '<=', today() - 13 * DAY)
      .execute();
    expect(left).toEqual([]);
  });

  it('deletes a key at the first moment it is 14 days past its end, not an interval later (any time of day)', async () => {
    const token = await freshToken();
    const key = keyOf(13).body;
    expect((await upload(token, [key])).json()).toEqual({ inserted: 1 });
    const fourteenDaysAfterEnd = (key.rollingStartIntervalNumber + key.rollingPeriod + 14 * DAY) * 600_000;
    const stored = () =>
      env.ctx.db
        .selectFrom('en_diagnosis_keys')
        .select('rolling_start_interval')
        .where('key_data', '=', Buffer.from(key.key, 'base64'))
        .execute();
    await env.ctx.services.exposure.publish({ now: fourteenDaysAfterEnd - 600_000 });
    expect(await stored()).toHaveLength(1);
    await env.ctx.services.exposure.publish({ now: fourteenDaysAfterEnd });
    expect(await stored()).toEqual([]);
  });
});

describe('publishing now', () => {
  it('lets a national admin publish a batch at once, and no one else', async () => {
    const admin = (await staffToken(env, 'admin', null)).token;
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/exposure/exports', headers: bearer(admin) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().path).toMatch(/^[0-9]{10}-[0-9]{10}-[0-9]{5}\.zip$/);
    const index = await env.app.inject({ method: 'GET', url: '/api/v1/exposure/exports/index.txt' });
    expect(index.body.trim().split('\n').at(-1)).toBe(res.json().path);
    expect(
      (await env.app.inject({ method: 'POST', url: '/api/v1/exposure/exports', headers: bearer(tracer) })).statusCode,
    ).toBe(403);
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/exposure/exports' })).statusCode).toBe(401);
  });
});

describe('the hourly export job', () => {
  it('publishes what is waiting and schedules its next run on the next hour', async () => {
    const token = await freshToken();
    const key = keyOf(2).body;
    expect((await upload(token, [key])).json()).toEqual({ inserted: 1 });
    await env.ctx.db.transaction().execute((trx) => env.ctx.jobs.enqueue(trx, EXPOSURE_EXPORT, {}));
    await env.ctx.jobs.drain();
    const published = await env.ctx.db
      .selectFrom('en_diagnosis_keys')
      .select('batch_id')
      .where('rolling_start_interval', '=', key.rollingStartIntervalNumber)
      .execute();
    expect(published.every((k) => k.batch_id !== null)).toBe(true);
    const next = await pendingRuns(env, 'exposure.export');
    expect(next).toHaveLength(1);
    expect(next[0]!.run_at.getTime() % 3_600_000).toBe(0);
    expect(next[0]!.run_at.getTime()).toBeGreaterThan(Date.now());
  });
});

// last: it spends this process's per-IP allowance on verify
describe('rate limits', () => {
  it('limits verify per IP (30 a minute), whatever the global limit on failures says', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 40 && codes.at(-1) !== 'RATE_LIMITED'; i++) {
      // the failures of the global window forgotten each time: only the per-IP limit can answer 429
      await env.ctx.db.deleteFrom('en_verify_failures').execute();
      const res = await verify(`9${String(i).padStart(7, '0')}`);
      codes.push(res.json().error.code);
    }
    expect(codes.at(-1)).toBe('RATE_LIMITED');
    expect(codes.slice(0, -1).every((c) => c === 'EN_CODE_INVALID')).toBe(true);
  });
});
