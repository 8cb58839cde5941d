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
import { createJobs, type Jobs } from './jobs.ts';
import { createSigningKeys, type SigningKeys } from './keys.ts';
import { createNotifier, type Notifier } from './notify.ts';
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
}

export function createPlatformContext(config: Config, database: Database, log: Logger): PlatformContext {
  const db = database.db;
  const jobs = createJobs(db, log.child({ component: 'jobs' }));
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
  };
}
