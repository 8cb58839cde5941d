/**
 * The vaccination module's own job: `vaccination.refresh-population` recounts residents per commune and age band
 * (the coverage denominators) once an hour (platform/jobs.ts `recurringTask`). `vaccination.record-changed` is
 * produced here and consumed elsewhere.
 */
import type { PlatformContext } from '../../platform/context.ts';
import { type RecurringTask, recurringTask } from '../../platform/jobs.ts';
import { REFRESH_POPULATION } from './schemas.ts';
import type { VaccinationService } from './service.ts';

const HOUR_MS = 3_600_000;

/** The hourly recount (its `job` for the manifest; `schedule()` when a worker starts). */
export function populationRefresh(ctx: PlatformContext, service: VaccinationService): RecurringTask {
  return recurringTask(ctx, REFRESH_POPULATION, {
    run: () => service.refreshPopulation(),
    next: () => new Date(Date.now() + HOUR_MS),
  });
}
