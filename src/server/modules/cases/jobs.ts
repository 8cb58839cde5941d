/**
 * Events the cases module consumes from the outbox (payloads are checked against their topic before a handler runs):
 *   `test.result.positive` (written by the testing module) → open a case, idempotent by resultId;
 *   `checkins.late` (written by the check-in writer for delayed syncs) → re-trace the open cases they touch.
 */

import { AppError } from '../../platform/errors.ts';
import { handle, type JobRegistration } from '../../platform/jobs.ts';
import { LATE_CHECKINS } from '../checkins/index.ts';
import { TEST_RESULT_POSITIVE } from './schemas.ts';
import type { CasesService } from './service.ts';

export function caseJobs(cases: CasesService): JobRegistration[] {
  return [
    handle(TEST_RESULT_POSITIVE, async (event) => {
      try {
        await cases.openCase(
          { kind: 'system', name: 'testing' },
          { person: { personId: event.personId }, confirmedAt: event.resultAt, sampleAt: event.sampleTakenAt },
          { kind: 'test_result', ref: event.resultId },
        );
      } catch (err) {
        // the person already has an open case: the new positive result belongs to that episode
        if (err instanceof AppError && err.code === 'CASE_EXISTS') return;
        throw err;
      }
    }),
    handle(LATE_CHECKINS, async ({ items }) => {
      await cases.retraceForLateCheckins(
        items.map((i) => ({ venueId: i.venueId, from: new Date(i.from), to: new Date(i.to) })),
      );
    }),
  ];
}
