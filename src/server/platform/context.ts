/**
 * The platform half of the running app: configuration, database, logger, audit, jobs, notifier, sessions and keys,
 * created once per process (or once per test database) and passed explicitly — no module-level singletons, so tests
 * can build as many isolated apps as they like. Modules receive this and the services of the modules they depend
 * on; the composition root (`src/server/context.ts`) builds both.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { DB } from '../db/types.ts';
import { type Audit, createAudit } from './audit.ts';
import { createJobs, JOBS_PURGE, type Jobs, purgeFinishedJobs, type RecurringTask, recurringTask } from './jobs.ts';
import { createSigningKeys, type SigningKeys } from './keys.ts';
import { createNotifier, type Notifier } from './notify.ts';
import { createOneTimeCodes, type OneTimeCodes } from './otp.ts';
import { purgeRateLimits } from './rate-limit-store.ts';
import { createSessions, type Sessions } from './sessions.ts';

export interface PlatformContext {
  config: Config;
  database: Database;
  db: Kysely<DB>;
  log: Logger;
  audit: Audit;
  jobs: Jobs;
  notifier: Notifier;
  sessions: Sessions;
  keys: SigningKeys;
  /** The keys one-time codes (SMS) are hashed with, one per purpose, from the deployment's TRUYVET_OTP_SECRET. */
  otp: OneTimeCodes;
  /** The platform's own recurring tasks (their jobs registered here; a worker schedules them at start: main.ts). */
  tasks: RecurringTask[];
}

export function createPlatformContext(config: Config, database: Database, log: Logger): PlatformContext {
  const db = database.db;
  const jobs = createJobs(db, log.child({ component: 'jobs' }));
  // finished jobs leave after a day (a delivered SMS's phone and text are in its payload), failed ones after 30;
  // in batches of JOBS_PURGE_BATCH rows, each committed alone
  const jobsPurge = recurringTask({ db, jobs }, JOBS_PURGE, {
    run: async () => {
      const deleted = await purgeFinishedJobs(db);
      if (deleted.done + deleted.failed > 0) log.info({ ...deleted }, 'finished jobs purged');
      // and the rate limits' counters of ended windows (platform/rate-limit-store.ts)
      await purgeRateLimits(db);
    },
    next: () => new Date(Date.now() + 3600_000),
  });
  jobs.register(jobsPurge.job);
  return {
    config,
    database,
    db,
    log,
    audit: createAudit(db),
    jobs,
    notifier: createNotifier(db, jobs, config),
    sessions: createSessions(db, config.sessionCacheSeconds),
    keys: createSigningKeys(db),
    otp: createOneTimeCodes(db, config),
    tasks: [jobsPurge],
  };
}
