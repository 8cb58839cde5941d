/**
 * Test harness: a real app on a fresh, isolated database per test file.
 * - default: PGlite in memory, started from the run's migrated template (test/global-setup.ts);
 * - TEST_DATABASE_URL=postgres://…/db: a new database `tv_test_<random>` created on that server and dropped after.
 * Units are the real CSV the product ships in assets/vn-admin (Đồng Nai and its neighbours are enough for most tests);
 * nothing here reads outside the repository, so a clone of the repo alone passes.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { type App, buildApp } from '../src/server/app.ts';
import { type Config, loadConfig } from '../src/server/config.ts';
import { type AppContext, createContext } from '../src/server/context.ts';
import { openDatabase } from '../src/server/db/database.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { guardRefusals } from '../src/server/db/transaction-guard.ts';
import { normalizePhone } from '../src/server/platform/formats.ts';
import { createLogger } from '../src/server/platform/logger.ts';
import { hashPassword } from '../src/server/platform/passwords.ts';

export const UNITS_CSV = fileURLToPath(new URL('../assets/vn-admin/units.csv', import.meta.url));
export const DB_KIND = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface TestEnv {
  app: App;
  ctx: AppContext;
  close(): Promise<void>;
}

let unitsCsvCache: string | undefined;
/** The real units CSV filtered to some provinces (default: Đồng Nai 75 and Hà Nội 01) to keep setup fast. */
export function unitsCsv(provinces: string[] = ['75', '01']): string {
  unitsCsvCache ??= readFileSync(UNITS_CSV, 'utf8');
  const lines = unitsCsvCache.split('\n');
  const keep = new Set(provinces);
  const out = [lines[0]];
  for (const line of lines.slice(1)) {
    const [code, parent] = line.split(',');
    if (!code) continue;
    if (keep.has(code) || (parent && keep.has(parent))) {
      keep.add(code);
      out.push(line);
    }
  }
  return out.join('\n');
}

async function freshPostgres(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tv_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      // the app's pool has ended, but its connections close asynchronously: terminating one still open (WITH FORCE)
      // would surface in this process as an unhandled "terminating connection" error, so wait for them (up to 5 s)
      for (let i = 0; i < 50; i++) {
        const open = await c.query<{ n: number }>(
          'select count(*)::int as n from pg_stat_activity where datname = $1',
          [name],
        );
        if ((open.rows[0]?.n ?? 0) === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestEnvOptions {
  config?: Partial<Config>;
  /** provinces whose units to import (default 75 and 01); [] imports none */
  provinces?: string[];
}

let templateCache: Blob | undefined;

/** The migrated PGlite cluster test/global-setup.ts dumped for this run (read once per file), if the run is on PGlite. */
function pgliteTemplate(): Blob | undefined {
  if (process.env.TEST_DATABASE_URL) return undefined;
  const file = inject('pgliteTemplate');
  if (!file) return undefined;
  templateCache ??= new Blob([readFileSync(file)]);
  return templateCache;
}

/** Builds an app on a fresh database with migrations applied and units imported. */
export async function createTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const base = process.env.TEST_DATABASE_URL;
  const pgDb = base ? await freshPostgres(base) : undefined;
  const config = loadConfig(
    { NODE_ENV: 'test', TRUYVET_LOG_LEVEL: 'silent' },
    { databaseUrl: pgDb?.url, dbPoolSize: 5, ...options.config },
  );
  const database = await openDatabase({ databaseUrl: pgDb?.url, poolSize: 5, loadDataDir: pgliteTemplate() });
  // on the migrated template (PGlite) this finds nothing to do
  await migrateToLatest(database.db);
  const ctx = createContext(config, database, createLogger(config));
  const provinces = options.provinces ?? ['75', '01'];
  if (provinces.length > 0) await ctx.services.adminUnits.importCsv(unitsCsv(provinces));
  const app = await buildApp(ctx);
  await app.ready();
  const refusedBefore = guardRefusals().count;
  return {
    app,
    ctx,
    async close() {
      await app.close();
      await ctx.jobs.stop();
      for (const m of ctx.modules) await m.close?.();
      await database.close();
      await pgDb?.drop();
      // a job that used the outer db inside its own transaction was refused (and retried, or failed) out of a test's
      // sight: the file fails here (src/server/db/transaction-guard.ts)
      const { count, lastStack } = guardRefusals();
      if (count > refusedBefore)
        throw new Error(
          `the transaction guard refused the outer db inside a transaction ${count - refusedBefore} time(s); the last:\n${lastStack}`,
        );
    },
  };
}

let userSerial = 0;

/** Creates a staff user directly in the database with one grant; returns a bearer token for it. */
export async function staffToken(
  env: TestEnv,
  role: string,
  unitCode: string | null,
  username = `${role.replace(/_/g, '')}${++userSerial}`,
): Promise<{ token: string; userId: string; username: string; password: string }> {
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const user = await env.ctx.db
    .insertInto('staff_users')
    .values({ username, password_hash: await hashPassword(password) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await env.ctx.db.insertInto('staff_grants').values({ user_id: user.id, role, unit_code: unitCode }).execute();
  const session = await env.ctx.sessions.create(env.ctx.db, { kind: 'staff', userId: user.id }, 3600);
  return { token: session.token, userId: user.id, username, password };
}

/** Signs a citizen in through the real OTP flow (code read from the fake SMS outbox). */
export async function citizenToken(env: TestEnv, phone: string): Promise<{ token: string; personId: string }> {
  const recipient = normalizePhone(phone) ?? phone;
  const previous = await env.ctx.db
    .selectFrom('notify_fake_messages')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('recipient', '=', recipient)
    .executeTakeFirst();
  const after = Number(previous?.id ?? 0);
  const sent = await env.app.inject({ method: 'POST', url: '/api/v1/auth/citizen/otp', payload: { phone } });
  if (sent.statusCode !== 202) throw new Error(`otp request failed: ${sent.statusCode} ${sent.body}`);
  // this phone's newest code; a concurrent sign-in's drain may be delivering it, so wait for it to land
  let msg: { text: string } | undefined;
  for (let i = 0; i < 100 && !msg; i++) {
    await env.ctx.jobs.drain();
    msg = await env.ctx.db
      .selectFrom('notify_fake_messages')
      .select('text')
      .where('recipient', '=', recipient)
      .where('id', '>', after)
      .where('text', 'like', 'Ma xac thuc%')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!msg) await new Promise((r) => setTimeout(r, 20));
  }
  if (!msg) throw new Error(`no one-time code was sent to ${phone}`);
  const code = /(\d{6})/.exec(msg.text)?.[1];
  const res = await env.app.inject({ method: 'POST', url: '/api/v1/auth/citizen/verify', payload: { phone, code } });
  if (res.statusCode !== 200) throw new Error(`otp verify failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as { token: string; person: { personId: string } };
  return { token: body.token, personId: body.person.personId };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The pending jobs of a topic (a recurring task keeps exactly one), with the time each is due. */
export const pendingRuns = (env: TestEnv, topic: string) =>
  env.ctx.db.selectFrom('jobs').select('run_at').where('topic', '=', topic).where('status', '=', 'pending').execute();

/**
 * Puts `personId` under an active home quarantine order covering `day` (YYYY-MM-DD), ordered for an open (confirmed)
 * case of `f0PersonId` — rows as the cases module writes them — so the cases module holds both of them that day.
 */
export async function quarantineForDay(
  env: TestEnv,
  f0PersonId: string,
  personId: string,
  day: string,
  displayCode: string,
): Promise<void> {
  const c = await env.ctx.db
    .insertInto('cases')
    .values({
      person_id: f0PersonId,
      display_code: displayCode,
      status: 'confirmed',
      confirmed_at: new Date(),
      rule_version: 1,
      origin: 'tracer',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await env.ctx.db
    .insertInto('quarantine_orders')
    .values({ person_id: personId, case_id: c.id, kind: 'home', starts_on: day, ends_on: day })
    .execute();
}

/** Đồng Nai fixtures: province 75 > district 731 (Biên Hòa) > commune 25993; district 732 (Long Khánh). */
export const UNITS = {
  province: '75',
  bienHoa: '731',
  bienHoaCommune: '25993',
  longKhanh: '732',
  hanoi: '01',
} as const;

let nidSerial = 0;
/** A unique synthetic 12-digit national ID. */
export function makeNationalId(): string {
  nidSerial++;
  return `0750${String(process.pid % 100).padStart(2, '0')}${String(Date.now() % 1000).padStart(3, '0')}${String(nidSerial).padStart(3, '0')}`.slice(
    0,
    12,
  );
}

/**
 * Asserts a refusal as every 4xx of the API answers: the status, the machine-readable code, and a message in English
 * and in Vietnamese (not the same text). Returns the body for further checks (`details`).
 */
export function expectError(
  res: { statusCode: number; body: string; json: () => unknown },
  status: number,
  code: string,
): { error: { code: string; message: string; messageVi: string; details?: unknown } } {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as { error: { code: string; message: string; messageVi: string; details?: unknown } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.messageVi).toEqual(expect.any(String));
  expect(body.error.messageVi.length).toBeGreaterThan(0);
  expect(body.error.messageVi).not.toBe(body.error.message);
  return body;
}
