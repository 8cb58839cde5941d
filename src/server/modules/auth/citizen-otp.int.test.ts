/** Citizen sign-in by phone + one-time code: codes expire, wrong codes lock, sends are capped. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestEnv, makeNationalId, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

let env: TestEnv;
let adminToken: string;
let phoneSerial = 0;
/** A fresh valid mobile number per test. */
const newPhone = () => `09${String(process.pid % 1000).padStart(3, '0')}${String(++phoneSerial).padStart(5, '0')}`;
const e164 = (p: string) => `+84${p.slice(1)}`;

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'], config: { authRateLimitPerMinute: 10_000 } });
  adminToken = (await staffToken(env, 'admin', null)).token;
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

const requestOtp = (phone: string) =>
  env.app.inject({ method: 'POST', url: '/api/v1/auth/citizen/otp', payload: { phone } });
const verify = (phone: string, code: string) =>
  env.app.inject({ method: 'POST', url: '/api/v1/auth/citizen/verify', payload: { phone, code } });

/** Reads the latest code sent to `phone` through the admin's dev outbox. */
async function codeFromOutbox(phone: string): Promise<string> {
  await env.ctx.jobs.drain();
  const res = await env.app.inject({
    method: 'GET',
    url: `/api/v1/dev/outbox?to=${encodeURIComponent(phone)}`,
    headers: bearer(adminToken),
  });
  expect(res.statusCode).toBe(200);
  const [latest] = res.json() as Array<{ channel: string; to: string; text: string }>;
  expect(latest).toMatchObject({ channel: 'sms', to: e164(phone) });
  const code = /(\d{6})/.exec(latest?.text ?? '')?.[1];
  if (!code) throw new Error('no code in outbox');
  return code;
}

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('citizen OTP sign-in', () => {
  it('request → 202, code arrives in the fake SMS outbox, verify → token that works on /auth/me', async () => {
    const phone = newPhone();
    const sent = await requestOtp(phone);
    expect(sent.statusCode).toBe(202);
    expect(sent.json().expiresInSeconds).toBe(300);
    const code = await codeFromOutbox(phone);
    const res = await verify(phone, code);
    expect(res.statusCode).toBe(200);
    const { token, person } = res.json();
    expect(token).toEqual(expect.any(String));
    expect(person).toMatchObject({ phone: e164(phone), profileComplete: false });
    expect(res.cookies.find((c) => c.name === 'tv_session')).toMatchObject({ httpOnly: true });
    const me = await env.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ kind: 'citizen', person: { personId: person.personId, phone: e164(phone) } });
  });

  it('the same phone written differently signs into the same account', async () => {
    const phone = newPhone();
    await requestOtp(phone);
    const first = await verify(phone, await codeFromOutbox(phone));
    const spaced = `+84 ${phone.slice(1, 4)} ${phone.slice(4)}`;
    await requestOtp(spaced);
    const second = await verify(spaced, await codeFromOutbox(phone));
    expect(second.statusCode).toBe(200);
    expect(second.json().person.personId).toBe(first.json().person.personId);
  });

  it('a code works only once', async () => {
    const phone = newPhone();
    await requestOtp(phone);
    const code = await codeFromOutbox(phone);
    expect((await verify(phone, code)).statusCode).toBe(200);
    const again = await verify(phone, code);
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('OTP_INVALID');
  });

  it('wrong code → 401 OTP_INVALID with attempts left', async () => {
    const phone = newPhone();
    await requestOtp(phone);
    const code = await codeFromOutbox(phone);
    const res = await verify(phone, wrong(code));
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 'OTP_INVALID', details: { attemptsLeft: 4 } });
    expect(res.json().error.messageVi).toEqual(expect.any(String));
  });

  it('verify without any requested code → 401 OTP_INVALID', async () => {
    const res = await verify(newPhone(), '123456');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('OTP_INVALID');
  });

  it('5 wrong codes: the 5th answer is 429 OTP_LOCKED and then even the right code is refused', async () => {
    const phone = newPhone();
    await requestOtp(phone);
    const code = await codeFromOutbox(phone);
    for (let i = 1; i <= 4; i++) {
      const res = await verify(phone, wrong(code));
      expect(res.statusCode).toBe(401);
      expect(res.json().error.details.attemptsLeft).toBe(5 - i);
    }
    const fifth = await verify(phone, wrong(code));
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().error.code).toBe('OTP_LOCKED');
    expect(fifth.json().error.message).toContain('15');
    expect(fifth.json().error.messageVi).toContain('15');
    const right = await verify(phone, code);
    expect(right.statusCode).toBe(429);
    expect(right.json().error.code).toBe('OTP_LOCKED');
    // no new code can be requested while locked either
    const again = await requestOtp(phone);
    expect(again.statusCode).toBe(429);
    expect(again.json().error.code).toBe('OTP_LOCKED');
    expect(
      await env.ctx.db.selectFrom('citizen_accounts').select('phone').where('phone', '=', e164(phone)).execute(),
    ).toEqual([]);
  });

  it('60 concurrent verifies (59 wrong, the right code last): the right code is refused and spent', async () => {
    const phone = newPhone();
    await requestOtp(phone);
    const code = await codeFromOutbox(phone);
    const results = await Promise.all([
      ...Array.from({ length: 59 }, (_, i) =>
        verify(phone, String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0')),
      ),
      verify(phone, code),
    ]);
    const right = results.at(-1);
    expect(right?.statusCode).toBe(429);
    expect(right?.json().error.code).toBe('OTP_LOCKED');
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(0);
    expect(results.filter((r) => r.statusCode === 401)).toHaveLength(4);
    const row = await env.ctx.db
      .selectFrom('otp_codes')
      .select(['code_hash', 'locked_until'])
      .where('phone', '=', e164(phone))
      .executeTakeFirstOrThrow();
    expect(row.code_hash).toBe('');
    expect(row.locked_until?.getTime()).toBeGreaterThan(Date.now());
    // once the lock runs out the old code is still spent
    await env.ctx.db
      .updateTable('otp_codes')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('phone', '=', e164(phone))
      .execute();
    expect((await verify(phone, code)).json().error.code).toBe('OTP_INVALID');
  });

  it('after the lock expires a fresh code signs in', async () => {
    const phone = newPhone();
    await requestOtp(phone);
    const code = await codeFromOutbox(phone);
    for (let i = 0; i < 5; i++) await verify(phone, wrong(code));
    await env.ctx.db
      .updateTable('otp_codes')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('phone', '=', e164(phone))
      .execute();
    expect((await requestOtp(phone)).statusCode).toBe(202);
    expect((await verify(phone, await codeFromOutbox(phone))).statusCode).toBe(200);
  });

  it('expired code → 401 OTP_EXPIRED', async () => {
    const phone = newPhone();
    await requestOtp(phone);
    const code = await codeFromOutbox(phone);
    await env.ctx.db
      .updateTable('otp_codes')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('phone', '=', e164(phone))
      .execute();
    const res = await verify(phone, code);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('OTP_EXPIRED');
  });

  it('more than 5 sends per hour → 429 OTP_TOO_MANY_SENDS; only 5 messages go out', async () => {
    const phone = newPhone();
    for (let i = 0; i < 5; i++) expect((await requestOtp(phone)).statusCode).toBe(202);
    const sixth = await requestOtp(phone);
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().error.code).toBe('OTP_TOO_MANY_SENDS');
    await env.ctx.jobs.drain();
    const sent = await env.ctx.db
      .selectFrom('notify_fake_messages')
      .select('id')
      .where('recipient', '=', e164(phone))
      .execute();
    expect(sent).toHaveLength(5);
    // the window resets after an hour
    await env.ctx.db
      .updateTable('otp_codes')
      .set({ window_started_at: new Date(Date.now() - 3601_000) })
      .where('phone', '=', e164(phone))
      .execute();
    expect((await requestOtp(phone)).statusCode).toBe(202);
  });

  it('invalid phone → 400 INVALID_PHONE on request and verify', async () => {
    for (const res of [await requestOtp('12345'), await verify('abc', '123456')]) {
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('INVALID_PHONE');
    }
  });

  it('a person registered by staff with that phone becomes the account holder on first sign-in', async () => {
    const phone = newPhone();
    const worker = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const created = await env.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: bearer(worker.token),
      payload: { nationalId: makeNationalId(), phone, name: 'Phạm Thị Dung', unitCode: UNITS.bienHoaCommune },
    });
    expect(created.statusCode).toBe(201);
    await requestOtp(phone);
    const res = await verify(phone, await codeFromOutbox(phone));
    expect(res.statusCode).toBe(200);
    expect(res.json().person).toMatchObject({
      personId: created.json().id,
      name: 'Phạm Thị Dung',
      profileComplete: true,
    });
  });

  it('sign-in outcomes are audited without the phone number', async () => {
    const rows = await env.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'outcome', 'details'])
      .where('action', 'in', ['auth.citizen.login', 'auth.otp.request'])
      .execute();
    expect(rows.some((r) => r.action === 'auth.citizen.login' && r.outcome === 'ok')).toBe(true);
    expect(rows.some((r) => r.action === 'auth.citizen.login' && r.outcome === 'denied')).toBe(true);
    expect(JSON.stringify(rows)).not.toMatch(/\+84\d{9}/);
  });
});
