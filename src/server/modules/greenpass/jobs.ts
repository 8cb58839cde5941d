/**
 * Events the greenpass module consumes from the outbox: `vaccination.record-changed` (a dose recorded, corrected or
 * revoked) → re-issue the person's vaccination certificate if one was issued, revoking the old (idempotent: an
 * unchanged record keeps its certificate).
 */
import { handle, type JobRegistration } from '../../platform/jobs.ts';
import { RECORD_CHANGED } from '../vaccination/index.ts';
import type { GreenpassService } from './service.ts';

export function greenpassJobs(service: GreenpassService): JobRegistration[] {
  return [handle(RECORD_CHANGED, async (event) => service.reissueVaccination(event.personId))];
}
