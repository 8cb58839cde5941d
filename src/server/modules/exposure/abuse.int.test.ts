/**
 * The exposure module against abuse: guessing verification codes (a global limit on failed verifications, counted
 * in the database, and a cap on the codes alive at once; offline, from a copy of the database, against codes stored
 * under a key from the deployment's secret), codes and tokens of a case that is no longer confirmed,
 * and a citizen flooding a case with Bluetooth contacts (one `ble` contact per case and person, a rate limit per
 * account on match reports).
 */
import { createHash } from 'node:crypto';
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
import { enIntervalNumber, generateTek, toBase64 } from '../../../exposure/crypto.ts';
import { type App, buildApp } from '../../app.ts';
import { createContext } from '../../context.ts';
import {
  EN_CODE_TTL_MINUTES,
  EN_FAILED_VERIFY_LIMIT,
  EN_FAILED_VERIFY_WINDOW_MINUTES,
  EN_MATCH_REPORTS_PER_HOUR,
  EN_MAX_LIVE_CODES,
} from './constants.ts';
import { EN_CODE_KEY_PURPOSE, EN_CODE_SUBJECT } from './service.ts';

let env: TestEnv;
let tracer: string;

const DAY = 144;
const MINUTE = 60_000;
const nowSeconds = () => Math.floor(Date.now() / 1000);

let ipSerial = 0;
/** Every call from an address of its own: the per-IP limit never answers for the global one. */
const nextIp = () => {
  ipSerial++;
  return `10.9.${Math.floor(ipSerial / 250)}.${(ipSerial % 250) + 1}`;
};

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

async function confirmedCase(phone: string) {
  const f0 = await resident(phone);
  const created = await env.app.inject({
    method: 'POST',
    url: '/api/v1/cases',
    headers: bearer(tracer),
    payload: { person: { personId: f0.personId }, confirmedAt: new Date(Date.now() - 3600_000).toISOString() },
  });
  expect(created.statusCode, created.body).toBe(201);
  return { f0, caseId: created.json().id as string };
}

const issue = (caseId: string) =>
  env.app.inject({
    method: 'POST',
    url: '/api/v1/exposure/verification-codes',
    headers: bearer(tracer),
    payload: { caseId },
  });
const verify = (code: string, remoteAddress = nextIp()) =>
  env.app.inject({ method: 'POST', url: '/api/v1/exposure/verify', payload: { code }, remoteAddress });
const upload = (token: string, keys: unknown[]) =>
  env.app.inject({ method: 'POST', url: '/api/v1/exposure/keys', payload: { token, keys }, remoteAddress: nextIp() });
const setStatus = (caseId: string, status: string) =>
  env.app.inject({ method: 'PATCH', url: `/api/v1/cases/${caseId}`, headers: bearer(tracer), payload: { status } });

/** A wrong code no test issued (8 digits starting with 9, the issued ones are random: a clash is 1 in 10^8). */
let wrongSerial = 0;
const wrongCode = () => `9${String(++wrongSerial).padStart(7, '0')}`;

const failuresStored = async () =>
  Number(
    (
      await env.ctx.db
        .selectFrom('en_verify_failures')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
/** Moves every stored failure back past the window: as if the window had passed. */
const windowPasses = () =>
  env.ctx.db
    .updateTable('en_verify_failures')
    .set((eb) => ({ at: eb.val(new Date(Date.now() - (EN_FAILED_VERIFY_WINDOW_MINUTES + 1) * MINUTE)) }))
    .execute();

function keyOf(daysAgo: number) {
  const tek = generateTek(nowSeconds());
  const start = Math.floor(enIntervalNumber(nowSeconds()) / DAY) * DAY - daysAgo * DAY;
  return { key: toBase64(tek.keyData), rollingStartIntervalNumber: start, rollingPeriod: 144 };
}

beforeAll(async () => {
  env = await createTestEnv();
  tracer = (await staffToken(env, 'tracer', UNITS.bienHoa)).token;
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('guessing verification codes', () => {
  it('codes live an hour at most, and the SMS says so', async () => {
    const { caseId } = await confirmedCase('0912000501');
    const before = Date.now();
    const res = await issue(caseId);
    expect(res.statusCode, res.body).toBe(201);
    const expiresAt = new Date(res.json().expiresAt).getTime();
    expect(EN_CODE_TTL_MINUTES).toBeLessThanOrEqual(60);
    expect(expiresAt).toBeGreaterThanOrEqual(before + EN_CODE_TTL_MINUTES * MINUTE - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + EN_CODE_TTL_MINUTES * MINUTE);
    await env.ctx.jobs.drain();
    const sms = await env.ctx.db
      .selectFrom('notify_fake_messages')
      .select('text')
      .where('text', 'like', `%${res.json().code}%`)
      .executeTakeFirstOrThrow();
    expect(sms.text).toContain('hieu luc 1 gio');
  });

  it('after too many failed verifications in the window, from anyone, refuses everyone (429) until it passes', async () => {
    const { caseId } = await confirmedCase('0912000502');
    const { code } = (await issue(caseId)).json();
    await windowPasses();

    // a burst from many addresses at once: never more failures than the limit get an answer
    const burst = await Promise.all(
      Array.from({ length: EN_FAILED_VERIFY_LIMIT + 10 }, () => verify(wrongCode()).then((r) => r.statusCode)),
    );
    const answered = burst.filter((s) => s === 400).length;
    expect(answered).toBeLessThanOrEqual(EN_FAILED_VERIFY_LIMIT);
    expect(burst.filter((s) => s !== 400).every((s) => s === 429)).toBe(true);
    // one at a time: exactly the limit of wrong codes is answered in the window
    let wrongAnswered = answered;
    for (let i = 0; i < EN_FAILED_VERIFY_LIMIT; i++) {
      const res = await verify(wrongCode());
      if (res.statusCode === 429) break;
      expectError(res, 400, 'EN_CODE_INVALID');
      wrongAnswered++;
    }
    expect(wrongAnswered).toBe(EN_FAILED_VERIFY_LIMIT);
    // the refused attempts are not counted: only the failures are stored
    expect(await failuresStored()).toBe(EN_FAILED_VERIFY_LIMIT);

    const locked = expectError(await verify(wrongCode()), 429, 'EN_VERIFY_LOCKED');
    expect(locked.error.details).toEqual({ retryAfter: expect.any(Number) });
    const retryAfter = (locked.error.details as { retryAfter: number }).retryAfter;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(EN_FAILED_VERIFY_WINDOW_MINUTES * 60);
    // everyone, the right code too, from an address that never failed
    const right = await verify(code);
    expectError(right, 429, 'EN_VERIFY_LOCKED');
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(await failuresStored()).toBe(EN_FAILED_VERIFY_LIMIT);

    await windowPasses();
    const ok = await verify(code);
    expect(ok.statusCode, ok.body).toBe(200);
    // a success is no failure
    expect(await failuresStored()).toBe(EN_FAILED_VERIFY_LIMIT);
    // used and expired codes are failures too (they give no token)
    expectError(await verify(code), 409, 'EN_CODE_USED');
    expect(await failuresStored()).toBe(EN_FAILED_VERIFY_LIMIT + 1);
  });

  it('issues no code while the most codes the limit is sized for are waiting to be used (429)', async () => {
    const { caseId, f0 } = await confirmedCase('0912000503');
    await windowPasses();
    const liveNow = Number(
      (
        await env.ctx.db
          .selectFrom('en_verification_codes')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('verified_at', 'is', null)
          .where('expires_at', '>', new Date())
          .executeTakeFirstOrThrow()
      ).n,
    );
    const expiresAt = new Date(Date.now() + 30 * MINUTE);
    const rows = Array.from({ length: EN_MAX_LIVE_CODES - liveNow }, (_, i) => ({
      code_hash: `test-live-${i}`,
      case_id: caseId,
      person_id: f0.personId,
      expires_at: expiresAt,
    }));
    for (let i = 0; i < rows.length; i += 500)
      await env.ctx.db
        .insertInto('en_verification_codes')
        .values(rows.slice(i, i + 500))
        .execute();
    expectError(await issue(caseId), 429, 'EN_TOO_MANY_LIVE_CODES');
    // codes that were used, or expired, wait for nothing
    await env.ctx.db
      .updateTable('en_verification_codes')
      .set({ verified_at: new Date() })
      .where('code_hash', '=', 'test-live-0')
      .execute();
    expect((await issue(caseId)).statusCode).toBe(201);
    await env.ctx.db.deleteFrom('en_verification_codes').where('code_hash', 'like', 'test-live-%').execute();
  });
});

describe('a case no longer confirmed', () => {
  it('refuses its code and its upload token (409) while it is suspected, and takes them again once it is confirmed', async () => {
    const { caseId } = await confirmedCase('0912000511');
    await windowPasses();
    const first = (await issue(caseId)).json().code as string;
    const second = (await issue(caseId)).json().code as string;
    const verified = await verify(first);
    expect(verified.statusCode, verified.body).toBe(200);
    const token = verified.json().token as string;

    expect((await setStatus(caseId, 'suspected')).statusCode).toBe(200);
    const failuresBefore = await failuresStored();
    expectError(await verify(second), 409, 'EN_CASE_NO_LONGER_CONFIRMED');
    expectError(await upload(token, [keyOf(2)]), 409, 'EN_CASE_NO_LONGER_CONFIRMED');
    const keys = await env.ctx.db
      .selectFrom('en_diagnosis_keys')
      .select('verification_id')
      .where(
        'verification_id',
        'in',
        env.ctx.db.selectFrom('en_verification_codes').select('id').where('case_id', '=', caseId),
      )
      .execute();
    expect(keys).toEqual([]);
    // the right code for a downgraded case is no guess: not counted as a failure, and still unused
    expect(await failuresStored()).toBe(failuresBefore);

    expect((await setStatus(caseId, 'confirmed')).statusCode).toBe(200);
    expect((await verify(second)).statusCode).toBe(200);
    expect((await upload(token, [keyOf(2)])).json()).toEqual({ inserted: 1 });
  });

  it('never publishes the keys it uploaded before it went back to suspected: the export deletes them, audited', async () => {
    const keysOf = (id: string) =>
      env.ctx.db
        .selectFrom('en_diagnosis_keys')
        .select(['key_data', 'batch_id'])
        .where(
          'verification_id',
          'in',
          env.ctx.db.selectFrom('en_verification_codes').select('id').where('case_id', '=', id),
        )
        .execute();
    const withdrawn = await confirmedCase('0912000512');
    const kept = await confirmedCase('0912000513');
    await windowPasses();
    for (const c of [withdrawn, kept]) {
      const token = (await verify((await issue(c.caseId)).json().code)).json().token as string;
      expect((await upload(token, [keyOf(2), keyOf(3)])).json()).toEqual({ inserted: 2 });
    }
    expect((await setStatus(withdrawn.caseId, 'suspected')).statusCode).toBe(200);
    const published = await env.ctx.services.exposure.publish();
    expect(await keysOf(withdrawn.caseId)).toEqual([]);
    const still = await keysOf(kept.caseId);
    expect(still).toHaveLength(2);
    expect(still.every((k) => k.batch_id !== null)).toBe(true);
    expect(published.keys).toBeGreaterThanOrEqual(2);
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select(['actor_type', 'details'])
      .where('action', '=', 'exposure.keys.withdraw')
      .where('resource_id', '=', withdrawn.caseId)
      .execute();
    expect(audit).toEqual([{ actor_type: 'system', details: { keys: 2, reason: 'case_not_confirmed' } }]);
  });
});

describe('Bluetooth contacts reported by a citizen', () => {
  let caseId: string;
  let key: ReturnType<typeof keyOf>;

  beforeAll(async () => {
    const c = await confirmedCase('0912000521');
    caseId = c.caseId;
    await windowPasses();
    const token = (await verify((await issue(caseId)).json().code)).json().token as string;
    key = keyOf(2);
    expect((await upload(token, [key])).json()).toEqual({ inserted: 1 });
  });

  const report = (citizen: string, firstSeenAt: Date) =>
    env.app.inject({
      method: 'POST',
      url: '/api/v1/exposure/matches',
      headers: bearer(citizen),
      payload: {
        consent: true,
        matches: [
          {
            key: key.key,
            rollingStartIntervalNumber: key.rollingStartIntervalNumber,
            firstSeenAt: firstSeenAt.toISOString(),
            lastSeenAt: new Date(firstSeenAt.getTime() + 30 * MINUTE).toISOString(),
            minutes: 30,
            risk: 30,
          },
        ],
      },
    });
  const bleRows = (personId: string) =>
    env.ctx.db
      .selectFrom('contacts')
      .select(['confirmation', 'overlap_start'])
      .where('case_id', '=', caseId)
      .where('person_id', '=', personId)
      .where('via_type', '=', 'ble')
      .execute();

  it('keeps one ble contact per case and person, whatever times later reports carry, and a dismissed one dismissed', async () => {
    const neighbour = await resident('0912000522');
    const start = Date.now() - 2 * 86_400_000;
    for (let i = 0; i < 3; i++) {
      const res = await report(neighbour.token, new Date(start + i * 7 * MINUTE));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ reported: 1 });
    }
    expect(await bleRows(neighbour.personId)).toEqual([{ confirmation: 'pending', overlap_start: new Date(start) }]);
    // the report itself keeps the widest window
    const reports = await env.app.inject({
      method: 'GET',
      url: `/api/v1/exposure/cases/${caseId}/ble-contacts`,
      headers: bearer(tracer),
    });
    expect(reports.json()).toEqual([
      expect.objectContaining({
        personId: neighbour.personId,
        firstSeenAt: new Date(start).toISOString(),
        lastSeenAt: new Date(start + 44 * MINUTE).toISOString(),
      }),
    ]);

    const dismissed = await env.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/contacts/${neighbour.personId}/dismiss`,
      headers: bearer(tracer),
    });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    expect((await report(neighbour.token, new Date(start - 60 * MINUTE))).statusCode).toBe(200);
    expect(await bleRows(neighbour.personId)).toEqual([{ confirmation: 'dismissed', overlap_start: new Date(start) }]);
  });

  it('takes so many match reports an hour per account (429), another account still reports', async () => {
    const busy = await resident('0912000523');
    const other = await resident('0912000524');
    const start = Date.now() - 2 * 86_400_000;
    for (let i = 0; i < EN_MATCH_REPORTS_PER_HOUR; i++)
      expect((await report(busy.token, new Date(start + i * MINUTE))).statusCode).toBe(200);
    expectError(await report(busy.token, new Date(start)), 429, 'RATE_LIMITED');
    expect((await report(other.token, new Date(start))).statusCode).toBe(200);
    expect(await bleRows(busy.personId)).toHaveLength(1);
  });

  it('answers the count of matches sent, whatever they name: published keys cannot be grouped by F0 or told from padding', async () => {
    const prober = await resident('0912000529');
    const at = new Date(Date.now() - 86_400_000);
    const send = (keys: string[]) =>
      env.app.inject({
        method: 'POST',
        url: '/api/v1/exposure/matches',
        headers: bearer(prober.token),
        payload: {
          consent: true,
          matches: keys.map((k) => ({
            key: k,
            rollingStartIntervalNumber: key.rollingStartIntervalNumber,
            firstSeenAt: at.toISOString(),
            lastSeenAt: new Date(at.getTime() + 10 * MINUTE).toISOString(),
            minutes: 10,
            risk: 10,
          })),
        },
      });
    const padding = () => keyOf(1).key;
    const answers = [];
    for (const keys of [
      [key.key, padding()],
      [padding(), padding()],
      [key.key, key.key],
    ]) {
      const res = await send(keys);
      expect(res.statusCode, res.body).toBe(200);
      answers.push(res.json());
    }
    expect(answers).toEqual([{ reported: 2 }, { reported: 2 }, { reported: 2 }]);
    // only the real key became a contact
    expect(await bleRows(prober.personId)).toHaveLength(1);
  });
});

describe('verification codes in a copy of the database', () => {
  const OTHER_SECRET = 'another deployment secret for this test, 32+ characters';
  let otherApp: App;
  beforeAll(async () => {
    // a second app on the same database with a secret of its own: the database after a change of secret
    otherApp = await buildApp(
      createContext({ ...env.ctx.config, otpSecret: OTHER_SECRET }, env.ctx.database, env.ctx.log),
    );
  }, 60_000);
  afterAll(async () => {
    await otherApp?.close();
  }, 60_000);

  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const storedHashes = async (caseId: string) =>
    (
      await env.ctx.db.selectFrom('en_verification_codes').select('code_hash').where('case_id', '=', caseId).execute()
    ).map((r) => r.code_hash);

  it('stores a code only as an HMAC under the key of the deployment secret, not as its SHA-256', async () => {
    const { caseId } = await confirmedCase('0912000531');
    const { code } = (await issue(caseId)).json();
    const key = await env.ctx.otp.key(EN_CODE_KEY_PURPOSE);
    expect(await storedHashes(caseId)).toEqual([key.hash(EN_CODE_SUBJECT, code)]);
    expect(await storedHashes(caseId)).not.toContain(sha256(code));
  });

  it('does not verify a code stored under another secret, nor one stored as SHA-256 before the upgrade', async () => {
    const { caseId, f0 } = await confirmedCase('0912000532');
    await windowPasses();
    const issuedBefore = (await issue(caseId)).json().code as string;
    expectError(
      await otherApp.inject({
        method: 'POST',
        url: '/api/v1/exposure/verify',
        payload: { code: issuedBefore },
        remoteAddress: nextIp(),
      }),
      400,
      'EN_CODE_INVALID',
    );
    // the same code still verifies where it was issued: only the secret differs
    expect((await verify(issuedBefore)).statusCode).toBe(200);

    const legacy = '87654321';
    await env.ctx.db
      .insertInto('en_verification_codes')
      .values({
        code_hash: sha256(legacy),
        case_id: caseId,
        person_id: f0.personId,
        expires_at: new Date(Date.now() + 30 * MINUTE),
      })
      .execute();
    expectError(await verify(legacy), 400, 'EN_CODE_INVALID');
    await env.ctx.db.deleteFrom('en_verification_codes').where('code_hash', '=', sha256(legacy)).execute();

    // a code issued under the new secret verifies
    const issuedAfter = await otherApp.inject({
      method: 'POST',
      url: '/api/v1/exposure/verification-codes',
      headers: bearer(tracer),
      payload: { caseId },
    });
    expect(issuedAfter.statusCode, issuedAfter.body).toBe(201);
    const verified = await otherApp.inject({
      method: 'POST',
      url: '/api/v1/exposure/verify',
      payload: { code: issuedAfter.json().code },
      remoteAddress: nextIp(),
    });
    expect(verified.statusCode, verified.body).toBe(200);
    await windowPasses();
  });
});
