/**
 * The people module's own job: `people.count-units` recounts residents per unit once an hour (the denominators other
 * modules' statistics divide by: the share of residents declaring), one pending at a time, scheduled when a worker
 * starts.
 */
import { Type } from 'typebox';
import type { PlatformContext } from '../../platform/context.ts';
import { defineTopic, handle, type JobRegistration } from '../../platform/jobs.ts';
import type { PeopleService } from './service.ts';

export const COUNT_UNITS = defineTopic('people.count-units', Type.Object({}));
const HOUR_MS = 3_600_000;

/** Keeps one count pending, at `runAt`. */
export function scheduleUnitCount(ctx: PlatformContext, runAt: Date): Promise<void> {
  return ctx.db.transaction().execute(async (trx) => {
    await ctx.jobs.enqueueUnlessPending(trx, COUNT_UNITS, {}, { runAt, maxAttempts: 3 });
  });
}

export function peopleJobs(ctx: PlatformContext, service: PeopleService): JobRegistration[] {
  return [
    handle(COUNT_UNITS, async () => {
      await service.countUnits();
      await scheduleUnitCount(ctx, new Date(Date.now() + HOUR_MS));
    }),
  ];
}
