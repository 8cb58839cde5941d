/**
 * Recurring maintenance of check-ins: partitions ahead of time and the retention purge, as a `checkins.maintain`
 * job that re-schedules itself hourly (one pending instance at a time, whichever worker runs it).
 */
import { Type } from 'typebox';
import type { PlatformContext } from '../../platform/context.ts';
import { defineTopic, handle, type JobRegistration } from '../../platform/jobs.ts';
import { maintainCheckins } from './maintenance.ts';

export const CHECKINS_MAINTAIN = defineTopic('checkins.maintain', Type.Object({}));
const EVERY_MS = 3600_000;

async function scheduleNext(ctx: PlatformContext, runAt: Date): Promise<void> {
  await ctx.db
    .transaction()
    .execute((trx) => ctx.jobs.enqueueUnlessPending(trx, CHECKINS_MAINTAIN, {}, { runAt, maxAttempts: 3 }));
}

export function checkinJobs(ctx: PlatformContext): JobRegistration[] {
  return [
    handle(CHECKINS_MAINTAIN, async () => {
      const result = await maintainCheckins(ctx.db, ctx.config.checkinRetentionDays);
      ctx.log.info({ ...result }, 'check-in maintenance');
      await scheduleNext(ctx, new Date(Date.now() + EVERY_MS));
    }),
  ];
}

/** Makes sure one maintenance run is pending (called when a worker starts). */
export function scheduleCheckinMaintenance(ctx: PlatformContext): Promise<void> {
  return scheduleNext(ctx, new Date());
}
