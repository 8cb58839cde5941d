/**
 * Recurring maintenance of declarations: the retention purge (maintenance.ts) as a `declarations.maintain` job that
 * re-schedules itself hourly — one pending instance at a time, whichever worker runs it, scheduled when a worker
 * starts (platform/jobs.ts `recurringTask`). A run that stopped with rows left (a first purge of a large backlog)
 * comes back in a minute instead.
 */
import { Type } from 'typebox';
import type { PlatformContext } from '../../platform/context.ts';
import { defineTopic, type RecurringTask, recurringTask } from '../../platform/jobs.ts';
import { purgeDeclarations } from './maintenance.ts';

export const DECLARATIONS_MAINTAIN = defineTopic('declarations.maintain', Type.Object({}));
const EVERY_MS = 3600_000;
const AGAIN_MS = 60_000;

/** The hourly retention task (its `job` for the manifest; `schedule()` when a worker starts). */
export function declarationMaintenance(ctx: PlatformContext): RecurringTask {
  return recurringTask(ctx, DECLARATIONS_MAINTAIN, {
    run: async () => {
      const result = await purgeDeclarations(ctx.db, ctx.audit, ctx.config.declarationRetentionDays);
      // counts and the first day kept only: nothing personal in the log
      ctx.log.info({ ...result }, 'declaration retention');
      return result;
    },
    next: (result) => new Date(Date.now() + (result.more ? AGAIN_MS : EVERY_MS)),
  });
}
