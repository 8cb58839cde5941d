/**
 * Bad input gets a clear 4xx with an exact code and both English and Vietnamese messages — never a 500,
 * and nothing is written on a rejected request.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestEnv, makeNationalId, staffToken, type TestEnv, UNITS } from '../../../test/harness.ts';

let env: TestEnv;
let small: TestEnv;
let token: string;

beforeAll(async () => {
  // one after the other: PGlite work blocks the event loop, and Fastify's plugin timeout runs meanwhile
  env = await createTestEnv({ provinces: ['75'], config: { sessionCacheSeconds: 0 } });
  small = await createTestEnv({ provinces: [], config: { bodyLimitBytes: 2048 } });
  token = (await staffToken(env, 'health_worker', UNITS.bienHoa)).token;
}, 180_000);
afterAll(async () => {
  await Promise.all([env?.close(), small?.close()]);
}, 60_000);

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json();
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.messageVi).toEqual(expect.any(String));
  expect(body.error.messageVi.length).toBeGreaterThan(0);
  expect(body.error.messageVi).not.toBe(body.error.message);
  return body;
}

const peopleCount = async () =>
  Number((await env.ctx.db.selectFrom('people').select(env.ctx.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

const postPerson = (payload: unknown, headers: Record<string, string> = {}) =>
  env.app.inject({
    method: 'POST',
    url: '/api/v1/people',
    headers: { ...bearer(token), ...headers },
    ...(typeof payload === 'string'
      ? { payload, headers: { ...bearer(token), 'content-type': 'application/json', ...headers } }
      : { payload: payload as object }),
  });

const valid = () => ({ nationalId: makeNationalId(), name: 'Lê Văn Cường', unitCode: UNITS.bienHoaCommune });

describe('bad request bodies', () => {
  it('malformed JSON → 400 INVALID_JSON', async () => {
    expectError(await postPerson('{"name": "x",'), 400, 'INVALID_JSON');
  });

  it('empty JSON body → 400 INVALID_JSON', async () => {
    expectError(await postPerson(''), 400, 'INVALID_JSON');
  });

  it('wrong type (birthYear "1980") → 400 VALIDATION_FAILED naming the field', async () => {
    const body = expectError(await postPerson({ ...valid(), birthYear: '1980' }), 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(body.error.details)).toContain('birthYear');
  });

  it('unknown field → 400 VALIDATION_FAILED', async () => {
    expectError(await postPerson({ ...valid(), isAdmin: true }), 400, 'VALIDATION_FAILED');
  });

  it('missing required field → 400 VALIDATION_FAILED', async () => {
    const { name: _name, ...rest } = valid();
    expectError(await postPerson(rest), 400, 'VALIDATION_FAILED');
  });

  it('a JSON array instead of an object → 400 VALIDATION_FAILED', async () => {
    expectError(await postPerson('[1,2,3]'), 400, 'VALIDATION_FAILED');
  });

  it('hostile JSON (prototype pollution, null, huge numbers, control characters) → 400, never 500', async () => {
    const cases: Array<[string, string]> = [
      [
        '{"__proto__": {"admin": true}, "name": "x", "unitCode": "25993", "nationalId": "079123456789"}',
        'INVALID_JSON',
      ],
      ['{"constructor": {"prototype": {"admin": true}}}', 'INVALID_JSON'],
      ['null', 'VALIDATION_FAILED'],
      ['"just a string"', 'VALIDATION_FAILED'],
      [`{"name":"x","unitCode":"25993","nationalId":"${makeNationalId()}","birthYear":1e309}`, 'VALIDATION_FAILED'],
      [`{"name":"x","unitCode":"25993","nationalId":"${makeNationalId()}","birthYear":1980.5}`, 'VALIDATION_FAILED'],
      [`{"name":"","unitCode":"25993","nationalId":"${makeNationalId()}"}`, 'VALIDATION_FAILED'],
      [`{"name":"${'x'.repeat(500)}","unitCode":"25993","nationalId":"${makeNationalId()}"}`, 'VALIDATION_FAILED'],
    ];
    for (const [payload, code] of cases) {
      expectError(await postPerson(payload), 400, code);
    }
  });

  it('invalid phone → 400 INVALID_PHONE', async () => {
    expectError(await postPerson({ ...valid(), phone: '12345' }), 400, 'INVALID_PHONE');
  });

  it('invalid national ID → 400 INVALID_NATIONAL_ID', async () => {
    expectError(await postPerson({ ...valid(), nationalId: '12345' }), 400, 'INVALID_NATIONAL_ID');
    expectError(await postPerson({ ...valid(), nationalId: '07912345678a' }), 400, 'INVALID_NATIONAL_ID');
  });

  it('neither national ID nor phone → 400 PERSON_IDENTIFIER_REQUIRED', async () => {
    expectError(
      await postPerson({ name: 'Không Giấy Tờ', unitCode: UNITS.bienHoaCommune }),
      400,
      'PERSON_IDENTIFIER_REQUIRED',
    );
  });

  it('unknown unit → 400 UNIT_NOT_FOUND', async () => {
    expectError(await postPerson({ ...valid(), unitCode: '99999' }), 400, 'UNIT_NOT_FOUND');
  });

  it('unsupported content type → 415 UNSUPPORTED_MEDIA_TYPE; text/plain → 400 VALIDATION_FAILED', async () => {
    const send = (type: string) =>
      env.app.inject({
        method: 'POST',
        url: '/api/v1/people',
        headers: { ...bearer(token), 'content-type': type },
        payload: '<person/>',
      });
    expectError(await send('application/xml'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await send('text/plain'), 400, 'VALIDATION_FAILED');
  });

  it('invalid Idempotency-Key → 400 IDEMPOTENCY_KEY_INVALID', async () => {
    expectError(await postPerson(valid(), { 'idempotency-key': 'bad key!' }), 400, 'IDEMPOTENCY_KEY_INVALID');
  });

  it('oversized body → 413 BODY_TOO_LARGE', async () => {
    const res = await small.app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/login',
      payload: { username: 'x'.repeat(10), password: 'y'.repeat(4000) },
    });
    expectError(res, 413, 'BODY_TOO_LARGE');
  });

  it('nothing is written by any rejected request', async () => {
    const before = await peopleCount();
    const auditBefore = Number(
      (
        await env.ctx.db
          .selectFrom('audit_log')
          .select(env.ctx.db.fn.countAll().as('n'))
          .where('action', '=', 'people.create')
          .executeTakeFirstOrThrow()
      ).n,
    );
    await postPerson('{oops');
    await postPerson({ ...valid(), birthYear: '1980' });
    await postPerson({ ...valid(), extra: 1 });
    await postPerson({ ...valid(), phone: 'abc' });
    await postPerson({ ...valid(), nationalId: '1' });
    await postPerson({ name: 'x', unitCode: UNITS.bienHoaCommune });
    await postPerson({ ...valid(), unitCode: UNITS.longKhanh }); // out of scope → 403
    expect(await peopleCount()).toBe(before);
    const auditAfter = Number(
      (
        await env.ctx.db
          .selectFrom('audit_log')
          .select(env.ctx.db.fn.countAll().as('n'))
          .where('action', '=', 'people.create')
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(auditAfter).toBe(auditBefore);
  });
});

describe('bad routes and parameters', () => {
  it('unknown route → 404 ROUTE_NOT_FOUND', async () => {
    expectError(await env.app.inject({ method: 'GET', url: '/api/v1/nope' }), 404, 'ROUTE_NOT_FOUND');
    expectError(await env.app.inject({ method: 'DELETE', url: '/api/v1/people' }), 404, 'ROUTE_NOT_FOUND');
  });

  it('non-uuid id → 400 VALIDATION_FAILED', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/v1/people/not-a-uuid', headers: bearer(token) });
    expectError(res, 400, 'VALIDATION_FAILED');
  });

  it('bad query string → 400 VALIDATION_FAILED', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/v1/people?q=ab&limit=1000', headers: bearer(token) });
    expectError(res, 400, 'VALIDATION_FAILED');
    const missing = await env.app.inject({ method: 'GET', url: '/api/v1/people', headers: bearer(token) });
    expectError(missing, 400, 'VALIDATION_FAILED');
  });
});

describe('authentication problems', () => {
  const me = (headers: Record<string, string>) => env.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });

  it('missing token → 401 UNAUTHENTICATED', async () => {
    expectError(await me({}), 401, 'UNAUTHENTICATED');
    expectError(
      await env.app.inject({ method: 'POST', url: '/api/v1/people', payload: valid() }),
      401,
      'UNAUTHENTICATED',
    );
  });

  it('garbage token → 401 UNAUTHENTICATED (bearer and cookie)', async () => {
    expectError(await me(bearer('garbage')), 401, 'UNAUTHENTICATED');
    expectError(await me({ authorization: 'Bearer ' }), 401, 'UNAUTHENTICATED');
    expectError(await me({ authorization: 'Basic Zm9vOmJhcg==' }), 401, 'UNAUTHENTICATED');
    expectError(await me({ cookie: 'tv_session=garbage' }), 401, 'UNAUTHENTICATED');
  });

  it('expired token → 401 SESSION_EXPIRED', async () => {
    const s = await staffToken(env, 'tracer', UNITS.bienHoa);
    expect((await me(bearer(s.token))).statusCode).toBe(200);
    await env.ctx.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', s.userId)
      .execute();
    expectError(await me(bearer(s.token)), 401, 'SESSION_EXPIRED');
    expectError(
      await env.app.inject({ method: 'GET', url: '/api/v1/people?q=abc', headers: bearer(s.token) }),
      401,
      'SESSION_EXPIRED',
    );
  });

  it('a session created with a TTL that has run out → 401 SESSION_EXPIRED', async () => {
    const s = await staffToken(env, 'tracer', UNITS.bienHoa);
    const short = await env.ctx.sessions.create(env.ctx.db, { kind: 'staff', userId: s.userId }, 0.05);
    await new Promise((r) => setTimeout(r, 100));
    expectError(await me(bearer(short.token)), 401, 'SESSION_EXPIRED');
  });

  it('non-staff token on a staff route → 403 FORBIDDEN', async () => {
    const leader = await staffToken(env, 'leader', UNITS.province);
    const res = await env.app.inject({
      method: 'GET',
      url: '/api/v1/people?q=nguyen',
      headers: bearer(leader.token),
    });
    expectError(res, 403, 'FORBIDDEN');
  });
});
