/**
 * Platform pieces through the real app: health, readiness, OpenAPI covering every route, docs, migrations,
 * the transactional job queue, notifications and the dev outbox.
 */
import { sql } from 'kysely';
import pino from 'pino';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestEnv, pendingRuns, staffToken, type TestEnv, UNITS } from '../../../test/harness.ts';
import { buildApp } from '../app.ts';
import { createContext } from '../context.ts';
import { migrateToLatest, pendingMigrations } from '../db/migrate.ts';
import {
  createJobs,
  defineTopic,
  handle,
  handleMany,
  InvalidJobPayload,
  JOBS_PURGE,
  type Jobs,
  purgeFinishedJobs,
  RECURRING_AFTER_FAILURE_MS,
  recurringTask,
} from './jobs.ts';

const Empty = Type.Object({});
const ROLLBACK = defineTopic('test.rollback', Type.Object({ n: Type.Integer() }));
const COMMIT = defineTopic('test.commit', Type.Object({ hello: Type.String() }));
const FAIL = defineTopic('test.fail', Empty);
const COUNT = defineTopic('test.count', Type.Object({ n: Type.Integer() }));
const STRICT = defineTopic('test.strict', Type.Object({ personId: Type.String({ format: 'uuid' }) }));
const MANY = defineTopic('test.many', Type.Object({ n: Type.Integer() }));
const WOKEN = defineTopic('test.woken', Type.Object({ n: Type.Integer() }));
const RECURRING = defineTopic('test.recurring', Empty);
const RECURRING_FAIL = defineTopic('test.recurring-fail', Empty);
const RECURRING_AWAY = defineTopic('test.recurring-away', Empty);

/** Makes the topic's pending job due now (a retry without its backoff) and runs the queue. */
async function runPendingNow(topic: string) {
  await env.ctx.db
    .updateTable('jobs')
    .set({ run_at: new Date(Date.now() - 1000) })
    .where('topic', '=', topic)
    .where('status', '=', 'pending')
    .execute();
  await env.ctx.jobs.drain();
}

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

/** The distinct statuses of a topic's jobs. */
async function statusesOf(topic: string): Promise<string[]> {
  const rows = await env.ctx.db.selectFrom('jobs').select('status').distinct().where('topic', '=', topic).execute();
  return rows.map((r) => r.status);
}

/** Every route Fastify knows, as 'METHOD /path' with OpenAPI-style {params}, from printRoutes' tree. */
function registeredRoutes(tree: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([\s│├└─]*)(\S.*?) \(([^)]+)\)$/.exec(line);
    if (!m) continue;
    const depth = Math.round((m[1] ?? '').length / 4);
    const full = `${depth > 0 ? (stack[depth - 1] ?? '') : ''}${m[2]}`.replace(/\/{2,}/g, '/');
    stack[depth] = full;
    // a parameter is a whole segment (`/:id`); a colon inside a segment is literal (`/results:import`)
    const path = `/${full}`.replace(/\/{2,}/g, '/').replace(/\/:(\w+)/g, '/{$1}');
    for (const method of (m[3] ?? '').split(', ')) if (method !== 'HEAD') out.push(`${method} ${path}`);
  }
  return out;
}

describe('health and docs', () => {
  it('/healthz → 200 {status: ok}', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it("/readyz → 200 {status: 'ready'}; 503 NOT_READY while a migration is pending", async () => {
    const res = await env.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', database: env.ctx.database.kind });
    const last = await sql<{
      name: string;
      timestamp: string;
    }>`select name, timestamp from schema_migrations order by name desc limit 1`.execute(env.ctx.db);
    const row = last.rows[0];
    if (!row) throw new Error('no migrations recorded');
    await sql`delete from schema_migrations where name = ${row.name}`.execute(env.ctx.db);
    try {
      const notReady = await env.app.inject({ method: 'GET', url: '/readyz' });
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json().error).toMatchObject({ code: 'NOT_READY', details: { pendingMigrations: [row.name] } });
    } finally {
      await sql`insert into schema_migrations (name, timestamp) values (${row.name}, ${row.timestamp})`.execute(
        env.ctx.db,
      );
    }
    expect((await env.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('/openapi.json lists every registered API route', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)),
    );
    const registered = registeredRoutes(env.app.printRoutes({ commonPrefix: false })).filter(
      (r) => r.includes(' /api/') || r.endsWith(' /healthz') || r.endsWith(' /readyz'),
    );
    expect(registered.length).toBeGreaterThan(20);
    expect(registered.filter((r) => !documented.has(r))).toEqual([]);
    for (const r of [
      'POST /api/v1/auth/staff/login',
      'POST /api/v1/auth/citizen/otp',
      'POST /api/v1/auth/citizen/verify',
      'GET /api/v1/people/{id}',
      'POST /api/v1/people',
      'GET /api/v1/admin-units/{code}',
      'GET /api/v1/admin-units',
      'POST /api/v1/staff',
      'GET /api/v1/dev/outbox',
      'GET /healthz',
      'GET /readyz',
    ]) {
      expect(documented.has(r), r).toBe(true);
    }
  });

  it('/docs serves the API explorer', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });
});

describe('migrations', () => {
  it('a fresh database has every migration applied, nothing pending, and the append-only audit trigger', async () => {
    expect(await pendingMigrations(env.ctx.db)).toEqual([]);
    expect(await migrateToLatest(env.ctx.db)).toEqual([]);
    const triggers = await sql<{ tgname: string }>`
      select tgname from pg_trigger where tgrelid = 'audit_log'::regclass and not tgisinternal order by tgname
    `.execute(env.ctx.db);
    expect(triggers.rows.map((r) => r.tgname)).toEqual(['audit_log_no_truncate', 'audit_log_no_update']);
  });
});

describe('jobs (transactional outbox)', () => {
  it('a job enqueued in a rolled-back transaction never runs', async () => {
    let runs = 0;
    env.ctx.jobs.register(
      handle(ROLLBACK, async () => {
        runs++;
      }),
    );
    await expect(
      env.ctx.db.transaction().execute(async (trx) => {
        await env.ctx.jobs.enqueue(trx, ROLLBACK, { n: 1 });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await env.ctx.jobs.drain();
    expect(runs).toBe(0);
    const rows = await env.ctx.db.selectFrom('jobs').select('id').where('topic', '=', 'test.rollback').execute();
    expect(rows).toEqual([]);
  });

  it('a job enqueued in a committed transaction runs once with its payload', async () => {
    const seen: unknown[] = [];
    env.ctx.jobs.register(
      handle(COMMIT, async (payload) => {
        seen.push(payload);
      }),
    );
    await env.ctx.db.transaction().execute((trx) => env.ctx.jobs.enqueue(trx, COMMIT, { hello: 'xin chào' }));
    await env.ctx.jobs.drain();
    await env.ctx.jobs.drain();
    expect(seen).toEqual([{ hello: 'xin chào' }]);
  });

  it('a failing handler is retried with exponential backoff and ends failed after max attempts', async () => {
    let calls = 0;
    env.ctx.jobs.register(
      handle(FAIL, async () => {
        calls++;
        throw new Error(`boom ${calls}`);
      }),
    );
    const id = await env.ctx.jobs.enqueue(env.ctx.db, FAIL, {}, { maxAttempts: 3 });
    const job = () => env.ctx.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const before = Date.now();
      await env.ctx.jobs.drain();
      const row = await job();
      expect(row.attempts).toBe(attempt);
      expect(row.last_error).toBe(`boom ${attempt}`);
      if (attempt < 3) {
        expect(row.status).toBe('pending');
        delays.push(row.run_at.getTime() - before);
        // not due yet: another drain does nothing
        await env.ctx.jobs.drain();
        expect((await job()).attempts).toBe(attempt);
        await env.ctx.db
          .updateTable('jobs')
          .set({ run_at: new Date(Date.now() - 1000) })
          .where('id', '=', id)
          .execute();
      } else {
        expect(row.status).toBe('failed');
      }
    }
    expect(calls).toBe(3);
    // 2 s after the first failure, 4 s after the second
    expect(delays[0]).toBeGreaterThan(1000);
    expect(delays[1]).toBeGreaterThan(delays[0] as number);
    await env.ctx.db
      .updateTable('jobs')
      .set({ run_at: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
    await env.ctx.jobs.drain();
    expect(calls).toBe(3);
  });

  it('refuses to enqueue a payload that does not match its topic, and nothing of the transaction commits', async () => {
    const bad = { personId: 'not-a-uuid' };
    await expect(
      env.ctx.db.transaction().execute(async (trx) => {
        await env.ctx.jobs.enqueue(trx, COUNT, { n: 1 });
        await env.ctx.jobs.enqueue(trx, STRICT, bad);
      }),
    ).rejects.toBeInstanceOf(InvalidJobPayload);
    await expect(env.ctx.jobs.enqueueMany(env.ctx.db, STRICT, [bad])).rejects.toThrow(/test\.strict/);
    const rows = await env.ctx.db.selectFrom('jobs').select('id').where('topic', '=', 'test.strict').execute();
    expect(rows).toEqual([]);
  });

  it('fails a stored job whose payload does not match its topic at once, without calling the handler', async () => {
    let calls = 0;
    env.ctx.jobs.register(
      handle(STRICT, async () => {
        calls++;
      }),
    );
    // a row written around the checked path (an old release, a hand-made insert)
    const { id } = await env.ctx.db
      .insertInto('jobs')
      .values({ topic: 'test.strict', payload: JSON.stringify({ personId: 42 }), max_attempts: 5 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await env.ctx.jobs.drain();
    const row = await env.ctx.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(calls).toBe(0);
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/invalid payload for job topic test\.strict/);
  });

  it('handleMany: the jobs claimed together in one call; when it fails, each alone, and only the failing one retries', async () => {
    const calls: number[][] = [];
    env.ctx.jobs.register(
      handleMany(MANY, async (payloads) => {
        calls.push(payloads.map((p) => p.n).sort((a, b) => a - b));
        if (payloads.some((p) => p.n === 13)) throw new Error('thirteen');
      }),
    );
    await env.ctx.jobs.enqueueMany(env.ctx.db, MANY, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await env.ctx.jobs.drain();
    expect(calls).toEqual([[1, 2, 3]]);

    calls.length = 0;
    await env.ctx.jobs.enqueueMany(env.ctx.db, MANY, [{ n: 12 }, { n: 13 }, { n: 14 }]);
    // a malformed row of the topic is failed on its own, never handed to the handler
    await env.ctx.db
      .insertInto('jobs')
      .values({ topic: 'test.many', payload: JSON.stringify({ n: 'x' }), max_attempts: 5 })
      .execute();
    await env.ctx.jobs.drain();
    expect(calls[0]).toEqual([12, 13, 14]);
    expect(calls.slice(1).sort()).toEqual([[12], [13], [14]]);
    const rows = await env.ctx.db
      .selectFrom('jobs')
      .select(['status', 'attempts', sql<string>`payload->>'n'`.as('n')])
      .where('topic', '=', 'test.many')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.n, r.status, r.attempts])).toEqual([
      ['1', 'done', 1],
      ['2', 'done', 1],
      ['3', 'done', 1],
      ['12', 'done', 1],
      ['13', 'pending', 1],
      ['14', 'done', 1],
      ['x', 'failed', 1],
    ]);
  });

  it('a woken worker waits a moment: the jobs committed and woken for meanwhile share one claim', async () => {
    // nothing else due for the worker below (it has no handlers but this test's)
    await env.ctx.jobs.drain();
    await env.ctx.db
      .updateTable('jobs')
      .set({ run_at: sql`now() + interval '1 day'` })
      .where('status', '=', 'pending')
      .execute();
    const worker = createJobs(env.ctx.db, pino({ level: 'silent' }), { pollMs: 60_000, wakeDelayMs: 1000 });
    const calls: number[][] = [];
    worker.register(
      handleMany(WOKEN, async (payloads) => {
        calls.push(payloads.map((p) => p.n).sort((a, b) => a - b));
      }),
    );
    worker.start();
    try {
      // the worker's first look (at start) finds nothing; then each job is committed on its own, a little apart, and
      // woken for at once, as requests do (woken at once, the worker took each alone)
      await new Promise((r) => setTimeout(r, 300));
      for (const n of [1, 2, 3]) {
        await worker.enqueue(env.ctx.db, WOKEN, { n });
        worker.wake();
        await new Promise((r) => setTimeout(r, 30));
      }
      const deadline = Date.now() + 10_000;
      while (calls.flat().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(calls).toEqual([[1, 2, 3]]);
    } finally {
      await worker.stop();
    }
    expect(await statusesOf('test.woken')).toEqual(['done']);
  });

  it('recurringTask: one run pending however often it is scheduled; each run schedules the next at the time it gives', async () => {
    const runs: number[] = [];
    const later = Date.now() + 3_600_000;
    const task = recurringTask(env.ctx, RECURRING, {
      run: async () => {
        runs.push(runs.length + 1);
        return runs.length;
      },
      next: (k) => new Date(later + k * 1000),
    });
    env.ctx.jobs.register(task.job);
    const pending = () => pendingRuns(env, RECURRING.name);
    // three workers starting at once
    await Promise.all([task.schedule(), task.schedule(), task.schedule()]);
    expect(await pending()).toHaveLength(1);
    await env.ctx.jobs.drain();
    expect(runs).toEqual([1]);
    const next = await pending();
    expect(next.map((j) => j.run_at.getTime())).toEqual([later + 1000]);
    // a worker starting again while the next run is pending adds nothing and moves nothing; it is not due yet
    await task.schedule();
    await env.ctx.jobs.drain();
    expect(runs).toEqual([1]);
    expect((await pending()).map((j) => j.run_at.getTime())).toEqual([later + 1000]);
    expect(await statusesOf(RECURRING.name)).toEqual(expect.arrayContaining(['done', 'pending']));
  });

  it("the platform purges finished jobs: done ones after a day (a message's phone and text), failed ones after 30 days", async () => {
    const purge = env.ctx.tasks.find((t) => t.job.topic.name === JOBS_PURGE.name);
    expect(purge).toBeDefined();
    const hours = (h: number) => new Date(Date.now() - h * 3600_000);
    const rows = [
      { status: 'done' as const, done_at: hours(25), run_at: hours(25) },
      { status: 'done' as const, done_at: hours(23), run_at: hours(23) },
      { status: 'failed' as const, done_at: null, run_at: hours(31 * 24) },
      { status: 'failed' as const, done_at: null, run_at: hours(29 * 24) },
      { status: 'pending' as const, done_at: null, run_at: hours(40 * 24) },
    ];
    const ids: number[] = [];
    for (const r of rows) {
      const { id } = await env.ctx.db
        .insertInto('jobs')
        .values({ topic: 'test.purge-me', payload: JSON.stringify({ to: '+84900000000' }), ...r })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(id);
    }
    await purge?.schedule();
    await env.ctx.jobs.drain();
    const left = await env.ctx.db.selectFrom('jobs').select('id').where('topic', '=', 'test.purge-me').execute();
    // the day-old done one and the month-old failed one are gone; the rest stay (a pending job is never purged)
    expect(left.map((r) => r.id).sort((a, b) => a - b)).toEqual([ids[1], ids[3], ids[4]]);
    // and the next purge is pending, an hour on
    const next = await pendingRuns(env, JOBS_PURGE.name);
    expect(next).toHaveLength(1);
    expect(next[0]?.run_at.getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
  });

  it('purges a backlog larger than a batch in bounded batches, every old finished job and no other', async () => {
    const hours = (h: number) => new Date(Date.now() - h * 3600_000);
    const row = (status: 'done' | 'failed' | 'pending', ageHours: number, keep: boolean) => ({
      topic: 'test.purge-backlog',
      payload: JSON.stringify({ to: '+84900000000', keep }),
      status,
      run_at: hours(ageHours),
      done_at: status === 'done' ? hours(ageHours) : null,
    });
    const gone = [
      ...Array.from({ length: 23 }, (_, i) => row('done', 25 + i, false)),
      ...Array.from({ length: 12 }, (_, i) => row('failed', 31 * 24 + i, false)),
    ];
    const kept = [
      row('done', 23, true),
      row('done', 1, true),
      row('failed', 29 * 24, true),
      row('pending', 40 * 24, true),
      row('pending', 0, true),
    ];
    // interleaved, so the batches meet rows that stay between those that go
    const values = gone.flatMap((r, i) => {
      const stays = i % 7 === 0 ? kept[i / 7] : undefined;
      return stays ? [stays, r] : [r];
    });
    expect(values).toHaveLength(40);
    const ids = (await env.ctx.db.insertInto('jobs').values(values).returning('id').execute()).map((r) => r.id);
    const keptIds = ids.filter((_, i) => kept.some((r) => r === values[i]));
    expect(keptIds).toHaveLength(5);
    const left = async () =>
      (await env.ctx.db.selectFrom('jobs').select('id').where('topic', '=', 'test.purge-backlog').execute())
        .map((r) => r.id)
        .sort((a, b) => a - b);

    const purged = await purgeFinishedJobs(env.ctx.db, { batchSize: 5 });
    expect(purged).toMatchObject({ done: 23, failed: 12 });
    // 35 rows, at most five per statement: seven batches (the empty statement that ends the run is not one)
    expect(purged.batches).toBe(7);
    expect(await left()).toEqual(keptIds.sort((a, b) => a - b));
    // and the next run finds nothing
    expect(await purgeFinishedJobs(env.ctx.db, { batchSize: 5 })).toEqual({ done: 0, failed: 0, batches: 0 });
  });

  it('recurringTask: a run that throws is retried by the queue; after its last attempt the next run is scheduled', async () => {
    let calls = 0;
    const task = recurringTask(env.ctx, RECURRING_FAIL, {
      run: async () => {
        calls++;
        throw new Error('recount failed');
      },
      next: () => new Date(Date.now() + 60_000),
    });
    env.ctx.jobs.register(task.job);
    await task.schedule();
    await env.ctx.jobs.drain();
    expect(calls).toBe(1);
    const rows = await env.ctx.db
      .selectFrom('jobs')
      .select(['status', 'attempts', 'max_attempts'])
      .where('topic', '=', RECURRING_FAIL.name)
      .execute();
    expect(rows).toEqual([{ status: 'pending', attempts: 1, max_attempts: 3 }]);
    // attempts 2 and 3 (made due at once instead of after their backoff) fail too
    for (const attempt of [2, 3]) {
      await runPendingNow(RECURRING_FAIL.name);
      expect(calls).toBe(attempt);
    }
    // the failed run is not the end of the task: one run is pending, an hour on
    expect(await statusesOf(RECURRING_FAIL.name)).toEqual(expect.arrayContaining(['failed', 'pending']));
    const next = await pendingRuns(env, RECURRING_FAIL.name);
    expect(next).toHaveLength(1);
    expect(next[0]?.run_at.getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect(next[0]?.run_at.getTime()).toBeLessThanOrEqual(Date.now() + RECURRING_AFTER_FAILURE_MS);
  });

  it('recurringTask: when scheduling the next run after the last failed attempt fails too, it is tried again until done', async () => {
    // the database "away" for the task's next two schedulings (the run itself fails every time)
    let away = 0;
    const jobs: Pick<Jobs, 'enqueueUnlessPending'> = {
      enqueueUnlessPending: (trx, topic, payload, opts) =>
        away-- > 0
          ? Promise.reject(new Error('connection terminated'))
          : env.ctx.jobs.enqueueUnlessPending(trx, topic, payload, opts),
    };
    let calls = 0;
    const task = recurringTask({ db: env.ctx.db, jobs }, RECURRING_AWAY, {
      run: async () => {
        calls++;
        throw new Error('purge failed');
      },
      next: () => new Date(Date.now() + 60_000),
      retryMs: 50,
    });
    env.ctx.jobs.register(task.job);
    await task.schedule();
    for (const attempt of [1, 2, 3]) {
      if (attempt === 3) away = 2;
      await runPendingNow(RECURRING_AWAY.name);
      expect(calls).toBe(attempt);
    }
    // the last attempt failed, and so did scheduling the next run — twice; the third try, 100 ms on, schedules it
    const deadline = Date.now() + 10_000;
    while ((await pendingRuns(env, RECURRING_AWAY.name)).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(away).toBeLessThan(0);
    const next = await pendingRuns(env, RECURRING_AWAY.name);
    expect(next).toHaveLength(1);
    expect(next[0]?.run_at.getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect(await statusesOf(RECURRING_AWAY.name)).toEqual(expect.arrayContaining(['failed', 'pending']));
  });

  it('two concurrent drains process each job exactly once', async () => {
    const counts = new Map<number, number>();
    env.ctx.jobs.register(
      handle(COUNT, async ({ n }) => {
        counts.set(n, (counts.get(n) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 2));
      }),
    );
    await env.ctx.db.transaction().execute(async (trx) => {
      for (let n = 0; n < 50; n++) await env.ctx.jobs.enqueue(trx, COUNT, { n });
    });
    const [a, b] = await Promise.all([env.ctx.jobs.drain(), env.ctx.jobs.drain()]);
    expect(counts.size).toBe(50);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    expect((a ?? 0) + (b ?? 0)).toBe(50);
    expect(await statusesOf('test.count')).toEqual(['done']);
  });
});

describe('notifications and the dev outbox', () => {
  it('notifier.enqueue + drain → the fake adapter records the message', async () => {
    await env.ctx.notifier.enqueue(env.ctx.db, { channel: 'zalo', to: '+84912000001', text: 'Thông báo thử' });
    await env.ctx.jobs.drain();
    const rows = await env.ctx.db
      .selectFrom('notify_fake_messages')
      .select(['channel', 'recipient', 'text'])
      .where('recipient', '=', '+84912000001')
      .execute();
    expect(rows).toEqual([{ channel: 'zalo', recipient: '+84912000001', text: 'Thông báo thử' }]);
  });

  it('messages claimed together are recorded together by the fake adapter, each once, in order', async () => {
    const to = '+84912000002';
    await env.ctx.notifier.enqueueMany(
      env.ctx.db,
      [1, 2, 3].map((n) => ({ channel: 'sms' as const, to, text: `Tin ${n}` })),
    );
    await env.ctx.jobs.drain();
    const rows = await env.ctx.db
      .selectFrom('notify_fake_messages')
      .select('text')
      .where('recipient', '=', to)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.text)).toEqual(['Tin 1', 'Tin 2', 'Tin 3']);
  });

  it('GET /dev/outbox?to=0912345678 (admin) → that recipient’s messages, newest first', async () => {
    const admin = await staffToken(env, 'admin', null);
    await env.ctx.notifier.enqueue(env.ctx.db, { channel: 'sms', to: '+84912345678', text: 'first' });
    await env.ctx.jobs.drain();
    await env.ctx.notifier.enqueue(env.ctx.db, { channel: 'sms', to: '+84912345678', text: 'second' });
    await env.ctx.notifier.enqueue(env.ctx.db, { channel: 'sms', to: '+84999999999', text: 'someone else' });
    await env.ctx.jobs.drain();
    const res = await env.app.inject({
      method: 'GET',
      url: '/api/v1/dev/outbox?to=0912345678',
      headers: bearer(admin.token),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual([
      { id: expect.any(Number), channel: 'sms', to: '+84912345678', text: 'second', createdAt: expect.any(String) },
      { id: expect.any(Number), channel: 'sms', to: '+84912345678', text: 'first', createdAt: expect.any(String) },
    ]);
    expect(body[0].id).toBeGreaterThan(body[1].id);
    expect(Number.isNaN(Date.parse(body[0].createdAt))).toBe(false);
    // the same recipient in E.164 notation
    const e164 = await env.app.inject({
      method: 'GET',
      url: `/api/v1/dev/outbox?to=${encodeURIComponent('+84912345678')}&limit=1`,
      headers: bearer(admin.token),
    });
    expect(e164.json().map((m: { text: string }) => m.text)).toEqual(['second']);
  });

  it('with real (webhook) adapters the outbox does not exist (404 DEV_ONLY) and OTP answers carry no code', async () => {
    const config = { ...env.ctx.config, notify: 'webhook' as const, notifyWebhookUrl: 'http://127.0.0.1:9/sms' };
    const real = await buildApp(createContext(config, env.ctx.database, env.ctx.log));
    try {
      const admin = await staffToken(env, 'admin', null);
      const res = await real.inject({ method: 'GET', url: '/api/v1/dev/outbox', headers: bearer(admin.token) });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('DEV_ONLY');
      const otp = await real.inject({
        method: 'POST',
        url: '/api/v1/auth/citizen/otp',
        payload: { phone: '0912000002' },
      });
      expect(otp.statusCode).toBe(202);
      expect(otp.json().devCode).toBeUndefined();
    } finally {
      await real.close();
    }
  });

  it('the outbox is admin-only: other staff → 403, no session → 401', async () => {
    for (const role of ['health_worker', 'tracer', 'leader']) {
      const { token } = await staffToken(env, role, UNITS.province);
      const res = await env.app.inject({ method: 'GET', url: '/api/v1/dev/outbox', headers: bearer(token) });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/dev/outbox' })).statusCode).toBe(401);
  });
});
