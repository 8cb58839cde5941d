/**
 * Recurring maintenance of check-ins: partitions ahead of time and the retention purge, as a `checkins.maintain`
 * job that re-schedules itself hourly (one pending instance at a time, whichever worker runs it: platform/jobs.ts
 * `recurringTask`).
 */
import { Type } from 'typebox';
import type { PlatformContext } from '../../platform/context.ts';
import { defineTopic, type RecurringTask, recurringTask } from '../../platform/jobs.ts';
import { maintainCheckins } from './maintenance.ts';

export const CHECKINS_MAINTAIN = defineTopic('checkins.maintain', Type.Object({}));
const EVERY_MS = 3600_000;

/** The hourly maintenance task (its `job` for the manifest; `schedule()` when a worker starts). */
export function checkinMaintenance(ctx: PlatformContext): RecurringTask {
  return recurringTask(ctx, CHECKINS_MAINTAIN, {
    run: async () => {
      const result = await maintainCheckins(ctx.db, ctx.config.checkinRetentionDays);
      ctx.log.info({ ...result }, 'check-in maintenance');
    },
    next: () => new Date(Date.now() + EVERY_MS),
  });
}
