/**
 * Recording results — one path for a result typed by lab staff, sent by a lab system (API key) or imported from a
 * file: the tubes are locked, each result is checked against its tube (unknown barcode, another lab's tube, a
 * rejected tube, Ct on an antigen test, a time before collection, a different result already recorded → refused with
 * its reason; the same result again → accepted, nothing changes), and everything a result causes is written in the
 * same transaction, set-based: the result rows, the tubes, their people's standing (`retest` for every member of a
 * positive pool), tasks at their commune (re-test, collect again), the daily statistics, the `test.result.positive`
 * events the cases module opens F0 cases from (positive individual RT-PCR; antigen when the settings say so), the
 * notification job, and one audit row. A refused result writes nothing; a database failure writes nothing at all.
 *
 * Corrections are the only way to change a recorded result: explicit, with a reason, audited; they re-do the same
 * consequences (statistics moved, tasks of the old result cancelled, an event when the tube turns positive).
 */
import type { Transaction } from 'kysely';
import type { DB, SampleResultValue } from '../../db/types.ts';
import type { Actor } from '../../platform/access.ts';
import { can } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import type { ErrorCode } from '../../platform/messages.ts';
import { TEST_RESULT_POSITIVE, type TestResultPositiveEvent } from '../cases/index.ts';
import { labPolicy } from './policy.ts';
import { type NewResult, type SampleRow, statsDeltas, type TestingRepo } from './repo.ts';
import { RESULTS_RECORDED } from './schemas.ts';

const SKEW_MS = 2 * 60_000;
const NOTIFY_CHUNK = 5000;

export interface ResultLine {
  /** the line of the file (1 for a single result) */
  row: number;
  /** the tube, by barcode (files) or id (single results) */
  barcode?: string;
  sampleId?: string;
  result: SampleResultValue;
  ct: number | null;
  testedAt: Date;
}

export interface RecordOutcome {
  accepted: number;
  unchanged: number;
  positive: number;
  rejected: Array<{ row: number; code: ErrorCode }>;
  /** the tubes whose result is now recorded, by line */
  samples: Map<number, string>;
}

export interface LabRef {
  id: string;
  unit_code: string;
  /** the lab's unit path: the area whose tubes it may take before anyone ships them */
  unit_path: string;
}

/**
 * Whose tube it is, for a lab acting on it: `own` — bound to this lab (shipped to it, received or resulted by it), or
 * bound to no lab yet and collected within the acting account's reach (`labs.work` there: a lab's API key acts for
 * the lab's own unit, lab staff for their grant's area, so the provincial lab's staff take the province's tubes
 * without a shipment first); `other-lab` — bound to another lab and collected within that reach (a tube of the
 * account's area that went elsewhere, which it may be holding by mistake); `out-of-reach` — collected outside it and
 * not bound to this lab: callers answer it as they answer an unknown tube, so a lab cannot learn whether a barcode
 * exists in another area, or at which lab, nor take that tube.
 */
export function labReach(
  tube: Pick<SampleRow, 'lab_id' | 'unit_path'>,
  lab: Pick<LabRef, 'id' | 'unit_path'>,
  actor: Actor,
): 'own' | 'other-lab' | 'out-of-reach' {
  if (tube.lab_id === lab.id) return 'own';
  if (!can(labPolicy, actor, 'labs.work', { unitPath: tube.unit_path })) return 'out-of-reach';
  return tube.lab_id === null ? 'own' : 'other-lab';
}

/** Who recorded it, as the result rows and the audit name them. */
export function actorRef(actor: Actor): string {
  if (actor.kind === 'staff') return `staff:${actor.userId}`;
  if (actor.kind === 'citizen') return `citizen:${actor.personId}`;
  return `system:${actor.name}`;
}

const EVENT_TEST_TYPE = { 'rt-pcr': 'rt_pcr', antigen: 'rapid_antigen', 'rt-pcr-pool': 'pooled_rt_pcr' } as const;

export function resultWriter(ctx: PlatformContext, repo: TestingRepo) {
  /** The consequences of results newly recorded on these tubes (inside the caller's transaction). */
  async function consequences(
    trx: Transaction<DB>,
    recorded: Array<NewResult & { resultId: string; sample: SampleRow }>,
    lab: LabRef,
  ): Promise<number> {
    const settings = await repo.settings(trx);
    const tasks: Array<{ sampleId: string; reason: 'pool_positive' | 'invalid_result' }> = [];
    for (const r of recorded) {
      if (r.result === 'positive' && r.sample.kind === 'rt-pcr-pool')
        tasks.push({ sampleId: r.sampleId, reason: 'pool_positive' });
      else if (r.result === 'invalid') tasks.push({ sampleId: r.sampleId, reason: 'invalid_result' });
    }
    await repo.createTasks(trx, tasks);
    // a positive individual test confirms a case: the cases module opens it (once per result id) and traces
    const confirming = recorded.filter(
      (r) =>
        r.result === 'positive' &&
        (r.sample.kind === 'rt-pcr' || (r.sample.kind === 'antigen' && settings.antigen_opens_case)),
    );
    if (confirming.length > 0) {
      const persons = new Map(
        (
          await repo.soleMembers(
            trx,
            confirming.map((r) => r.sampleId),
          )
        ).map((m) => [m.sample_id, m.person_id]),
      );
      const events: TestResultPositiveEvent[] = [];
      for (const r of confirming) {
        const personId = persons.get(r.sampleId);
        if (!personId) continue;
        events.push({
          resultId: r.resultId,
          personId,
          // a lab clock a little behind the collector's may put the test before the collection (within the skew
          // allowed): the case's sample time never follows its confirmation
          sampleTakenAt: new Date(Math.min(r.sample.collected_at.getTime(), r.testedAt.getTime())).toISOString(),
          resultAt: r.testedAt.toISOString(),
          testType: EVENT_TEST_TYPE[r.sample.kind],
          labUnitCode: lab.unit_code,
          ...(r.ct === null ? {} : { ctValue: r.ct }),
        });
      }
      await ctx.jobs.enqueueMany(trx, TEST_RESULT_POSITIVE, events);
    }
    for (let i = 0; i < recorded.length; i += NOTIFY_CHUNK) {
      await ctx.jobs.enqueue(trx, RESULTS_RECORDED, {
        resultIds: recorded.slice(i, i + NOTIFY_CHUNK).map((r) => r.resultId),
      });
    }
    return recorded.filter((r) => r.result === 'positive').length;
  }

  /**
   * Records results for one lab inside `trx` (see the file comment): the lines are checked in order, so within one
   * file the first result of a tube wins and a later different one is a conflict. A tube the lab may not take
   * (`labReach`) is refused as unknown; by barcode (files) another lab's tube is refused as unknown too, so a file
   * cannot probe which barcodes exist; by id (a single result) it is SAMPLE_OTHER_LAB.
   */
  async function record(
    trx: Transaction<DB>,
    lines: ResultLine[],
    lab: LabRef,
    actor: Actor,
    source: 'entry' | 'import' | 'api',
  ): Promise<RecordOutcome> {
    const byBarcode = lines.some((l) => l.barcode !== undefined);
    const tubes = await repo.lockSamples(
      trx,
      byBarcode
        ? { barcodes: [...new Set(lines.flatMap((l) => (l.barcode ? [l.barcode] : [])))] }
        : { ids: [...new Set(lines.flatMap((l) => (l.sampleId ? [l.sampleId] : [])))] },
    );
    const find = new Map(tubes.map((t) => [byBarcode ? t.barcode : t.id, t]));
    const outcome: RecordOutcome = { accepted: 0, unchanged: 0, positive: 0, rejected: [], samples: new Map() };
    const pending = new Map<string, NewResult & { sample: SampleRow }>();
    const unknown: ErrorCode = byBarcode ? 'BARCODE_UNKNOWN' : 'SAMPLE_NOT_FOUND';
    for (const line of lines) {
      const tube = find.get((byBarcode ? line.barcode : line.sampleId) ?? '');
      const reject = (code: ErrorCode) => outcome.rejected.push({ row: line.row, code });
      const reach = tube && labReach(tube, lab, actor);
      if (!tube || reach === 'out-of-reach') {
        reject(unknown);
        continue;
      }
      if (reach === 'other-lab') {
        reject(byBarcode ? unknown : 'SAMPLE_OTHER_LAB');
        continue;
      }
      if (tube.status === 'rejected') {
        reject('SAMPLE_REJECTED');
        continue;
      }
      if (line.ct !== null && tube.kind === 'antigen') {
        reject('CT_NOT_ALLOWED');
        continue;
      }
      if (line.testedAt.getTime() < tube.collected_at.getTime() - SKEW_MS) {
        reject('RESULT_BEFORE_COLLECTION');
        continue;
      }
      const earlier = pending.get(tube.id) ?? (tube.result ? { result: tube.result, ct: tube.ct } : undefined);
      if (earlier) {
        if (!sameResult(earlier, line)) {
          reject('RESULT_CONFLICT');
          continue;
        }
        outcome.unchanged++;
      } else {
        pending.set(tube.id, {
          sampleId: tube.id,
          result: line.result,
          ct: line.ct,
          testedAt: line.testedAt,
          sample: tube,
        });
      }
      outcome.accepted++;
      outcome.samples.set(line.row, tube.id);
    }
    const fresh = [...pending.values()];
    if (fresh.length > 0) {
      const ids = new Map(
        (await repo.insertResults(trx, fresh, lab.id, source, actorRef(actor))).map((r) => [r.sample_id, r.id]),
      );
      const recorded = fresh.map((r) => ({ ...r, resultId: ids.get(r.sampleId) as string }));
      await repo.applyResults(trx, recorded, lab.id);
      await repo.bumpStats(trx, statsDeltas(recorded.map((r) => ({ sample: r.sample, result: r.result, sign: 1 }))));
      outcome.positive = await consequences(trx, recorded, lab);
    }
    outcome.rejected.sort((a, b) => a.row - b.row);
    return outcome;
  }

  /** Replaces a tube's recorded result (locked by the caller) with a correction; see the file comment. */
  async function correct(
    trx: Transaction<DB>,
    tube: SampleRow,
    next: NewResult,
    lab: LabRef,
    actor: Actor,
    reason: string,
  ): Promise<string> {
    const previous = tube.result as SampleResultValue;
    const [inserted] = await repo.insertResults(trx, [next], lab.id, 'correction', actorRef(actor), {
      correctsId: tube.result_id,
      reason,
    });
    const resultId = (inserted as { id: string }).id;
    await repo.applyResults(trx, [{ ...next, resultId }], lab.id);
    await repo.bumpStats(
      trx,
      statsDeltas([
        { sample: tube, result: previous, sign: -1 },
        { sample: tube, result: next.result, sign: 1 },
      ]),
    );
    await repo.cancelTasksOf(trx, tube.id);
    await consequences(trx, [{ ...next, resultId, sample: tube }], lab);
    return resultId;
  }

  return { record, correct };
}

/** The same result: the same value, and the same Ct when both name one. */
export function sameResult(
  a: { result: string; ct: number | null },
  b: { result: string; ct: number | null },
): boolean {
  if (a.result !== b.result) return false;
  if (a.ct === null || b.ct === null) return true;
  return Math.abs(a.ct - b.ct) < 0.05;
}

export type ResultWriter = ReturnType<typeof resultWriter>;
