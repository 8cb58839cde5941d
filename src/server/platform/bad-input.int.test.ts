/**
 * Bad input gets a clear 4xx with an exact code and both English and Vietnamese messages — never a 500,
 * and nothing is written on a rejected request.
 */
import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestEnv,
  expectError,
  makeNationalId,
  staffToken,
  type TestEnv,
  UNITS,
} from '../../../test/harness.ts';

// ajv-formats is CommonJS with a default export (as in app.ts)
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

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
    expectError(await postPerson(valid(), { 'idempotency-key': 'x'.repeat(129) }), 400, 'IDEMPOTENCY_KEY_INVALID');
    expectError(await postPerson(valid(), { 'idempotency-key': 'khóa-1' }), 400, 'IDEMPOTENCY_KEY_INVALID');
  });

  it('a short or punctuated Idempotency-Key is a key like any other: the retry answers the same', async () => {
    for (const key of ['k1', 'order:17.a']) {
      const body = valid();
      const first = await postPerson(body, { 'idempotency-key': key });
      expect(first.statusCode, first.body).toBe(201);
      const again = await postPerson(body, { 'idempotency-key': key });
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toEqual(first.json());
    }
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

describe('values PostgreSQL cannot take (NUL, dates out of range, unknown references) → 4xx, never 500', () => {
  it('NUL in a query string, a path parameter or a login → 400 INVALID_CHARACTERS, anonymous callers too', async () => {
    expectError(await env.app.inject({ method: 'GET', url: '/api/v1/admin-units?q=a%00b' }), 400, 'INVALID_CHARACTERS');
    expectError(await env.app.inject({ method: 'GET', url: '/api/v1/admin-units/a%00b' }), 400, 'INVALID_CHARACTERS');
    const login = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/login',
      payload: { username: 'admin\u0000', password: 'whatever-password' },
    });
    expectError(login, 400, 'INVALID_CHARACTERS');
    expectError(await postPerson({ ...valid(), name: 'Lê\u0000Văn' }), 400, 'INVALID_CHARACTERS');
  });

  it('a body nested deeper than 32 levels → 400 BODY_TOO_DEEP; an array of 400,000 items → 4xx (neither a 500)', async () => {
    // 20,000 levels made canonicalJson (the idempotency hash) overflow the stack: a 500 for any citizen
    const nested = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/staff/login',
      headers: { 'content-type': 'application/json' },
      payload: `{"username":"admin","password":${'['.repeat(20_000)}1${']'.repeat(20_000)}}`,
    });
    expectError(nested, 400, 'BODY_TOO_DEEP');
    expect(nested.json().error.details).toEqual({ maxDepth: 32 });
    // 32 levels are taken (the schema then refuses the value itself)
    let ok: unknown = 1;
    for (let i = 0; i < 31; i++) ok = [ok];
    expectError(
      await env.app.inject({
        method: 'POST',
        url: '/api/v1/auth/staff/login',
        payload: { username: 'admin', password: ok },
      }),
      400,
      'VALIDATION_FAILED',
    );
    // `stack.push(...array)` threw a RangeError on ~400,000 items, before any key was checked: an anonymous 500
    const long = await env.app.inject({
      method: 'POST',
      url: '/api/v1/partner/declarations',
      headers: { 'content-type': 'application/json' },
      payload: `{"answers":[${new Array(400_000).fill('0').join(',')}]}`,
    });
    expect(long.statusCode, long.body).toBeGreaterThanOrEqual(400);
    expect(long.statusCode, long.body).toBeLessThan(500);
  });

  it('dates outside 1900–2100 → 400 VALIDATION_FAILED on the field; the bounds themselves are accepted', async () => {
    const person = await postPerson({ ...valid(), birthDate: '1900-01-01' });
    expect(person.statusCode, person.body).toBe(201);
    const personId = person.json().id as string;
    const tooOld = expectError(await postPerson({ ...valid(), birthDate: '1899-12-31' }), 400, 'VALIDATION_FAILED');
    expect((tooOld.error.details as unknown[])[0]).toMatchObject({ path: '/birthDate', keyword: 'format' });

    const tracer = (await staffToken(env, 'tracer', UNITS.bienHoa)).token;
    const openCase = (body: object) =>
      env.app.inject({ method: 'POST', url: '/api/v1/cases', headers: bearer(tracer), payload: body });
    const confirmedAt = new Date(Date.now() - 3_600_000).toISOString();
    for (const onsetAt of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2101-01-01T00:00:00Z']) {
      const body = expectError(
        await openCase({ person: { personId }, confirmedAt, onsetAt }),
        400,
        'VALIDATION_FAILED',
      );
      expect((body.error.details as unknown[])[0]).toMatchObject({ path: '/onsetAt', keyword: 'format' });
    }

    const venue = await env.app.inject({
      method: 'POST',
      url: '/api/v1/venues',
      headers: bearer(token),
      payload: {
        name: 'Đám cưới năm 9999',
        category: 'wedding_funeral',
        unitCode: UNITS.bienHoaCommune,
        address: '1 Phạm Văn Thuận',
        startsAt: '9999-01-01T10:00:00Z',
        endsAt: '9999-01-01T22:00:00Z',
      },
    });
    expect((expectError(venue, 400, 'VALIDATION_FAILED').error.details as unknown[])[0]).toMatchObject({
      keyword: 'format',
    });
  });

  it('an unknown reference (a source case that does not exist) → 400 REFERENCE_NOT_FOUND, nothing changed', async () => {
    const person = await postPerson(valid());
    expect(person.statusCode, person.body).toBe(201);
    const tracer = (await staffToken(env, 'tracer', UNITS.bienHoa)).token;
    const opened = await env.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: bearer(tracer),
      payload: { person: { personId: person.json().id }, confirmedAt: new Date(Date.now() - 3_600_000).toISOString() },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const caseId = opened.json().id as string;
    const patched = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/cases/${caseId}`,
      headers: bearer(tracer),
      payload: { sourceCaseId: '00000000-0000-4000-8000-000000000000', sourceNote: 'từ ca không tồn tại' },
    });
    expectError(patched, 400, 'REFERENCE_NOT_FOUND');
    const row = await env.ctx.db
      .selectFrom('cases')
      .select(['source_case_id', 'source_note'])
      .where('id', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ source_case_id: null, source_note: null });
  });
});

describe("the framework's own refusals use our error format", () => {
  it('a path parameter over 100 characters → 414 URI_TOO_LONG', async () => {
    const res = await env.app.inject({ method: 'GET', url: `/api/v1/admin-units/${'7'.repeat(150)}` });
    expectError(res, 414, 'URI_TOO_LONG');
  });

  it('bad percent-encoding in the path → 400 INVALID_URL', async () => {
    expectError(await env.app.inject({ method: 'GET', url: '/api/v1/admin-units/%E0%A4%A' }), 400, 'INVALID_URL');
  });

  it('an unknown method on a known path → 404 ROUTE_NOT_FOUND', async () => {
    expectError(await env.app.inject({ method: 'PUT', url: '/api/v1/admin-units' }), 404, 'ROUTE_NOT_FOUND');
  });
});

describe('anonymous callers learn nothing from validation', () => {
  it('an invalid, malformed, oversized or unsupported body on a route that needs sign-in → 401 UNAUTHENTICATED', async () => {
    const anonymous = (payload: string, contentType = 'application/json', app = env.app) =>
      app.inject({ method: 'POST', url: '/api/v1/people', headers: { 'content-type': contentType }, payload });
    expectError(await anonymous('{"isAdmin": true}'), 401, 'UNAUTHENTICATED');
    expectError(await anonymous('{"name": "x",'), 401, 'UNAUTHENTICATED');
    expectError(await anonymous('<person/>', 'application/xml'), 401, 'UNAUTHENTICATED');
    expectError(
      await anonymous(JSON.stringify({ name: 'x'.repeat(5000) }), 'application/json', small.app),
      401,
      'UNAUTHENTICATED',
    );
    const expired = await env.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: bearer('not-a-session'),
      payload: { isAdmin: true },
    });
    expectError(expired, 401, 'UNAUTHENTICATED');
  });
});

/**
 * Every operation of /openapi.json, so a new route is covered without anyone adding a case: for each one a NUL in
 * every string (body fields, query parameters, path parameters), every date field out of range, every field of the
 * wrong type, malformed JSON, an unsupported media type, an oversized body, framework errors on path parameters,
 * and — for routes that need sign-in — the same requests anonymously (401 before anything about the body).
 * Requests are built from a valid sample of each schema (checked valid with a plain Ajv first), so each case's
 * refusal is the one the case is about; none reaches a handler.
 */
describe('every operation in /openapi.json', () => {
  interface Schema {
    type?: string | string[];
    format?: string;
    enum?: unknown[];
    const?: unknown;
    anyOf?: Schema[];
    oneOf?: Schema[];
    properties?: Record<string, Schema>;
    required?: string[];
    items?: Schema;
    minItems?: number;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
    minimum?: number;
    nullable?: boolean;
  }
  interface Parameter {
    name: string;
    in: 'path' | 'query' | 'header';
    required?: boolean;
    schema: Schema;
  }
  interface Operation {
    method: string;
    path: string;
    secured: boolean;
    body: Schema | undefined;
    parameters: Parameter[];
  }
  type Path = Array<string | number>;

  /** Routes whose body is data they examine (`examinesBody`): a NUL in it is answered by the route, not refused. */
  const EXAMINES_BODY = ['POST /api/v1/green-pass/verify'];
  const PUBLIC_OPERATIONS = [
    'GET /healthz',
    'GET /readyz',
    'POST /api/v1/auth/citizen/otp',
    'POST /api/v1/auth/citizen/verify',
    'POST /api/v1/auth/staff/login',
    // the first sign-in after an administrator's password reset (the one-time code is its authority)
    'POST /api/v1/auth/staff/password/reset',
    'POST /api/v1/auth/logout',
    'GET /api/v1/admin-units',
    'GET /api/v1/admin-units/{code}',
    // exposure notification: phones verify codes and upload keys without an account (the code and the upload token
    // are their authority), and download the signed exports and the public key
    'POST /api/v1/exposure/verify',
    'POST /api/v1/exposure/keys',
    'GET /api/v1/exposure/exports/index.txt',
    'GET /api/v1/exposure/exports/{file}',
    'GET /api/v1/exposure/public-key',
    // health declaration: the forms are public (read before signing in); partner systems call with their API key
    'GET /api/v1/declaration-forms/{type}',
    // reference data, no one's data: the enterprise criteria, the vaccine products and the priority groups
    'GET /api/v1/enterprise-criteria',
    'GET /api/v1/vaccination/products',
    'GET /api/v1/vaccination/priority-groups',
    'POST /api/v1/partner/phone-codes',
    'POST /api/v1/partner/phone-codes/verify',
    'POST /api/v1/partner/declarations',
    // green pass: verifiers cache the trust list, revocation list and rules, and may ask the server to verify a code
    // (what a QR code says is no secret: it is printed on the pass)
    'GET /api/v1/green-pass/trust-list',
    'GET /api/v1/green-pass/revocations',
    'GET /api/v1/green-pass/rules',
    'POST /api/v1/green-pass/verify',
  ];
  const NUL = 'a\u0000b';
  const BAD_DATES: Record<string, string[]> = {
    'date-time': ['0001-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '2101-01-01T00:00:00Z', '9999-12-31T23:59:59Z'],
    date: ['0001-01-01', '1899-12-31', '2101-01-01', '9999-12-31'],
  };

  let gen: TestEnv;
  let admin: string;
  let operations: Operation[];
  const plainAjv = new Ajv({ strict: false, allErrors: false });
  const queryAjv = new Ajv({ strict: false, coerceTypes: 'array' });
  addFormats(plainAjv);
  addFormats(queryAjv);

  beforeAll(async () => {
    // a small body limit so the oversized case stays small; no auth rate limit, every public route is hit often
    gen = await createTestEnv({
      provinces: [],
      config: { bodyLimitBytes: 4096, photoBodyLimitBytes: 4096, authRateLimitPerMinute: 1_000_000 },
    });
    admin = (await staffToken(gen, 'admin', null)).token;
    const doc = (await gen.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const content = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content;
        return {
          method: method.toUpperCase(),
          path,
          secured: Array.isArray(op.security) && op.security.length > 0,
          body: content?.['application/json']?.schema,
          parameters: (op.parameters as Parameter[] | undefined) ?? [],
        };
      }),
    );
  }, 180_000);
  afterAll(async () => {
    await gen?.close();
  }, 60_000);

  const isNull = (s: Schema) => s.type === 'null' || (s.enum?.length === 1 && s.enum[0] === null);
  /** The branch of a union the samples use: the first that is not null. */
  const branch = (s: Schema): Schema => {
    const options = s.anyOf ?? s.oneOf;
    return options ? branch(options.find((o) => !isNull(o)) ?? {}) : s;
  };

  function sampleString(s: Schema): string {
    if (s.format === 'uuid') return randomUUID();
    if (s.format === 'date-time') return new Date(Date.now() - 3_600_000).toISOString();
    if (s.format === 'date') return '1990-05-17';
    const fits = (v: string) =>
      v.length >= (s.minLength ?? 0) &&
      v.length <= (s.maxLength ?? Infinity) &&
      (!s.pattern || new RegExp(s.pattern).test(v));
    return ['abcdefgh12', '123456', 'Ab1', 'x'.repeat(Math.max(1, s.minLength ?? 1))].find(fits) ?? 'x';
  }

  /** A value of the schema with every optional property present and one item in every array. */
  function sample(schema: Schema): unknown {
    const s = branch(schema);
    if (s.const !== undefined) return s.const;
    if (s.enum) return s.enum.find((v) => v !== null);
    const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
    switch (type ?? (s.properties ? 'object' : undefined)) {
      case 'object':
        return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v)]));
      case 'array':
        return s.items ? Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => sample(s.items as Schema)) : [];
      case 'integer':
      case 'number':
        return s.minimum ?? 1;
      case 'boolean':
        return true;
      case 'string':
        return sampleString(s);
      default:
        return 'x';
    }
  }

  /** Every value inside a sample, with its path and schema (the object itself included, at []). */
  function nodes(schema: Schema, value: unknown, path: Path = []): Array<{ path: Path; schema: Schema }> {
    const s = branch(schema);
    const out = [{ path, schema: s }];
    if (Array.isArray(value) && s.items) {
      for (const [i, v] of value.entries()) out.push(...nodes(s.items, v, [...path, i]));
    } else if (value !== null && typeof value === 'object' && s.properties) {
      for (const [k, v] of Object.entries(value)) out.push(...nodes(s.properties[k] ?? {}, v, [...path, k]));
    }
    return out;
  }

  const isString = (s: Schema) => s.type === 'string' || (s.enum?.some((v) => typeof v === 'string') ?? false);
  const pointer = (path: Path) => `/${path.join('/')}`;

  function withValue(root: unknown, path: Path, value: unknown): unknown {
    if (path.length === 0) return value;
    const copy = structuredClone(root) as Record<string | number, unknown>;
    let at = copy;
    for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
    at[path[path.length - 1] as string | number] = value;
    return copy;
  }

  interface Case {
    label: string;
    method: string;
    url: string;
    headers?: Record<string, string>;
    payload?: string;
    token?: string | undefined;
    status: number;
    code: string;
    /** checks on error.details */
    details?: (details: unknown) => boolean;
  }

  function casesFor(op: Operation): Case[] {
    const name = `${op.method} ${op.path}`;
    const token = op.secured ? admin : undefined;
    const pathParams = op.parameters.filter((p) => p.in === 'path');
    const queryParams = op.parameters.filter((p) => p.in === 'query');
    const params = Object.fromEntries(pathParams.map((p) => [p.name, sample(p.schema) as string]));
    const query = Object.fromEntries(queryParams.map((p) => [p.name, String(sample(p.schema))]));
    const url = (
      over: { params?: Record<string, string>; query?: Record<string, string>; raw?: Record<string, string> } = {},
    ) => {
      let path = op.path;
      for (const p of pathParams) {
        const raw = over.raw?.[p.name];
        path = path.replace(
          `{${p.name}}`,
          raw ?? encodeURIComponent(over.params?.[p.name] ?? (params[p.name] as string)),
        );
      }
      const qs = new URLSearchParams(over.query ?? query).toString().replace(/\+/g, '%20');
      return qs ? `${path}?${qs}` : path;
    };
    const bodyValue = op.body ? sample(op.body) : undefined;
    const json = (value: unknown) => ({ 'content-type': 'application/json', payload: JSON.stringify(value) });
    const send = (c: Omit<Case, 'method' | 'token'> & { token?: string | undefined }): Case => ({
      method: op.method,
      token,
      ...c,
      label: `${name}: ${c.label}`,
    });
    const withBody = (value: unknown) => {
      const { payload, ...headers } = json(value);
      return { headers, payload };
    };
    const base = op.body ? withBody(bodyValue) : {};
    const out: Case[] = [];

    if (op.body) {
      const check = plainAjv.compile(op.body);
      expect(check(bodyValue), `${name}: the generated body is not valid: ${JSON.stringify(check.errors)}`).toBe(true);
      for (const node of nodes(op.body, bodyValue)) {
        const at = pointer(node.path);
        // a route that examines its body (a scanned code) answers a NUL in it as garbled data: greenpass tests
        if (node.path.length > 0 && isString(node.schema) && !EXAMINES_BODY.includes(name)) {
          out.push(
            send({
              label: `NUL at ${at}`,
              url: url(),
              ...withBody(withValue(bodyValue, node.path, NUL)),
              status: 400,
              code: 'INVALID_CHARACTERS',
            }),
          );
        }
        for (const bad of BAD_DATES[node.schema.format ?? ''] ?? []) {
          out.push(
            send({
              label: `${bad} at ${at}`,
              url: url(),
              ...withBody(withValue(bodyValue, node.path, bad)),
              status: 400,
              code: 'VALIDATION_FAILED',
              details: (d) =>
                JSON.stringify(d).includes(`"path":"${at}"`) && JSON.stringify(d).includes('"keyword":"format"'),
            }),
          );
        }
        const wrong = [12345, 'text', true, { x: 1 }, [1]].find((w) => !check(withValue(bodyValue, node.path, w)));
        if (wrong !== undefined) {
          out.push(
            send({
              label: `${JSON.stringify(wrong)} at ${at}`,
              url: url(),
              ...withBody(withValue(bodyValue, node.path, wrong)),
              status: 400,
              code: 'VALIDATION_FAILED',
            }),
          );
        }
      }
      out.push(
        send({
          label: 'malformed JSON',
          url: url(),
          headers: { 'content-type': 'application/json' },
          payload: '{"a":',
          status: 400,
          code: 'INVALID_JSON',
        }),
      );
      out.push(
        send({
          label: 'XML',
          url: url(),
          headers: { 'content-type': 'application/xml' },
          payload: '<a/>',
          status: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
        }),
      );
      out.push(
        send({
          label: 'oversized body',
          url: url(),
          ...withBody({ pad: 'x'.repeat(8000) }),
          status: 413,
          code: 'BODY_TOO_LARGE',
        }),
      );
    }

    const checkQuery = queryAjv.compile({
      type: 'object',
      properties: Object.fromEntries(queryParams.map((p) => [p.name, p.schema])),
      required: queryParams.filter((p) => p.required).map((p) => p.name),
    });
    expect(checkQuery({ ...query }), `${name}: the generated query is not valid`).toBe(true);
    for (const p of queryParams) {
      out.push(
        send({
          label: `NUL in ?${p.name}`,
          url: url({ query: { ...query, [p.name]: NUL } }),
          ...base,
          status: 400,
          code: 'INVALID_CHARACTERS',
        }),
      );
      for (const bad of BAD_DATES[branch(p.schema).format ?? ''] ?? []) {
        out.push(
          send({
            label: `${bad} in ?${p.name}`,
            url: url({ query: { ...query, [p.name]: bad } }),
            ...base,
            status: 400,
            code: 'VALIDATION_FAILED',
          }),
        );
      }
      if (!checkQuery({ ...query, [p.name]: 'not-a-value' })) {
        out.push(
          send({
            label: `wrong ?${p.name}`,
            url: url({ query: { ...query, [p.name]: 'not-a-value' } }),
            ...base,
            status: 400,
            code: 'VALIDATION_FAILED',
          }),
        );
      }
    }
    // a parameter no route declares still has its characters checked
    out.push(
      send({
        label: 'NUL in an undeclared parameter',
        url: url({ query: { ...query, zz: NUL } }),
        ...base,
        status: 400,
        code: 'INVALID_CHARACTERS',
      }),
    );

    for (const p of pathParams) {
      out.push(
        send({
          label: `NUL in {${p.name}}`,
          url: url({ params: { ...params, [p.name]: NUL } }),
          ...base,
          status: 400,
          code: 'INVALID_CHARACTERS',
        }),
      );
      out.push(
        send({
          label: `150 characters in {${p.name}}`,
          url: url({ raw: { [p.name]: '7'.repeat(150) } }),
          ...base,
          status: 414,
          code: 'URI_TOO_LONG',
        }),
      );
      out.push(
        send({
          label: `bad percent-encoding in {${p.name}}`,
          url: url({ raw: { [p.name]: '%E0%A4%A' } }),
          ...base,
          status: 400,
          code: 'INVALID_URL',
        }),
      );
      if (branch(p.schema).format === 'uuid') {
        out.push(
          send({
            label: `non-uuid {${p.name}}`,
            url: url({ params: { ...params, [p.name]: 'not-a-uuid' } }),
            ...base,
            status: 400,
            code: 'VALIDATION_FAILED',
          }),
        );
      }
    }

    if (op.secured) {
      const anonymous = (c: Omit<Case, 'method' | 'status' | 'code' | 'token'>) =>
        send({ ...c, label: `anonymous, ${c.label}`, token: undefined, status: 401, code: 'UNAUTHENTICATED' });
      out.push(anonymous({ label: 'no body problem', url: url(), ...base }));
      out.push(anonymous({ label: 'NUL in the query', url: url({ query: { ...query, zz: NUL } }), ...base }));
      if (op.body) {
        out.push(anonymous({ label: 'invalid body', url: url(), ...withBody({ unknownField: NUL }) }));
        out.push(
          anonymous({
            label: 'malformed JSON',
            url: url(),
            headers: { 'content-type': 'application/json' },
            payload: '{"a":',
          }),
        );
        out.push(
          anonymous({ label: 'XML', url: url(), headers: { 'content-type': 'application/xml' }, payload: '<a/>' }),
        );
        out.push(anonymous({ label: 'oversized body', url: url(), ...withBody({ pad: 'x'.repeat(8000) }) }));
      }
    }
    return out;
  }

  async function run(c: Case): Promise<string | undefined> {
    const res = await gen.app.inject({
      method: c.method as 'GET',
      url: c.url,
      headers: { ...c.headers, ...(c.token ? bearer(c.token) : {}) },
      ...(c.payload === undefined ? {} : { payload: c.payload }),
    });
    let body: { error?: { code?: unknown; message?: unknown; messageVi?: unknown; details?: unknown } } = {};
    try {
      body = res.json();
    } catch {
      return `${c.label} → ${res.statusCode}, not JSON: ${res.body.slice(0, 100)}`;
    }
    const e = body.error;
    const formatted = typeof e?.message === 'string' && typeof e.messageVi === 'string' && e.message !== e.messageVi;
    if (res.statusCode !== c.status || e?.code !== c.code || !formatted || (c.details && !c.details(e?.details))) {
      return `${c.label} → ${res.statusCode} ${res.body.slice(0, 200)} (expected ${c.status} ${c.code})`;
    }
    return undefined;
  }

  it('the public operations are exactly the sign-in routes, the unit tree and health', () => {
    const open = operations.filter((o) => !o.secured).map((o) => `${o.method} ${o.path}`);
    expect(open.sort()).toEqual([...PUBLIC_OPERATIONS].sort());
    expect(operations.length).toBeGreaterThan(40);
  });

  it('every case of every operation is refused with its exact status and code, in our error format', async () => {
    const failures: string[] = [];
    let count = 0;
    for (const op of operations) {
      const cases = casesFor(op);
      expect(cases.length, `${op.method} ${op.path} has no case`).toBeGreaterThan(0);
      for (const c of cases) {
        count++;
        const failure = await run(c);
        if (failure) failures.push(failure);
      }
    }
    console.log(`bad input: ${count} generated cases over ${operations.length} operations`);
    expect(failures).toEqual([]);
  }, 300_000);
});
