/**
 * Recurring maintenance of declarations: the retention purge (maintenance.ts) as a `declarations.maintain` job that
 * re-schedules itself hourly — one pending instance at a time, whichever worker runs it, scheduled when a worker
 * starts. A run that stopped with rows left (a first purge of a large backlog) comes back in a minute instead.
 */
import { Type } from 'typebox';
import type { PlatformContext } from '../../platform/context.ts';
import { defineTopic, handle, type JobRegistration } from '../../platform/jobs.ts';
import { purgeDeclarations } from './maintenance.ts';

export const DECLARATIONS_MAINTAIN = defineTopic('declarations.maintain', Type.Object({}));
const EVERY_MS = 3600_000;
const AGAIN_MS = 60_000;

async function scheduleNext(ctx: PlatformContext, runAt: Date): Promise<void> {
  await ctx.db
    .transaction()
    .execute((trx) => ctx.jobs.enqueueUnlessPending(trx, DECLARATIONS_MAINTAIN, {}, { runAt, maxAttempts: 3 }));
}

export function declarationJobs(ctx: PlatformContext): JobRegistration[] {
  return [
    handle(DECLARATIONS_MAINTAIN, async () => {
      const result = await purgeDeclarations(ctx.db, ctx.audit, ctx.config.declarationRetentionDays);
      // counts and the first day kept only: nothing personal in the log
      ctx.log.info({ ...result }, 'declaration retention');
      await scheduleNext(ctx, new Date(Date.now() + (result.more ? AGAIN_MS : EVERY_MS)));
    }),
  ];
}

/** Makes sure one maintenance run is pending (called when a worker starts). */
export function scheduleDeclarationMaintenance(ctx: PlatformContext): Promise<void> {
  return scheduleNext(ctx, new Date());
}
