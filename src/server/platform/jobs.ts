/**
 * Job queue and transactional outbox on PostgreSQL. `enqueue(trx, …)` writes the job in the caller's
 * transaction, so an event exists exactly when the change that caused it committed — never lost between a
 * commit and a notification. Workers claim due jobs with `FOR UPDATE SKIP LOCKED` (many workers, no double
 * processing), retry failures with exponential backoff up to `max_attempts`, and re-queue jobs whose worker
 * died mid-run after a lease timeout. Delivery is at-least-once: handlers must be idempotent.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import { type Static, type TObject, type TSchema, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { DB } from '../db/types.ts';

/**
 * A job topic and the shape of its payload, declared once (beside the module that consumes it) and checked on both
 * sides: `enqueue` refuses a payload that does not match (a programming error, thrown in the writer's transaction so
 * nothing half-written commits), and the worker hands a handler only payloads that match — a malformed job (an old
 * row, a hand-inserted one) is failed at once, since retrying cannot make it valid.
 */
export interface Topic<S extends TSchema = TSchema> {
  readonly name: string;
  readonly schema: S;
  check(payload: unknown): payload is Static<S>;
  /** First few validation problems, for logs (never the payload itself: it may hold personal data). */
  problems(payload: unknown): string[];
}

export function defineTopic<S extends TSchema>(name: string, schema: S): Topic<S> {
  const validator = Compile(schema);
  return {
    name,
    schema,
    check: (payload): payload is Static<S> => validator.Check(payload),
    problems: (payload) =>
      [...validator.Errors(payload)].slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`),
  };
}

export type JobHandler<S extends TSchema = TSchema> = (
  payload: Static<S>,
  job: { id: number; attempts: number },
) => Promise<void>;

/** A topic with its handler, as a module's manifest lists it. */
export interface JobRegistration<S extends TSchema = TSchema> {
  topic: Topic<S>;
  handler: JobHandler<S>;
  /** set by `handleMany`: the jobs of the topic claimed together, handled in one call */
  many?: (payloads: Static<S>[]) => Promise<void>;
}

/** Pairs a topic with its handler, keeping the payload type (an array of registrations would widen it). */
export function handle<S extends TSchema>(topic: Topic<S>, handler: JobHandler<S>): JobRegistration {
  return { topic, handler } as unknown as JobRegistration;
}

/**
 * Pairs a topic with a handler of many payloads: the worker hands it every well-formed job of the topic it claimed
 * in one go (one look-up for all of them instead of one per job: an event per recorded dose, thousands a minute). If
 * the call fails, each of those jobs is run again alone (`many([payload])`), so only a failing one is retried — a
 * payload may then be handled twice, which at-least-once delivery allows already.
 */
export function handleMany<S extends TSchema>(
  topic: Topic<S>,
  many: (payloads: Static<S>[]) => Promise<void>,
): JobRegistration {
  return { topic, handler: (payload: Static<S>) => many([payload]), many } as unknown as JobRegistration;
}

/** When a recurring task's run failed its last attempt, the next run comes this much later (unless it says). */
export const RECURRING_AFTER_FAILURE_MS = 3_600_000;
/** How soon a recurring task tries again to schedule its next run when even that failed (the database away). */
export const RECURRING_SCHEDULE_RETRY_MS = 60_000;

/**
 * A recurring task (a maintenance pass, a recount, an export) as a job of its own topic that keeps exactly one run
 * pending, whichever worker runs it and however many start at once (`enqueueUnlessPending`). The module lists `job`
 * with its jobs and calls `schedule()` from `onWorkerStart` (a run now, or at the time it gives); after each run the
 * handler schedules the next at `next(result)` — an hour later, or sooner when the run stopped with work left. A run
 * that throws is retried by the queue (3 attempts, 2 s and 4 s apart); when its last attempt fails too, the task is
 * not dropped: the next run is scheduled at `afterFailure()` (default an hour later). Without that, a database away
 * for a few seconds would have stopped a retention purge until the next worker start. On the last attempt, when
 * scheduling the next run fails as well (the database still away), this process tries it again every `retryMs`
 * (default a minute) until it is done — so the task stops only with the process, whose next start schedules it.
 */
export interface RecurringTask {
  readonly job: JobRegistration;
  /** Makes sure one run is pending, at `runAt` (default now); does nothing when one is pending already. */
  schedule(runAt?: Date): Promise<void>;
}

export function recurringTask<R>(
  platform: { db: Kysely<DB>; jobs: Pick<Jobs, 'enqueueUnlessPending'> },
  topic: Topic<TObject<Record<never, never>>>,
  task: { run: () => Promise<R>; next: (result: R) => Date; afterFailure?: () => Date; retryMs?: number },
): RecurringTask {
  const attempts = 3;
  const schedule = async (runAt: Date = new Date()) => {
    await platform.db
      .transaction()
      .execute((trx) => platform.jobs.enqueueUnlessPending(trx, topic, {}, { runAt, maxAttempts: attempts }));
  };
  /** Schedules the run at `at`, and when that fails, again in this process a little later until it is done. */
  const scheduleSurely = async (at: Date): Promise<void> => {
    try {
      await schedule(at);
    } catch {
      setTimeout(() => void scheduleSurely(at), task.retryMs ?? RECURRING_SCHEDULE_RETRY_MS).unref();
    }
  };
  return {
    job: handle(topic, async (_payload, job) => {
      const last = job.attempts >= attempts;
      let result: R;
      try {
        result = await task.run();
      } catch (err) {
        if (last) await scheduleSurely(task.afterFailure?.() ?? new Date(Date.now() + RECURRING_AFTER_FAILURE_MS));
        throw err;
      }
      // before the last attempt a failed scheduling fails the job, and the queue runs it again
      await (last ? scheduleSurely : schedule)(task.next(result));
    }),
    schedule,
  };
}

/** Thrown by `enqueue` for a payload that does not match its topic. */
export class InvalidJobPayload extends Error {
  constructor(topic: string, problems: string[]) {
    super(`invalid payload for job topic ${topic}: ${problems.join('; ')}`);
    this.name = 'InvalidJobPayload';
  }
}

export interface EnqueueOptions {
  runAt?: Date;
  maxAttempts?: number;
}

export interface Jobs {
  enqueue<S extends TSchema>(
    trx: Transaction<DB> | Kysely<DB>,
    topic: Topic<S>,
    payload: Static<S>,
    options?: EnqueueOptions,
  ): Promise<number>;
  /** Several jobs in one statement (e.g. every notification of a traced case). */
  enqueueMany<S extends TSchema>(
    trx: Transaction<DB> | Kysely<DB>,
    topic: Topic<S>,
    payloads: Static<S>[],
    options?: EnqueueOptions,
  ): Promise<void>;
  /**
   * Enqueues the job unless one of its topic is already pending (a recurring task that re-schedules itself: one
   * pending run at a time, however many workers start or finish a run at once). Takes a transaction-scoped lock per
   * topic, so concurrent callers decide one after the other; returns the new job's id, or undefined when one was
   * pending already.
   */
  enqueueUnlessPending<S extends TSchema>(
    trx: Transaction<DB>,
    topic: Topic<S>,
    payload: Static<S>,
    options?: EnqueueOptions,
  ): Promise<number | undefined>;
  register(registration: JobRegistration): void;
  /** Claims and runs due jobs until none are left; returns how many ran. Used by the worker loop and tests. */
  drain(): Promise<number>;
  /** Starts polling (role worker/all). */
  start(): void;
  /** Nudges a running worker to look now instead of at its next poll. */
  wake(): void;
  stop(): Promise<void>;
}

export interface JobsOptions {
  pollMs?: number;
  batchSize?: number;
  leaseSeconds?: number;
  /**
   * How long a woken worker waits before it claims (default 25 ms): the wakes of that window share one claim. Woken
   * at once, a worker under load (a message queued by every tenth declaration, ~200 a second) claimed one job at a
   * time — a claim, the job, an update to done and an empty claim for each.
   */
  wakeDelayMs?: number;
}

export function createJobs(db: Kysely<DB>, log: Logger, options: JobsOptions = {}): Jobs {
  const handlers = new Map<string, JobRegistration>();
  const pollMs = options.pollMs ?? 500;
  const batchSize = options.batchSize ?? 50;
  const leaseSeconds = options.leaseSeconds ?? 300;
  const wakeDelayMs = options.wakeDelayMs ?? 25;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let loop: Promise<void> | undefined;
  let wakeRequested = false;
  let lastReap = 0;

  async function claim() {
    const now = Date.now();
    if (now - lastReap > 30_000) {
      lastReap = now;
      // a worker that died mid-job leaves it 'running'; give it back after the lease
      await db
        .updateTable('jobs')
        .set({ status: 'pending', locked_at: null })
        .where('status', '=', 'running')
        .where('locked_at', '<', sql<Date>`now() - make_interval(secs => ${leaseSeconds})`)
        .execute();
    }
    return db
      .updateTable('jobs')
      .set({ status: 'running', locked_at: sql`now()`, attempts: sql`attempts + 1` })
      .where(
        'id',
        'in',
        db
          .selectFrom('jobs')
          .select('id')
          .where('status', '=', 'pending')
          .where('run_at', '<=', sql<Date>`now()`)
          .orderBy('run_at')
          .orderBy('id')
          .limit(batchSize)
          .forUpdate()
          .skipLocked(),
      )
      .returning(['id', 'topic', 'payload', 'attempts', 'max_attempts'])
      .execute();
  }

  /** Runs one job; true when its handler succeeded (the caller marks the batch's successes done together). */
  async function runJob(job: Awaited<ReturnType<typeof claim>>[number]): Promise<boolean> {
    const registration = handlers.get(job.topic);
    let malformed = false;
    try {
      if (!registration) throw new Error(`no handler for topic ${job.topic}`);
      const { topic, handler } = registration;
      if (!topic.check(job.payload)) {
        malformed = true;
        throw new InvalidJobPayload(job.topic, topic.problems(job.payload));
      }
      await handler(job.payload, { id: job.id, attempts: job.attempts });
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const final = malformed || job.attempts >= job.max_attempts;
      const backoffSeconds = Math.min(3600, 2 ** job.attempts);
      // the error's kind, not its message (stored on the job below: it may quote the payload's values)
      const errorType = err instanceof Error ? err.name : typeof err;
      log.warn({ jobId: job.id, topic: job.topic, attempts: job.attempts, final, errorType }, 'job failed');
      await db
        .updateTable('jobs')
        .set({
          status: final ? 'failed' : 'pending',
          last_error: message.slice(0, 2000),
          locked_at: null,
          run_at: sql`now() + make_interval(secs => ${backoffSeconds})`,
        })
        .where('id', '=', job.id)
        .execute();
      return false;
    }
  }

  /** Claims one batch of due jobs and runs it; returns how many it claimed. */
  async function runBatch(): Promise<number> {
    // in the order they were queued: an update's `returning` comes in whatever order its plan met the rows (messages
    // queued together reached the adapter shuffled)
    const jobs = (await claim()).sort((a, b) => a.id - b.id);
    if (jobs.length === 0) return 0;
    const done: number[] = [];
    // the jobs of `handleMany` topics go together, one call per topic (after the others, claimed in the same batch)
    const together = new Map<string, typeof jobs>();
    for (const job of jobs) {
      const registration = handlers.get(job.topic);
      if (registration?.many && registration.topic.check(job.payload)) {
        together.set(job.topic, [...(together.get(job.topic) ?? []), job]);
      } else if (await runJob(job)) done.push(job.id);
    }
    for (const [topic, group] of together) {
      const many = handlers.get(topic)?.many;
      if (many && group.length > 1) {
        try {
          await many(group.map((j) => j.payload));
          done.push(...group.map((j) => j.id));
          continue;
        } catch {
          // (the error is not logged here: each job, run alone below, logs its own failure)
          log.warn({ topic, jobs: group.length }, 'jobs handled together failed: each runs alone');
        }
      }
      for (const job of group) if (await runJob(job)) done.push(job.id);
    }
    // one commit for the batch's successes instead of one per job (at-least-once either way: a crash before this
    // update hands the jobs out again after the lease)
    if (done.length > 0) {
      await db
        .updateTable('jobs')
        .set({ status: 'done', done_at: sql`now()`, locked_at: null })
        .where('id', 'in', done)
        .execute();
    }
    return jobs.length;
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await runBatch();
      if (n === 0) return total;
      total += n;
    }
  }

  /**
   * The worker's turn: batches until one comes back short of `batchSize` — no further claim just to find the queue
   * empty (what arrives later wakes the worker, or the next poll finds it).
   */
  async function turn(): Promise<void> {
    while ((await runBatch()) >= batchSize) {
      // a full batch: more may be due
    }
  }

  let active = false;
  /** the pending timer was set by a wake (not by the poll) */
  let wokenTimer = false;

  function schedule(delay: number) {
    if (!running) return;
    timer = setTimeout(tick, delay);
  }

  function tick() {
    timer = undefined;
    wokenTimer = false;
    active = true;
    wakeRequested = false;
    loop = turn()
      .then(
        () => undefined,
        (err) => log.error({ err }, 'job loop error'),
      )
      .finally(() => {
        active = false;
        schedule(wakeRequested ? wakeDelayMs : pollMs);
      });
  }

  async function enqueue<S extends TSchema>(
    trx: Transaction<DB> | Kysely<DB>,
    topic: Topic<S>,
    payload: Static<S>,
    opts: EnqueueOptions = {},
  ): Promise<number> {
    if (!topic.check(payload)) throw new InvalidJobPayload(topic.name, topic.problems(payload));
    const row = await trx
      .insertInto('jobs')
      .values({
        topic: topic.name,
        payload: JSON.stringify(payload),
        ...(opts.runAt ? { run_at: opts.runAt } : {}),
        ...(opts.maxAttempts ? { max_attempts: opts.maxAttempts } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  return {
    enqueue,
    async enqueueUnlessPending(trx, topic, payload, opts = {}) {
      await sql`select pg_advisory_xact_lock(7231006, hashtext(${topic.name}))`.execute(trx);
      const pending = await trx
        .selectFrom('jobs')
        .select('id')
        .where('topic', '=', topic.name)
        .where('status', '=', 'pending')
        .limit(1)
        .executeTakeFirst();
      return pending ? undefined : enqueue(trx, topic, payload, opts);
    },
    async enqueueMany(trx, topic, payloads, opts = {}) {
      if (payloads.length === 0) return;
      for (const p of payloads) if (!topic.check(p)) throw new InvalidJobPayload(topic.name, topic.problems(p));
      // one statement with the payloads as an array parameter, whatever their number (a traced outbreak can
      // enqueue tens of thousands of messages): no per-row parameters to build, send or parse
      await sql`
        insert into jobs (topic, payload, run_at, max_attempts)
        select ${topic.name}, p::jsonb, coalesce(${opts.runAt ?? null}::timestamptz, now()), coalesce(${opts.maxAttempts ?? null}::int, 10)
        from unnest(${payloads.map((p) => JSON.stringify(p))}::text[]) as p`.execute(trx);
    },
    register(registration) {
      handlers.set(registration.topic.name, registration);
    },
    drain,
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    wake() {
      if (!running) return;
      if (active) {
        wakeRequested = true;
      } else if (timer && !wokenTimer) {
        // the wakes until the claim share it (a timer set by a wake already is left alone)
        clearTimeout(timer);
        schedule(wakeDelayMs);
        wokenTimer = true;
      }
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await loop;
    },
  };
}

/** A finished job is kept this long after it was done: a delivered SMS keeps its phone and text in its payload. */
export const DONE_JOBS_KEPT_MS = 24 * 3600_000;
/** A job that failed its last attempt is kept this long, for whoever looks into why. */
export const FAILED_JOBS_KEPT_MS = 30 * 86_400_000;

/** Jobs one statement of the purge deletes at most (each batch commits on its own). */
export const JOBS_PURGE_BATCH = 5000;

export interface JobsPurgeOptions {
  /** now, for tests */
  now?: Date;
  /** rows per statement (JOBS_PURGE_BATCH) */
  batchSize?: number;
}

/**
 * Deletes the jobs done more than DONE_JOBS_KEPT_MS ago and those failed more than FAILED_JOBS_KEPT_MS ago: a job's
 * payload may name people (a message's phone and text, a person's id), and a finished one serves no one after a day.
 *
 * In batches of `batchSize` rows, each one autocommitted statement, until a batch finds fewer: the first purge of a
 * large table (millions of delivered messages) never holds one huge transaction — its row locks, its WAL, a replica
 * falling behind — and a deploy or a crash mid-way keeps what was deleted. The batches walk the primary key upwards
 * (`id > ` the last batch's largest), so each starts where the previous stopped instead of scanning again past the
 * rows already deleted; rows another run holds are skipped (a run handed out again after its lease shares the work).
 */
export async function purgeFinishedJobs(
  db: Kysely<DB>,
  options: JobsPurgeOptions = {},
): Promise<{ done: number; failed: number; batches: number }> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? JOBS_PURGE_BATCH;
  const doneBefore = new Date(now.getTime() - DONE_JOBS_KEPT_MS);
  const failedBefore = new Date(now.getTime() - FAILED_JOBS_KEPT_MS);
  const result = { done: 0, failed: 0, batches: 0 };
  for (let after = 0; ; ) {
    const batch = db
      .selectFrom('jobs')
      .select('id')
      .where('id', '>', after)
      .where((w) =>
        w.or([
          w.and([w('status', '=', 'done'), w('done_at', '<', doneBefore)]),
          w.and([w('status', '=', 'failed'), w('run_at', '<', failedBefore)]),
        ]),
      )
      .orderBy('id')
      .limit(batchSize)
      .forUpdate()
      .skipLocked();
    // `= any(array(…))`, not `in (…)`: PostgreSQL plans an IN subquery as a semi-join over a scan of the whole table
    // (every batch reading all of it); the array is computed once and its ids looked up in the primary key
    const gone = await db
      .deleteFrom('jobs')
      .where(sql<boolean>`id = any(array(${batch}))`)
      .returning(['id', 'status'])
      .execute();
    if (gone.length === 0) break;
    result.batches++;
    for (const row of gone) {
      if (row.status === 'done') result.done++;
      else result.failed++;
      after = Math.max(after, row.id);
    }
    if (gone.length < batchSize) break;
  }
  return result;
}

/** The hourly purge of finished jobs (`purgeFinishedJobs`), a platform task: registered and scheduled by the platform. */
export const JOBS_PURGE = defineTopic('platform.jobs-purge', Type.Object({}));
