/**
 * The vaccination module's own job: `vaccination.refresh-population` recounts residents per commune and age band
 * (the coverage denominators) once an hour. `vaccination.record-changed` is produced here and consumed elsewhere.
 */
import type { PlatformContext } from '../../platform/context.ts';
import { handle, type JobRegistration } from '../../platform/jobs.ts';
import { REFRESH_POPULATION } from './schemas.ts';
import type { VaccinationService } from './service.ts';

const HOUR_MS = 3_600_000;

/** Keeps one refresh pending, at `runAt`. */
export function schedulePopulationRefresh(ctx: PlatformContext, runAt: Date): Promise<void> {
  return ctx.db.transaction().execute(async (trx) => {
    await ctx.jobs.enqueueUnlessPending(trx, REFRESH_POPULATION, {}, { runAt, maxAttempts: 3 });
  });
}

export function vaccinationJobs(ctx: PlatformContext, service: VaccinationService): JobRegistration[] {
  return [
    handle(REFRESH_POPULATION, async () => {
      await service.refreshPopulation();
      await schedulePopulationRefresh(ctx, new Date(Date.now() + HOUR_MS));
    }),
  ];
}
