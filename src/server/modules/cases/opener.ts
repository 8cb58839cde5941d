/**
 * Group commit for new cases. Requests are validated in parallel (person, jurisdiction, times) and hand their case to
 * the opener; the opener opens everything that arrived while the batches in flight (two at most) were committing in
 * ONE transaction: the cases, their tracing (set-based: `traceCases`), their display codes and audit entries. A
 * person in two batches at once waits for the first one's commit (the person lock). Each request is
 * answered after that commit. So a burst of 1,000 positives costs a few dozen statements, not 1,000 × 20, and one
 * F0 alone costs one batch of one.
 *
 * Checks that need the database's last word run inside the batch, in order: the people are locked
 * (`FOR NO KEY UPDATE`, in id order), a test result already turned into a case answers with that case, and a person
 * with an open case answers 409 CASE_EXISTS — also when the other case is earlier in the same batch. If the batch
 * fails anyway, its items are retried one by one so one bad case cannot fail the others.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access.ts';
import type { Audit } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import type { CasesRepo } from './repo.ts';
import type { Tracing } from './tracing.ts';

const MAX_BATCH = 200;

export interface NewCase {
  actor: Actor;
  person: { id: string; unit_code: string | null; unit_path: string | null };
  confirmedAt: Date;
  onsetAt: Date | null;
  sampleAt: Date | null;
  isolatedAt: Date | null;
  sourceCaseId: string | null;
  sourceNote: string | null;
  origin: { kind: 'tracer' | 'test_result'; ref?: string | undefined };
}

export interface OpenedCase {
  id: string;
  displayCode: string;
  contacts: { f1: number; f2: number };
  /** true when the origin reference (a test result) had opened this case already */
  existing: boolean;
}

type Outcome = { ok: OpenedCase } | { error: unknown };

interface Pending {
  item: NewCase;
  resolve: (r: OpenedCase) => void;
  reject: (e: unknown) => void;
}

/** Built once per app (the composition root): every case this process opens goes through it. */
export function createCaseOpener(
  db: Kysely<DB>,
  deps: { repo: CasesRepo; tracing: Tracing; audit: Audit },
  options: { concurrency?: number } = {},
) {
  const { repo, tracing, audit } = deps;
  // batches in flight at once: while one waits on the database (finder, inserts), the next is already being read and
  // decided, so both database cores work during a burst. Two batches never need the same rows in opposite order:
  // people are locked in id order, province counters in code order and the audit chain last.
  const concurrency = options.concurrency ?? 2;
  let queue: Pending[] = [];
  let loops = 0;

  async function open(trx: Transaction<DB>, items: NewCase[]): Promise<Outcome[]> {
    const personIds = [...new Set(items.map((i) => i.person.id))].sort();
    await repo.lockPeople(personIds, trx);
    const byRef = await repo.findByOriginRefs(
      items.flatMap((i) => (i.origin.ref ? [i.origin.ref] : [])),
      trx,
    );
    const openByPerson = await repo.findOpenByPeople(personIds, trx);

    // decide each item in arrival order; cases earlier in the batch count like stored ones
    type Decision =
      | { kind: 'create' }
      | { kind: 'stored'; id: string; displayCode: string }
      | { kind: 'same-as'; index: number }
      | { kind: 'conflict'; id: string }
      | { kind: 'conflict-in-batch'; index: number };
    const decisions: Decision[] = [];
    const createdAt = new Map<string, number>(); // person id → index of the item creating their case
    const refAt = new Map<string, number>();
    items.forEach((it, n) => {
      const refKey = it.origin.ref ? `${it.origin.kind}|${it.origin.ref}` : null;
      const stored = refKey ? byRef.get(refKey) : undefined;
      if (stored) {
        decisions.push({ kind: 'stored', id: stored.id, displayCode: stored.display_code });
        return;
      }
      if (refKey && refAt.has(refKey)) {
        decisions.push({ kind: 'same-as', index: refAt.get(refKey) as number });
        return;
      }
      const open = openByPerson.get(it.person.id);
      const earlier = createdAt.get(it.person.id);
      if (open) {
        decisions.push({ kind: 'conflict', id: open });
        return;
      }
      if (earlier !== undefined) {
        decisions.push({ kind: 'conflict-in-batch', index: earlier });
        return;
      }
      createdAt.set(it.person.id, n);
      if (refKey) refAt.set(refKey, n);
      decisions.push({ kind: 'create' });
    });

    const toCreate = items.map((it, n) => ({ it, n })).filter(({ n }) => decisions[n]?.kind === 'create');
    const ids = new Map<number, string>();
    const codes = new Map<number, string>();
    const summaries = new Map<number, { f1: number; f2: number }>();
    if (toCreate.length > 0) {
      const rule = await repo.findLatestRule(trx);
      const inserted = await repo.insertMany(
        toCreate.map(({ it }) => ({
          // the real code is allocated at the end: the province counter rows stay locked only briefly
          display_code: `pending-${randomUUID()}`,
          person_id: it.person.id,
          unit_code: it.person.unit_code,
          confirmed_at: it.confirmedAt,
          onset_at: it.onsetAt,
          sample_at: it.sampleAt,
          isolated_at: it.isolatedAt,
          source_case_id: it.sourceCaseId,
          source_note: it.sourceNote,
          origin: it.origin.kind,
          origin_ref: it.origin.ref ?? null,
          rule_version: rule.version,
          created_by: it.actor.kind === 'staff' ? it.actor.userId : it.actor.kind === 'system' ? it.actor.name : null,
        })),
        trx,
      );
      const idByPerson = new Map(inserted.map((r) => [r.person_id, r.id]));
      for (const { it, n } of toCreate) ids.set(n, idByPerson.get(it.person.id) as string);

      const traced = await tracing.traceCases(trx, [...ids.values()], { cases: inserted, rules: [rule] });
      for (const [n, id] of ids) {
        const s = traced.get(id);
        summaries.set(n, { f1: s?.f1 ?? 0, f2: s?.f2 ?? 0 });
      }

      // the two serializing steps (province counters, audit chain) come last
      const byProvince = new Map<string, number[]>();
      for (const { it, n } of toCreate) {
        const province = it.person.unit_path ? (it.person.unit_path.split('.')[0] ?? '00') : '00';
        byProvince.set(province, [...(byProvince.get(province) ?? []), n]);
      }
      for (const [province, members] of [...byProvince].sort(([a], [b]) => a.localeCompare(b))) {
        const last = await repo.takeCaseNumbers(province, members.length, trx);
        members.forEach((n, k) => {
          const number = last - members.length + 1 + k;
          codes.set(n, `BN${province}-${String(number).padStart(6, '0')}`);
        });
      }
      await repo.setDisplayCodes(
        [...ids.values()],
        [...ids.keys()].map((n) => codes.get(n) as string),
        trx,
      );
      await audit.appendMany(
        trx,
        toCreate.map(({ it, n }) => ({
          actor: it.actor,
          action: 'cases.create',
          resourceType: 'case',
          resourceId: ids.get(n) as string,
          unitCode: it.person.unit_code,
          details: { origin: it.origin.kind },
        })),
      );
    }

    const made = (n: number): OpenedCase => ({
      id: ids.get(n) as string,
      displayCode: codes.get(n) as string,
      contacts: summaries.get(n) ?? { f1: 0, f2: 0 },
      existing: false,
    });
    const conflict = (existingId: string): Outcome => ({
      error: new AppError('CASE_EXISTS', 409, { existingId }, {}, { id: existingId }),
    });
    return decisions.map((d, n): Outcome => {
      switch (d.kind) {
        case 'create':
          return { ok: made(n) };
        case 'stored':
          return { ok: { id: d.id, displayCode: d.displayCode, contacts: { f1: 0, f2: 0 }, existing: true } };
        case 'same-as':
          return { ok: { ...made(d.index), contacts: { f1: 0, f2: 0 }, existing: true } };
        case 'conflict':
          return conflict(d.id);
        default:
          return conflict(ids.get(d.index) as string);
      }
    });
  }

  async function run(batch: Pending[]): Promise<void> {
    const outcomes = await db.transaction().execute((trx) =>
      open(
        trx,
        batch.map((p) => p.item),
      ),
    );
    batch.forEach((p, n) => {
      const o = outcomes[n] as Outcome;
      if ('ok' in o) p.resolve(o.ok);
      else p.reject(o.error);
    });
  }

  async function flushLoop(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(batch.length);
      try {
        await run(batch);
      } catch {
        // isolate the failure: each case on its own
        for (const p of batch) {
          try {
            await run([p]);
          } catch (err) {
            p.reject(err);
          }
        }
      }
    }
    loops--;
  }

  return {
    submit(item: NewCase): Promise<OpenedCase> {
      return new Promise((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (loops < concurrency) {
          loops++;
          void flushLoop();
        }
      });
    },
  };
}

export type CaseOpener = ReturnType<typeof createCaseOpener>;
