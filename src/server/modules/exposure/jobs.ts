/**
 * The hourly export: `exposure.export` publishes the keys that became publishable (service.publish) and deletes what
 * is past retention, then schedules itself for the next whole hour (one pending run at a time, whichever worker:
 * platform/jobs.ts `recurringTask`).
 */
import type { PlatformContext } from '../../platform/context.ts';
import { type RecurringTask, recurringTask } from '../../platform/jobs.ts';
import { EXPOSURE_EXPORT } from './schemas.ts';
import type { ExposureService } from './service.ts';

/** The export task (its `job` for the manifest; `schedule(service.nextHour())` when a worker starts). */
export function exposureExport(ctx: PlatformContext, service: ExposureService): RecurringTask {
  return recurringTask(ctx, EXPOSURE_EXPORT, {
    run: async () => {
      const result = await service.publish();
      ctx.log.info({ ...result }, 'exposure export');
    },
    next: () => service.nextHour(),
    // on the hour, after a failed run too
    afterFailure: () => service.nextHour(),
  });
}
