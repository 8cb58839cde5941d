/**
 * Opening and closing a running Truyvet: database + migrations + context, and the bootstrap admin account.
 * Shared by the CLI commands, tests and benchmarks.
 */
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { type AppContext, createContext } from './context.ts';
import { openDatabase, pgliteDirFor } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { ensureCheckinPartitions } from './modules/checkins/maintenance.ts';
import { generatePassword, hashPassword } from './platform/passwords.ts';

/** Opens the configured database, applies migrations and builds the context. */
export async function openRuntime(config: Config, log: Logger): Promise<AppContext> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    pgliteDir: config.databaseUrl ? undefined : pgliteDirFor(config.dataDir),
    poolSize: config.dbPoolSize,
    prepared: config.dbPrepared,
    transactionGuard: config.dbTransactionGuard,
    // the pool reconnects by itself; the logger's error serializer keeps the connection settings out of the line
    onConnectionError: (err) => log.warn({ err }, 'database connection lost'),
  });
  const applied = await migrateToLatest(database.db);
  if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');
  // check-in partitions for the whole retention window and a few days ahead (idempotent, quick when present)
  const now = Date.now();
  await ensureCheckinPartitions(
    database.db,
    new Date(now - config.checkinRetentionDays * 86_400_000),
    new Date(now + 3 * 86_400_000),
  );
  return createContext(config, database, log);
}

/** Stops the job worker, releases what each module holds (worker threads, timers) and closes the database. */
export async function closeRuntime(ctx: AppContext): Promise<void> {
  await ctx.jobs.stop();
  for (const m of ctx.modules) await m.close?.();
  await ctx.database.close();
}

/**
 * Creates the `admin` superuser (role admin, national scope) on first start. The password comes from
 * TRUYVET_ADMIN_PASSWORD; when `generateIfMissing` (the demo) and none is configured, a random one is
 * generated and returned so it can be printed once. Never a default password.
 */
export async function bootstrapAdmin(
  ctx: AppContext,
  generateIfMissing: boolean,
): Promise<{ created: boolean; password?: string }> {
  const existing = await ctx.db
    .selectFrom('staff_users')
    .select('id')
    .where('username', '=', 'admin')
    .executeTakeFirst();
  if (existing) return { created: false };
  const configured = ctx.config.adminPassword;
  if (!configured && !generateIfMissing) return { created: false };
  const password = configured ?? generatePassword();
  const passwordHash = await hashPassword(password);
  await ctx.db.transaction().execute(async (trx) => {
    const user = await trx
      .insertInto('staff_users')
      .values({ username: 'admin', display_name: 'Quản trị hệ thống', password_hash: passwordHash })
      .onConflict((oc) => oc.column('username').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!user) return;
    await trx.insertInto('staff_grants').values({ user_id: user.id, role: 'admin', unit_code: null }).execute();
    await ctx.audit.append(trx, {
      actor: { kind: 'system', name: 'bootstrap' },
      action: 'staff.create',
      resourceType: 'staff_user',
      resourceId: user.id,
      details: { role: 'admin' },
    });
  });
  return configured ? { created: true } : { created: true, password };
}
