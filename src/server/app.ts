/**
 * Builds the Fastify application: platform plugins first (errors, validation, security headers, cookies,
 * rate limits, authentication, OpenAPI), then each module's routes under /api/v1, then the web app.
 * Listening is main.ts's job, so tests mount the very same app with `inject`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants as zlib } from 'node:zlib';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import Fastify, { type FastifyError, type FastifyReply } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { TrustProxy } from './config.ts';
import type { AppContext } from './context.ts';
import { isDatabaseUnavailable } from './db/database.ts';
import { pendingMigrations } from './db/migrate.ts';
import { csrfGuard } from './platform/csrf.ts';
import { AppError, errorBody } from './platform/errors.ts';
import { ErrorSchema, requireActor, SESSION_COOKIE } from './platform/http.ts';
import type { ErrorCode } from './platform/messages.ts';
import { noStoreForApi } from './platform/no-store.ts';
import { databaseRateLimitStore } from './platform/rate-limit-store.ts';
import { bindRoute } from './platform/request-context.ts';
import { securityHeaders } from './platform/security-headers.ts';

const WEB_DIST = fileURLToPath(new URL('../../dist/web', import.meta.url));

// ajv-formats is CommonJS with a default export; unwrap it the same way under tsx, vitest and tsc
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * Every `date` and `date-time` the API accepts lies in the years 1900–2100 (as written, before any time-zone
 * offset): wide enough for birth dates and planned events, narrow enough that no year 0001 or 9999 reaches
 * PostgreSQL or a tracing window.
 */
export const DATE_YEARS = { min: 1900, max: 2100 } as const;

function withinDateYears(value: string): boolean {
  const year = Number(value.slice(0, 4));
  return year >= DATE_YEARS.min && year <= DATE_YEARS.max;
}

function makeAjv(part: 'body' | 'other') {
  const ajv = new Ajv({
    // bodies are JSON: a string is never silently turned into a number; query strings and params are text
    coerceTypes: part === 'body' ? false : 'array',
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
  });
  addFormats(ajv);
  for (const name of ['date', 'date-time']) {
    const full = ajv.formats[name] as { validate: (v: string) => boolean; compare: (a: string, b: string) => number };
    ajv.addFormat(name, {
      type: 'string',
      validate: (v) => full.validate(v) && withinDateYears(v),
      compare: full.compare,
    });
  }
  return ajv;
}

/** How deep a request's JSON may nest: no form, list or file of the API comes near it. */
export const MAX_BODY_DEPTH = 32;

/**
 * What is wrong with a parsed request part: `nul` when it holds U+0000 in any string or key (PostgreSQL text cannot
 * store it, so such a value would fail deep inside a query), `deep` when it nests deeper than MAX_BODY_DEPTH (code that
 * walks a value recursively — the idempotency hash's canonical JSON — would overflow the stack: a 500); refused at the
 * edge instead. Iterative, and pushes one value at a time: neither a deep nor a very long array overflows the stack.
 */
function badShape(root: unknown): 'nul' | 'deep' | undefined {
  // two stacks side by side (a value, its depth): no object per value on every request's path
  const values: unknown[] = [root];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop() as number;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return 'nul';
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_BODY_DEPTH) return 'deep';
      if (Array.isArray(value)) {
        for (const v of value) {
          values.push(v);
          depths.push(depth + 1);
        }
      } else {
        for (const k in value) {
          if (!Object.hasOwn(value, k)) continue;
          if (k.includes('\u0000')) return 'nul';
          values.push((value as Record<string, unknown>)[k]);
          depths.push(depth + 1);
        }
      }
    }
  }
  return undefined;
}

/** How long a client should wait before retrying while the database is unreachable (seconds). */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * PostgreSQL refusals caused by a request's own values (SQLSTATE → status and code): a 4xx, never a 500. The edge
 * validates first; these catch what only the database knows (a referenced row that does not exist, a lost race
 * on a unique key) and any value a schema let through.
 */
const DATABASE_REFUSALS: Record<string, { status: number; code: ErrorCode }> = {
  '23503': { status: 400, code: 'REFERENCE_NOT_FOUND' }, // foreign_key_violation
  '23505': { status: 409, code: 'ALREADY_EXISTS' }, // unique_violation
  '23514': { status: 400, code: 'INVALID_VALUE' }, // check_violation
  '22001': { status: 400, code: 'INVALID_VALUE' }, // string_data_right_truncation
  '22003': { status: 400, code: 'INVALID_VALUE' }, // numeric_value_out_of_range
  '22007': { status: 400, code: 'INVALID_VALUE' }, // invalid_datetime_format
  '22008': { status: 400, code: 'INVALID_VALUE' }, // datetime_field_overflow
  '22P02': { status: 400, code: 'INVALID_VALUE' }, // invalid_text_representation
  '22021': { status: 400, code: 'INVALID_CHARACTERS' }, // character_not_in_repertoire (NUL)
};

function databaseRefusal(err: unknown): { status: number; code: ErrorCode; sqlState: string } | undefined {
  const sqlState = (err as { code?: unknown } | null)?.code;
  if (typeof sqlState !== 'string') return undefined;
  const refusal = DATABASE_REFUSALS[sqlState];
  return refusal && { ...refusal, sqlState };
}

function mapFastifyError(err: FastifyError): { status: number; body: ReturnType<typeof errorBody> } | undefined {
  if (err.validation) {
    const details = err.validation.map((v) => ({
      part: err.validationContext,
      path: v.instancePath || '/',
      keyword: v.keyword,
      message: v.message,
      params: v.params,
    }));
    return { status: 400, body: errorBody('VALIDATION_FAILED', details) };
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: errorBody('BODY_TOO_LARGE') };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: errorBody('INVALID_JSON') };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: errorBody('UNSUPPORTED_MEDIA_TYPE') };
  }
  if (err instanceof SyntaxError && err.statusCode === 400) return { status: 400, body: errorBody('INVALID_JSON') };
  if (err.statusCode === 429) return { status: 429, body: errorBody('RATE_LIMITED') };
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return { status: err.statusCode, body: errorBody('VALIDATION_FAILED', { reason: err.code }) };
  }
  return undefined;
}

/**
 * Fastify's trustProxy for our setting. A hop count becomes "the nearest n hops are proxies" (Fastify itself would
 * trust no hop for a bare number); it suits a server that only its proxies can reach.
 */
function trustProxyOption(setting: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}

/** Builds the whole HTTP application on a prepared context. */
export async function buildApp(ctx: AppContext) {
  const app = Fastify({
    loggerInstance: ctx.log,
    bodyLimit: ctx.config.bodyLimitBytes,
    // X-Forwarded-For is believed only from the proxies TRUYVET_TRUST_PROXY names (none by default): otherwise every
    // client could pick its own address, and with it its own rate-limit bucket
    trustProxy: trustProxyOption(ctx.config.trustProxy),
    ajv: { customOptions: { strict: false } },
    // the router's own refusals, before any route or hook runs, in our error format too
    frameworkErrors: (err, _req, reply: FastifyReply) => {
      if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return reply.status(414).send(errorBody('URI_TOO_LONG'));
      if (err.code === 'FST_ERR_BAD_URL') return reply.status(400).send(errorBody('INVALID_URL'));
      return reply.status(500).send(errorBody('INTERNAL'));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const bodyAjv = makeAjv('body');
  const otherAjv = makeAjv('other');
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : otherAjv).compile(schema as object),
  );

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof AppError) {
      // 429 (rate limits) and 503 (a busy pool, e.g. POSTER_BUSY) say when to come back
      const retryable = err.status === 429 || err.status === 503;
      if (retryable && err.details && typeof err.details === 'object' && 'retryAfter' in err.details) {
        reply.header('retry-after', String(err.details.retryAfter));
      }
      return reply.status(err.status).send({ ...err.extra, ...errorBody(err.code, err.details, err.params) });
    }
    const mapped = mapFastifyError(err);
    if (mapped) return reply.status(mapped.status).send(mapped.body);
    if (isDatabaseUnavailable(err)) {
      req.log.warn({ err }, 'database unavailable');
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      return reply.status(503).send(errorBody('DATABASE_UNAVAILABLE'));
    }
    const refusal = databaseRefusal(err);
    if (refusal) {
      // the SQLSTATE only: the database's message and detail quote the refused values
      req.log.info({ sqlState: refusal.sqlState }, 'database refused a value');
      return reply.status(refusal.status).send(errorBody(refusal.code));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody('INTERNAL'));
  });

  app.addHook('onRequest', securityHeaders);
  // API responses over 1 KB go out brotli- or gzip-compressed (a case list on a 1.6 Mbps phone line); brotli at
  // quality 4, not the default 11, so compression costs a fraction of building the response. Static files are
  // compressed at build time (preCompressed below) and never twice.
  await app.register(compress, {
    threshold: 1024,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
  });
  await app.register(cookie);
  // counted in the database (platform/rate-limit-store.ts): every API process of a deployment holds the same limits
  await app.register(rateLimit, {
    global: false,
    store: databaseRateLimitStore(ctx.db),
    errorResponseBuilder: (_req, context) =>
      new AppError('RATE_LIMITED', 429, { retryAfter: Math.ceil(context.ttl / 1000) }),
  });
  app.addHook('onRequest', noStoreForApi);
  app.addHook('onRequest', csrfGuard({ publicUrl: ctx.config.publicUrl }));

  app.decorateRequest('actor', undefined);
  app.decorateRequest('authProblem', undefined);
  app.addHook('onRequest', async (req) => {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : req.cookies[SESSION_COOKIE];
    if (!token) return;
    const resolved = await ctx.sessions.resolve(token);
    if (resolved === 'expired') req.authProblem = 'expired';
    else if (resolved === null) req.authProblem = 'invalid';
    // an actor object of the request's own (the session's is cached and shared by its concurrent requests): it
    // carries the request's route to the audit log (platform/request-context.ts)
    else req.actor = { ...resolved.actor };
  });
  // the handler (after the body is read) runs knowing its route pattern (never the URL, which may carry values):
  // audit entries of a person's reads name it
  app.addHook('preHandler', (req, _reply, done) => {
    if (req.routeOptions.url && req.actor) bindRoute(req.actor, `${req.method} ${req.routeOptions.url}`);
    done();
  });

  // after the parse and before any schema or handler: a NUL anywhere, or a body nested too deep, is refused the same
  // way on every route
  app.addHook('preValidation', async (req) => {
    const body = badShape(req.body);
    const bad =
      badShape(req.params) ??
      badShape(req.query) ??
      (body === 'nul' && req.routeOptions.config.examinesBody ? undefined : body) ??
      badShape(req.headers);
    if (bad === 'nul') throw new AppError('INVALID_CHARACTERS', 400);
    if (bad === 'deep') throw new AppError('BODY_TOO_DEEP', 400, { maxDepth: MAX_BODY_DEPTH });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Truyvet API',
        description: 'Epidemic response platform. Errors: { error: { code, message, messageVi, details } }.',
        version: '1',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
    },
  });
  app.addSchema(ErrorSchema);
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/healthz',
    { schema: { tags: ['health'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        response: { 200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }), 503: ErrorSchema },
      },
    },
    async (req, reply) => {
      try {
        await sql`select 1`.execute(ctx.db);
        const pending = await pendingMigrations(ctx.db);
        if (pending.length > 0) return reply.status(503).send(errorBody('NOT_READY', { pendingMigrations: pending }));
        return { status: 'ready' as const, database: ctx.database.kind };
      } catch (err) {
        req.log.warn({ err }, 'readiness check failed');
        reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        return reply.status(503).send(errorBody(isDatabaseUnavailable(err) ? 'DATABASE_UNAVAILABLE' : 'NOT_READY'));
      }
    },
  );

  await app.register(
    async (api) => {
      // Every API route needs a signed-in caller unless it says `config: { public: true }`; the OpenAPI document
      // says which. The check runs before the body is even parsed: an anonymous caller learns nothing from
      // validation (handlers still call requireStaff/requireCitizen for the role, and as the type-level guard).
      api.addHook('onRoute', (route) => {
        if (!route.config?.public) route.schema = { ...route.schema, security: [{ bearer: [] }, { cookie: [] }] };
      });
      api.addHook('preParsing', async (req) => {
        if (!req.routeOptions.config.public) requireActor(req);
      });
      for (const m of ctx.modules) if (m.routes) await api.register(m.routes);
    },
    { prefix: '/api/v1' },
  );

  const hasWeb = existsSync(join(WEB_DIST, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      wildcard: false,
      index: ['index.html'],
      // the web build writes .br and .gz beside each text asset; they are sent to clients that accept them
      preCompressed: true,
      // our own Cache-Control below, not send's default 'public, max-age=0' (which would replace it)
      cacheControl: false,
      // hashed build assets never change under the same name; index.html and sw.js must always be revalidated
      setHeaders: (res, path) => {
        if (path.includes('/assets/')) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        else res.setHeader('cache-control', 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    // a missing static file is a 404; any other GET outside /api is a page of the app (including /q/TV1.V.….<sig>,
    // whose signature looks like a file extension)
    const isAsset = /\.(js|mjs|css|map|png|jpe?g|gif|svg|ico|json|webmanifest|txt|woff2?|pdf)$/i.test(path);
    const isPage = req.method === 'GET' && !path.startsWith('/api/') && !isAsset;
    if (isPage && hasWeb) return reply.type('text/html').sendFile('index.html');
    return reply.status(404).send(errorBody('ROUTE_NOT_FOUND'));
  });

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
