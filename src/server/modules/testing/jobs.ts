/**
 * Jobs of the testing module:
 *   `testing.results-recorded` (written with the results) → tell each person of those tubes their result by SMS
 *     (a positive pool: come for an individual re-test; invalid: come back; positive: stay home, the health station
 *     calls) — once per result, and only while it is still the tube's current result;
 *   `testing.samples-rejected` (a lab refused tubes) → ask their people back;
 *   `testing.schedule-quarantine-tests` (every 10 minutes, a recurring task: platform/jobs.ts `recurringTask`) → the
 *     test days of F1s under quarantine become tasks.
 * Messages are ASCII (SMS without diacritics, like every other Truyvet SMS).
 */
import type { PlatformContext } from '../../platform/context.ts';
import { handle, type JobRegistration, type RecurringTask, recurringTask } from '../../platform/jobs.ts';
import type { OutgoingMessage } from '../../platform/notify.ts';
import type { CampaignsService } from './campaigns.ts';
import type { TestingRepo } from './repo.ts';
import { RESULTS_RECORDED, SAMPLES_REJECTED, SCHEDULE_QUARANTINE_TESTS } from './schemas.ts';

const EVERY_MS = 10 * 60_000;

/** Vietnamese without diacritics, for SMS. */
export function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

/** The SMS for one person's result. */
export function resultMessage(r: { result: string; kind: string; barcode: string; unitName: string | null }): string {
  const where = r.unitName ? ascii(r.unitName) : 'tram y te noi cu tru';
  if (r.result === 'negative')
    return `Truyvet: ket qua xet nghiem mau ${r.barcode}: AM TINH. Tra cuu tai ung dung Truyvet.`;
  if (r.result === 'invalid') {
    return `Truyvet: mau ${r.barcode} khong cho ket qua. Vui long den lay mau lai tai ${where}.`;
  }
  if (r.kind === 'rt-pcr-pool') {
    return `Truyvet: mau gop ${r.barcode} co ket qua DUONG TINH. Ban can xet nghiem lai ca nhan tai ${where}; vui long o nha, han che tiep xuc.`;
  }
  return `Truyvet: ket qua xet nghiem mau ${r.barcode}: DUONG TINH. Vui long o nguyen tai nha, can bo y te se lien he ngay.`;
}

export function testingJobs(ctx: PlatformContext, repo: TestingRepo): JobRegistration[] {
  return [
    handle(RESULTS_RECORDED, async ({ resultIds }) => {
      const rows = await repo.resultsToNotify(resultIds);
      const messages: OutgoingMessage[] = [];
      for (const r of rows) {
        // a corrected result is told by its correction's own job
        if (r.result_id !== r.id || !r.phone) continue;
        messages.push({ channel: 'sms', to: r.phone, text: resultMessage({ ...r, unitName: r.unit_name }) });
      }
      await ctx.db.transaction().execute(async (trx) => {
        await ctx.notifier.enqueueMany(trx, messages);
        await repo.markNotified([...new Set(rows.map((r) => r.id))], trx);
      });
      if (messages.length > 0) ctx.jobs.wake();
    }),
    handle(SAMPLES_REJECTED, async ({ sampleIds }) => {
      const rows = await repo.rejectedToNotify(sampleIds);
      const messages: OutgoingMessage[] = rows.flatMap((r) =>
        r.phone
          ? [
              {
                channel: 'sms' as const,
                to: r.phone,
                text: `Truyvet: mau ${r.barcode} khong dat de xet nghiem. Vui long den lay mau lai tai ${r.unit_name ? ascii(r.unit_name) : 'tram y te noi cu tru'}.`,
              },
            ]
          : [],
      );
      await ctx.notifier.enqueueMany(ctx.db, messages);
      if (messages.length > 0) ctx.jobs.wake();
    }),
  ];
}

/** The quarantine test days' scheduler, every 10 minutes (its `job` for the manifest; `schedule()` at worker start). */
export function quarantineTestScheduler(ctx: PlatformContext, campaigns: CampaignsService): RecurringTask {
  return recurringTask(ctx, SCHEDULE_QUARANTINE_TESTS, {
    run: async () => {
      const made = await campaigns.scheduleQuarantineTests();
      if (made > 0) ctx.log.info({ made }, 'quarantine test days scheduled');
    },
    next: () => new Date(Date.now() + EVERY_MS),
    afterFailure: () => new Date(Date.now() + EVERY_MS),
  });
}
