/**
 * Group commit for check-ins. Requests validated in parallel hand their row to the writer; the writer handles
 * everything that arrived while the previous batch was committing in ONE statement, and resolves each request only
 * after its commit. So an acknowledged (2xx) check-in is durable (PostgreSQL `synchronous_commit=on`: the WAL is
 * flushed before commit returns), and under load one fsync serves hundreds of check-ins.
 *
 * A batch is one round trip whatever its size: `checkins_ingest(...)` (db/functions/checkins_ingest.sql) looks up the
 * batch's idempotency keys and, for every check-in, an open check-in of the same person at the same venue and zone within
 * `DUPLICATE_WINDOW_MS`, decides each check-in — key stored already → its stored answer (200) or 422 for another
 * body; double scan → 409 CHECKIN_DUPLICATE with `existingId`; otherwise written — and writes the written ones'
 * idempotency keys, rows, audit rows and (for delayed syncs) a `checkins.late` job, atomically. Its idempotency rules
 * are those of `platform/idempotency.ts`, decided set-based for the whole batch (that file's comment says so too);
 * the Node side of this module uses the platform's `findStored` for everything the function does not decide.
 * Check-ins of one batch must not depend on each other, so a check-in with the same key as an earlier one still
 * waiting, or the same person, venue and zone within the window, goes into the next batch: it is then decided
 * against the earlier one's committed result (a retry gets its answer, a double scan its 409), exactly as if it had
 * come later. The writer is the only one deciding within this process, so double scans are exact here; a key another
 * process inserts meanwhile is caught by the key's primary key (that check-in then answers with the stored result).
 * Nothing is written for a refused check-in. If a batch fails, its check-ins are retried one by one so one bad row
 * cannot fail the others. The door's look-up — the venue's declaration rule (a live scan without a declaration today
 * is refused 403 DECLARATION_REQUIRED, nothing written), the person's badge status of the day, and for a personal QR
 * who the person is and what of them the door may see, which its audit row records — is read by the same statement
 * (`WriteRequest.door`): a check-in costs no round trip of its own before it is written.
 */
import { type Kysely, sql } from 'kysely';
import { Type } from 'typebox';
import type { CheckinEvidence, CheckinMethod, DB } from '../../db/types.ts';
import { type AuditEntry, auditColumns } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import { findStored } from '../../platform/idempotency.ts';
import { defineTopic } from '../../platform/jobs.ts';
import type { DoorPersonRow, DoorReadReach, DoorShown } from '../people/index.ts';
import type { CheckinResult } from './schemas.ts';

export interface CheckinRowInput {
  id: string;
  venue_id: string;
  zone_id: string | null;
  person_id: string;
  checked_in_at: Date;
  implied_out_at: Date;
  method: CheckinMethod;
  actor_type: string;
  actor_id: string | null;
  unit_code: string;
  evidence: CheckinEvidence;
}

/** What the door's look-up is asked for one check-in (`checkins_ingest`'s door_* columns). */
export interface DoorLookup {
  /** the local day (YYYY-MM-DD, Asia/Ho_Chi_Minh) of the badge */
  day: string;
  /** a live scan: refused when the venue requires a declaration today and there is none */
  enforce: boolean;
  /**
   * read who the person is, and whom the actor sees in full (`doorReadReach` of the people module): with an audit
   * entry, its row records what was shown (`shown`); `auditUnshown`: when there is no such person the row is written
   * saying `shown: 'none'` (a staff account's), else no row then
   */
  person?: { reach: DoorReadReach; auditUnshown: boolean } | undefined;
}

/** What a written check-in's door look-up found: the badge status of the day and, when asked, the person shown. */
export interface DoorSeen {
  status: 'ok' | 'flagged' | null;
  person?: { row: DoorPersonRow; shown: DoorShown } | undefined;
}

export interface WriteRequest {
  row: CheckinRowInput;
  idempotency?: { scope: string; key: string; hash: string };
  audit?: AuditEntry;
  door?: DoorLookup | undefined;
}

export interface WriteResult {
  status: 200 | 201;
  body: CheckinResult;
  /** a written check-in's door look-up (first answers only) */
  door?: DoorSeen | undefined;
}

interface Pending {
  req: WriteRequest;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

/** What the writer decided for one check-in of a batch. */
type Outcome =
  | { kind: 'written'; door?: DoorSeen | undefined }
  /** the key was stored by an earlier request with the same body: its stored answer */
  | { kind: 'stored'; body: CheckinResult }
  | { kind: 'refused'; error: AppError }
  /** another process inserted the key between our look-up and our insert: read its answer after commit */
  | { kind: 'raced' };

const MAX_BATCH = 1000;

/** Same person, venue and zone within this much of a still-open check-in: a double scan, refused. */
export const DUPLICATE_WINDOW_MS = 5 * 60_000;

export function toResult(row: CheckinRowInput): CheckinResult {
  return {
    id: row.id,
    venueId: row.venue_id,
    personId: row.person_id,
    at: row.checked_in_at.toISOString(),
    evidence: row.evidence,
  };
}

/** A check-in this much older than its arrival is "late": tracing of open cases must look at it again. */
const LATE_MS = 10 * 60_000;
/**
 * `checkins.late`: stays synced late, for the cases module to re-trace. Written by `checkins_ingest` in SQL (in the
 * batch's own statement), so the shape below is its contract; the worker checks every payload against it.
 */
export const LATE_CHECKINS = defineTopic(
  'checkins.late',
  Type.Object({
    items: Type.Array(
      Type.Object({
        venueId: Type.String({ format: 'uuid' }),
        from: Type.String({ format: 'date-time' }),
        to: Type.String({ format: 'date-time' }),
      }),
    ),
  }),
);

const keyOf = (i: { scope: string; key: string }) => `${i.scope}\u0000${i.key}`;
const placeOf = (r: CheckinRowInput) => `${r.person_id}\u0000${r.venue_id}\u0000${r.zone_id ?? ''}`;

/**
 * Splits a batch into check-ins that can be decided together and those that must wait for the next batch: a
 * check-in with the same idempotency key as an earlier one, or the same person, venue and zone within the duplicate
 * window (or depending so on one that waits), waits, so it is decided against the earlier one's committed result.
 */
export function independent<T extends { req: WriteRequest }>(batch: T[]): { now: T[]; later: T[] } {
  const { now, rest } = nextBatch(batch, Number.POSITIVE_INFINITY);
  return { now, later: rest };
}

/**
 * The next batch the writer commits: up to `max` check-ins of the queue that can be decided together (see
 * `independent`), taken in arrival order and **past** those that must wait — so check-ins that wait for an earlier
 * one (a chain of double scans or of retries with one key) never hold back the independent ones queued behind them,
 * however many there are. `rest` keeps the queue's order: the waiting ones, then those not looked at.
 */
export function nextBatch<T extends { req: WriteRequest }>(queue: T[], max: number): { now: T[]; rest: T[] } {
  const keys = new Set<string>();
  const places = new Map<string, number[]>();
  const now: T[] = [];
  const waiting: T[] = [];
  let n = 0;
  for (; n < queue.length && now.length < max; n++) {
    const p = queue[n] as T;
    const key = p.req.idempotency ? keyOf(p.req.idempotency) : undefined;
    const place = placeOf(p.req.row);
    const at = p.req.row.checked_in_at.getTime();
    const times = places.get(place);
    const waits =
      (key !== undefined && keys.has(key)) || (times?.some((t) => Math.abs(t - at) <= DUPLICATE_WINDOW_MS) ?? false);
    (waits ? waiting : now).push(p);
    if (key !== undefined) keys.add(key);
    if (times) times.push(at);
    else places.set(place, [at]);
  }
  return { now, rest: n < queue.length ? [...waiting, ...queue.slice(n)] : waiting };
}

/**
 * What a door's audit entry holds where its details say what the door was shown (`shown`): `checkins_ingest` writes
 * the check-in's `shown` there, in the details and the chain payload alike (its JSON text, `SHOWN_TOKEN_JSON`, is
 * unique in them: their other values are ids, codes and names of this code).
 */
const SHOWN_TOKEN = '\u0001shown';
const SHOWN_TOKEN_JSON = JSON.stringify(SHOWN_TOKEN);

type AuditItem = { n: number; shown: 'door' | 'door-always' | null; entry: AuditEntry };

/**
 * The audit entries of a batch as `checkins_ingest` takes them: `n` = the (1-based) check-in; for a check-in whose
 * door is shown the person, `shown` marks the entry whose details hold the token: `door` = written only when there is
 * such a person, `door-always` (a staff account's) = written either way ('none' when there is not).
 */
function auditItems(items: WriteRequest[]): AuditItem[] {
  return items.flatMap((i, k): AuditItem[] => {
    const audit = i.audit;
    if (!audit) return [];
    const person = i.door?.person;
    if (!person) return [{ n: k + 1, shown: null, entry: audit }];
    return [
      {
        n: k + 1,
        shown: person.auditUnshown ? 'door-always' : 'door',
        entry: { ...audit, details: { ...audit.details, shown: SHOWN_TOKEN } },
      },
    ];
  });
}

const badgeStatus = (s: string | null | undefined): DoorSeen['status'] => (s === 'ok' || s === 'flagged' ? s : null);

/**
 * Decides and writes independent check-ins in one statement (`checkins_ingest`, db/functions/checkins_ingest.sql),
 * which commits on its own; returns each one's outcome, a written one's with what its door look-up found.
 */
export async function ingestCheckins(db: Kysely<DB>, items: WriteRequest[]): Promise<Outcome[]> {
  const rows = items.map((i) => i.row);
  const col = <K extends keyof CheckinRowInput>(k: K) => rows.map((r) => r[k]);
  const idem = items.map((i) => i.idempotency);
  const audited = auditItems(items);
  const a = auditColumns(audited.map((x) => x.entry));
  const doors = items.map((i) => i.door);
  const reads = items.flatMap((i, k) => (i.door?.person?.reach.paths ?? []).map((path) => ({ n: k + 1, path })));
  const lateBefore = new Date(Date.now() - LATE_MS).toISOString();
  const { rows: result } = await sql<{
    outcomes: string[] | null;
    refs: Array<string | null> | null;
    statuses: Array<string | null> | null;
    shown: Array<DoorShown | null> | null;
    names: Array<string | null> | null;
    birth_years: Array<number | null> | null;
    birth_dates: Array<string | null> | null;
  }>`
    select * from checkins_ingest(
      ${idem.map((k) => k?.scope ?? null)}::text[], ${idem.map((k) => k?.key ?? null)}::text[],
      ${idem.map((k) => k?.hash ?? null)}::text[],
      ${items.map((i) => (i.idempotency ? JSON.stringify(toResult(i.row)) : null))}::text[],
      ${col('id')}::uuid[], ${col('venue_id')}::uuid[], ${col('zone_id')}::uuid[], ${col('person_id')}::uuid[],
      ${rows.map((r) => r.checked_in_at.toISOString())}::timestamptz[],
      ${rows.map((r) => r.implied_out_at.toISOString())}::timestamptz[],
      ${col('method')}::text[], ${col('actor_type')}::text[], ${col('actor_id')}::text[], ${col('unit_code')}::text[],
      ${col('evidence')}::text[], ${`${DUPLICATE_WINDOW_MS} milliseconds`}::interval,
      ${audited.map((x) => x.n)}::int[], ${a.ats}::timestamptz[], ${a.actorTypes}::text[], ${a.actorIds}::text[],
      ${a.actions}::text[], ${a.resourceTypes}::text[], ${a.resourceIds}::text[], ${a.unitCodes}::text[],
      ${a.outcomes}::text[], ${a.details}::text[], ${a.payloads}::text[],
      ${LATE_CHECKINS.name}::text, ${lateBefore}::timestamptz,
      ${doors.map((d) => d?.day ?? null)}::date[], ${doors.map((d) => d?.enforce === true)}::boolean[],
      ${doors.map((d) => d?.person !== undefined)}::boolean[],
      ${doors.map((d) => d?.person?.reach.self ?? null)}::uuid[], ${reads.map((r) => r.n)}::int[],
      ${reads.map((r) => r.path)}::text[], ${audited.map((x) => x.shown)}::text[], ${SHOWN_TOKEN_JSON}::text)`.execute(
    db,
  );
  const r = result[0];
  const outcomes = r?.outcomes ?? [];
  const refs = r?.refs ?? [];
  return items.map((item, n): Outcome => {
    const ref = refs[n] ?? null;
    switch (outcomes[n]) {
      case 'written': {
        if (!item.door) return { kind: 'written' };
        const shown = r?.shown?.[n] ?? null;
        const person =
          item.door.person && shown
            ? {
                row: {
                  id: item.row.person_id,
                  name: r?.names?.[n] ?? '',
                  birth_year: r?.birth_years?.[n] ?? null,
                  birth_date: r?.birth_dates?.[n] ?? null,
                  unit_path: null,
                },
                shown,
              }
            : undefined;
        return { kind: 'written', door: { status: badgeStatus(r?.statuses?.[n]), person } };
      }
      case 'stored':
        return { kind: 'stored', body: JSON.parse(ref as string) as CheckinResult };
      case 'reused':
        return { kind: 'refused', error: new AppError('IDEMPOTENCY_KEY_REUSED', 422) };
      case 'declaration_required':
        return { kind: 'refused', error: new AppError('DECLARATION_REQUIRED', 403) };
      case 'duplicate':
        return { kind: 'refused', error: new AppError('CHECKIN_DUPLICATE', 409, { existingId: ref }) };
      case 'raced':
        return { kind: 'raced' };
      default:
        throw new Error(`checkins_ingest: no outcome for check-in ${n + 1}`);
    }
  });
}

export function createCheckinWriter(db: Kysely<DB>) {
  let queue: Pending[] = [];
  let flushing = false;

  /** The stored answer for a key another process wrote while our batch ran (or 422 if it was another request). */
  async function readStored(idem: { scope: string; key: string; hash: string }): Promise<WriteResult> {
    const stored = await findStored<CheckinResult>(db, idem.scope, idem.key, idem.hash);
    if (!stored) throw new Error('idempotency record vanished');
    return stored;
  }

  /** Answers every check-in of a committed batch. */
  async function settle(batch: Pending[], outcomes: Outcome[]) {
    await Promise.all(
      batch.map(async (p, n) => {
        try {
          const o = outcomes[n] as Outcome;
          if (o.kind === 'written') p.resolve({ status: 201, body: toResult(p.req.row), door: o.door });
          else if (o.kind === 'stored') p.resolve({ status: 200, body: o.body });
          else if (o.kind === 'refused') p.reject(o.error);
          else p.resolve(await readStored(p.req.idempotency!));
        } catch (err) {
          p.reject(err);
        }
      }),
    );
  }

  async function flushLoop(): Promise<void> {
    while (queue.length > 0) {
      // past the check-ins that wait: a long chain of them cannot starve the rest of the queue
      const { now: batch, rest } = nextBatch(queue, MAX_BATCH);
      queue = rest;
      try {
        const outcomes = await ingestCheckins(
          db,
          batch.map((p) => p.req),
        );
        await settle(batch, outcomes);
      } catch {
        // isolate the failure: each check-in on its own
        for (const p of batch) {
          try {
            await settle([p], await ingestCheckins(db, [p.req]));
          } catch (err) {
            p.reject(err);
          }
        }
      }
    }
    flushing = false;
  }

  return {
    /** Decides and writes one check-in with the others of its batch; resolves after the commit. */
    submit(req: WriteRequest): Promise<WriteResult> {
      return new Promise((resolve, reject) => {
        queue.push({ req, resolve, reject });
        if (!flushing) {
          flushing = true;
          void flushLoop();
        }
      });
    },
  };
}

export type CheckinWriter = ReturnType<typeof createCheckinWriter>;
