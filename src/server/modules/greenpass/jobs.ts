/**
 * Events the greenpass module consumes from the outbox:
 * - `vaccination.record-changed` (a dose recorded, corrected or revoked) → re-issue the person's vaccination
 *   certificate if one was issued, revoking the old (idempotent: an unchanged record keeps its certificate);
 * - `testing.result-corrected` (a lab replaced a result) → the test certificates of the tube's people follow at once:
 *   a negative test corrected to positive withdraws its pass (it would otherwise verify until the holder's next
 *   fetch, or for up to 72 hours printed).
 */
import { handleMany, type JobRegistration } from '../../platform/jobs.ts';
import { RESULT_CORRECTED } from '../testing/index.ts';
import { RECORD_CHANGED } from '../vaccination/index.ts';
import type { GreenpassService } from './service.ts';

export function greenpassJobs(service: GreenpassService): JobRegistration[] {
  // the events the worker claimed together, one look-up for all (bench/vaccination: one event per recorded dose)
  return [
    handleMany(RECORD_CHANGED, (events) => service.reissueVaccinations(events.map((e) => e.personId))),
    handleMany(RESULT_CORRECTED, (events) => service.reissueTests([...new Set(events.flatMap((e) => e.personIds))])),
  ];
}
