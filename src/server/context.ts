/**
 * Everything a module's service needs, created once per process (or once per test database) and passed
 * explicitly — no module-level singletons, so tests can build as many isolated apps as they like.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { DB } from './db/types.ts';
import { registerCaseJobs } from './modules/cases/jobs.ts';
import { registerCheckinJobs } from './modules/checkins/jobs.ts';
import { type Audit, createAudit } from './platform/audit.ts';
import { createJobs, type Jobs } from './platform/jobs.ts';
import { createSigningKeys, type SigningKeys } from './platform/keys.ts';
import { createNotifier, type Notifier } from './platform/notify.ts';
import { createSessions, type Sessions } from './platform/sessions.ts';

export interface AppContext {
  config: Config;
  database: Database;
  db: Kysely<DB>;
  log: Logger;
  audit: Audit;
  jobs: Jobs;
  notifier: Notifier;
  sessions: Sessions;
  keys: SigningKeys;
}

export function createContext(config: Config, database: Database, log: Logger): AppContext {
  const db = database.db;
  const jobs = createJobs(db, log.child({ component: 'jobs' }));
  const ctx: AppContext = {
    config,
    database,
    db,
    log,
    audit: createAudit(db),
    jobs,
    notifier: createNotifier(db, jobs, config),
    sessions: createSessions(db, config.sessionCacheSeconds),
    keys: createSigningKeys(db),
  };
  registerCheckinJobs(ctx);
  registerCaseJobs(ctx);
  return ctx;
}
