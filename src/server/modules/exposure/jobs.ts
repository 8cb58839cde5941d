/**
 * The hourly export: `exposure.export` publishes the keys that became publishable (service.publish) and deletes what
 * is past retention, then schedules itself for the next whole hour (one pending run at a time, whichever worker).
 */
import type { PlatformContext } from '../../platform/context.ts';
import { handle, type JobRegistration } from '../../platform/jobs.ts';
import { EXPOSURE_EXPORT } from './schemas.ts';
import type { ExposureService } from './service.ts';

async function scheduleNext(ctx: PlatformContext, runAt: Date): Promise<void> {
  await ctx.db
    .transaction()
    .execute((trx) => ctx.jobs.enqueueUnlessPending(trx, EXPOSURE_EXPORT, {}, { runAt, maxAttempts: 3 }));
}

export function exposureJobs(ctx: PlatformContext, service: ExposureService): JobRegistration[] {
  return [
    handle(EXPOSURE_EXPORT, async () => {
      const result = await service.publish();
      ctx.log.info({ ...result }, 'exposure export');
      await scheduleNext(ctx, service.nextHour());
    }),
  ];
}

/** Makes sure one export run is pending (called when a worker starts): the next whole hour. */
export function scheduleExposureExport(ctx: PlatformContext, service: ExposureService): Promise<void> {
  return scheduleNext(ctx, service.nextHour());
}
