/**
 * The people module's own job: `people.count-units` recounts residents per unit once an hour (the denominators other
 * modules' statistics divide by: the share of residents declaring), one pending at a time, scheduled when a worker
 * starts (platform/jobs.ts `recurringTask`).
 */
import { Type } from 'typebox';
import type { PlatformContext } from '../../platform/context.ts';
import { defineTopic, type RecurringTask, recurringTask } from '../../platform/jobs.ts';
import type { PeopleService } from './service.ts';

export const COUNT_UNITS = defineTopic('people.count-units', Type.Object({}));
const HOUR_MS = 3_600_000;

/** The hourly count (its `job` for the manifest; `schedule()` when a worker starts). */
export function unitCount(ctx: PlatformContext, service: PeopleService): RecurringTask {
  return recurringTask(ctx, COUNT_UNITS, {
    run: () => service.countUnits(),
    next: () => new Date(Date.now() + HOUR_MS),
  });
}
