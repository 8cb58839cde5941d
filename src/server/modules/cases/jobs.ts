/**
 * Events the cases module consumes from the outbox:
 *   `test.result.positive` (written by the testing module) → open a case, idempotent by resultId;
 *   `checkins.late` (written by the check-in writer for delayed syncs) → re-trace the open cases they touch.
 */
import { Value } from 'typebox/value';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../platform/errors.ts';
import { LATE_CHECKINS_TOPIC } from '../checkins/writer.ts';
import { TEST_RESULT_POSITIVE, TestResultPositiveEvent } from './schemas.ts';
import { casesService } from './service.ts';

export function registerCaseJobs(ctx: AppContext): void {
  ctx.jobs.register(TEST_RESULT_POSITIVE, async (payload) => {
    if (!Value.Check(TestResultPositiveEvent, payload)) {
      // a malformed event will not become valid by retrying: record and drop it
      ctx.log.error(
        { errors: [...Value.Errors(TestResultPositiveEvent, payload)].slice(0, 3).map((e) => e.message) },
        'invalid test.result.positive event',
      );
      return;
    }
    const event = payload as TestResultPositiveEvent;
    try {
      await casesService(ctx).openCase(
        { kind: 'system', name: 'testing' },
        { person: { personId: event.personId }, confirmedAt: event.resultAt, sampleAt: event.sampleTakenAt },
        { kind: 'test_result', ref: event.resultId },
      );
    } catch (err) {
      // the person already has an open case: the new positive result belongs to that episode
      if (err instanceof AppError && err.code === 'CASE_EXISTS') return;
      throw err;
    }
  });

  ctx.jobs.register(LATE_CHECKINS_TOPIC, async (payload) => {
    const items = (payload.items as Array<{ venueId: string; from: string; to: string }>).map((i) => ({
      venueId: i.venueId,
      from: new Date(i.from),
      to: new Date(i.to),
    }));
    await casesService(ctx).retraceForLateCheckins(items);
  });
}
