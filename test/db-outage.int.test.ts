/**
 * Database outages: a real server process on PostgreSQL takes check-ins from concurrent clients while every one of
 * its database connections is terminated (`pg_terminate_backend`, what a PostgreSQL restart or a failover does to
 * it), twice. The process must stay up, answer 503 DATABASE_UNAVAILABLE (never crash, never a 500) while a
 * connection is gone, serve again within 5 s of each termination on its own, keep every check-in it acknowledged
 * (2xx), and print no connection settings.
 * PostgreSQL only: PGlite is embedded in the process, there is no connection to lose. A second test points a real pg
 * pool at a port where nothing listens (so it runs on every test run): 503 on /readyz and on API routes.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { createContext } from '../src/server/context.ts';
import { openDatabase } from '../src/server/db/database.ts';
import { createLogger } from '../src/server/platform/logger.ts';
import { api, freePort, freshData, type RunningServer, type ServerData, startServer } from './server-process.ts';

const pgBase = process.env.TEST_DATABASE_URL || undefined;
let data: ServerData | undefined;
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.stop();
  await data?.drop();
}, 60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Terminates every backend connected to the server's database; returns how many there were. */
async function terminateBackends(databaseUrl: string): Promise<number> {
  const database = new URL(databaseUrl).pathname.slice(1);
  const c = new pg.Client({ connectionString: pgBase });
  await c.connect();
  try {
    const r = await c.query<{ ok: boolean }>(
      'select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database],
    );
    return r.rows.filter((x) => x.ok).length;
  } finally {
    await c.end();
  }
}

async function storedIds(databaseUrl: string, ids: string[]): Promise<Set<string>> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const r = await c.query<{ id: string }>('select id::text as id from checkins where id = any($1::uuid[])', [ids]);
    return new Set(r.rows.map((x) => x.id));
  } finally {
    await c.end();
  }
}

describe.skipIf(!pgBase)(
  'database outages (PostgreSQL; skipped on PGlite: an embedded database has no connection to lose)',
  () => {
    it('stays up, answers 503 while connections are gone, recovers within 5 s and keeps every acknowledged check-in', async () => {
      data = await freshData('postgres', pgBase);
      const databaseUrl = data.databaseUrl as string;
      server = await startServer(data, { TRUYVET_DEMO_PEOPLE: '10', TRUYVET_DB_POOL_SIZE: '8' });
      const base = server.url;
      const admin = await api<{ token: string }>(base, 'POST', '/api/v1/auth/staff/login', {
        username: 'admin',
        password: data.adminPassword,
      });
      const venue = await api<{ id: string }>(
        base,
        'POST',
        '/api/v1/venues',
        {
          name: 'Chợ Biên Hòa',
          category: 'market_supermarket_mall_shop',
          unitCode: '25993',
          address: '1 Cách Mạng Tháng Tám',
        },
        admin.token,
      );

      const acked: string[] = [];
      const refusals = new Map<string, number>();
      let stop = false;
      const checkin = (nationalId: string, name: string) =>
        fetch(`${base}/api/v1/checkins`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${admin.token}`,
            'idempotency-key': randomUUID(),
          },
          body: JSON.stringify({ venueId: venue.id, nationalId, name }),
        });
      const client = async (c: number) => {
        // bounded: 8 clients × at most 5,000 check-ins, stopped by the test long before
        for (let i = 0; !stop && i < 5000; i++) {
          let key: string;
          try {
            const res = await checkin(
              `0759${String(c).padStart(2, '0')}${String(i).padStart(6, '0')}`,
              `Khách ${c}-${i}`,
            );
            const body = (await res.json()) as { id?: string; error?: { code: string; messageVi?: string } };
            if (res.status === 201 && body.id) {
              acked.push(body.id);
              continue;
            }
            const retryAfter = res.status !== 503 || /^\d+$/.test(res.headers.get('retry-after') ?? '');
            key = `${res.status} ${body.error?.code}${body.error?.messageVi && retryAfter ? '' : ' (malformed)'}`;
          } catch (err) {
            key = `no answer: ${(err as Error).message}`;
          }
          refusals.set(key, (refusals.get(key) ?? 0) + 1);
          await sleep(20);
        }
      };
      const clients = Array.from({ length: 8 }, (_, c) => client(c));

      const recoveries: number[] = [];
      for (let round = 0; round < 2; round++) {
        const before = acked.length;
        while (acked.length < before + 100) await sleep(10);
        const terminated = await terminateBackends(databaseUrl);
        expect(terminated).toBeGreaterThan(0);
        const at = Date.now();
        // recovered = a new check-in is acknowledged and the server reports itself ready, within 5 s
        let recovered = false;
        for (let n = 0; Date.now() - at < 5000 && !recovered; n++) {
          try {
            const res = await checkin(`07599${String(round)}${String(n).padStart(6, '0')}`, `Thử lại ${round}-${n}`);
            const body = (await res.json()) as { id?: string };
            if (res.status === 201 && body.id) {
              acked.push(body.id);
              recovered = (await fetch(`${base}/readyz`)).status === 200;
            }
          } catch {
            // no answer at all: only acceptable while the process is alive (checked next)
          }
          expect(server.alive(), `the server exited:\n${server.output()}`).toBe(true);
          if (!recovered) await sleep(50);
        }
        expect(recovered, `not serving 5 s after termination ${round + 1}:\n${server.output()}`).toBe(true);
        recoveries.push(Date.now() - at);
        await sleep(300);
      }
      stop = true;
      await Promise.all(clients);

      expect(server.alive(), server.output()).toBe(true);
      // the job worker lived through it too: a one-time code requested now is delivered (a notify.send job)
      const phone = '0912555001';
      await api(base, 'POST', '/api/v1/auth/citizen/otp', { phone });
      let delivered = false;
      for (let i = 0; i < 50 && !delivered; i++) {
        const outbox = await api<Array<{ text: string }>>(
          base,
          'GET',
          `/api/v1/dev/outbox?to=${phone}`,
          undefined,
          admin.token,
        );
        delivered = outbox.length > 0;
        if (!delivered) await sleep(100);
      }
      expect(delivered, 'the job worker delivered nothing after the terminations').toBe(true);
      // the only refusal a lost connection may cause is 503 DATABASE_UNAVAILABLE: never a 500
      for (const key of refusals.keys()) expect(key).toBe('503 DATABASE_UNAVAILABLE');
      const stored = await storedIds(databaseUrl, acked);
      const missing = acked.filter((id) => !stored.has(id));
      console.log(
        `acknowledged ${acked.length}, refused ${JSON.stringify(Object.fromEntries(refusals))}, ` +
          `recovered in ${recoveries.join(' and ')} ms, missing ${missing.length}`,
      );
      expect(missing).toEqual([]);
      // each lost connection is logged, and the database name (standing for the connection settings, which a crash
      // dump or a logged pg client would print) is in none of those lines
      expect(server.output()).toContain('database connection lost');
      expect(server.output()).not.toContain(new URL(databaseUrl).pathname.slice(1));
    }, 120_000);
  },
);

describe('a database that refuses connections (a real pg pool pointed at a closed port; on PGlite runs too)', () => {
  it('answers 503 DATABASE_UNAVAILABLE with Retry-After, on /readyz and on API routes, signed in or not', async () => {
    const databaseUrl = `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`;
    const config = loadConfig({ NODE_ENV: 'test', TRUYVET_LOG_LEVEL: 'silent' }, { databaseUrl });
    const database = await openDatabase({ databaseUrl, poolSize: 2 });
    const app = await buildApp(createContext(config, database, createLogger(config)));
    try {
      for (const request of [
        { method: 'GET' as const, url: '/readyz' },
        { method: 'GET' as const, url: '/api/v1/admin-units?q=bien' },
        { method: 'GET' as const, url: '/api/v1/auth/me', headers: { authorization: 'Bearer some-session-token' } },
        // a rate-limited route: its limit is counted in the database before anything else runs
        {
          method: 'POST' as const,
          url: '/api/v1/auth/staff/login',
          payload: { username: 'nobody', password: 'whatever-123456' },
        },
      ]) {
        const res = await app.inject(request);
        expect(res.statusCode, `${request.url}: ${res.body}`).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.json().error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', messageVi: expect.any(String) });
        expect(res.body).not.toContain('nowhere');
      }
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
