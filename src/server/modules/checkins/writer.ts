/**
 * Group commit for check-ins. Requests validated in parallel hand their row to the writer; the writer handles
 * everything that arrived while the previous batch was committing in ONE commit, and resolves each request
 * only after that commit. So an acknowledged (2xx) check-in is durable (PostgreSQL `synchronous_commit=on`: the
 * WAL is flushed before commit returns), and under load one fsync serves hundreds of check-ins.
 *
 * Per batch, two statements whatever the batch size:
 *   1. one SELECT looks up the batch's idempotency keys and, for every item, a recent check-in of the same person at
 *      the same venue and zone (`DUPLICATE_WINDOW_MS`, still open);
 *   2. each item is decided in arrival order: key stored already → its stored answer (200) or 422 for another body;
 *      key used by an earlier item of this batch → that item's answer; duplicate of a stored check-in or of an
 *      earlier item of this batch → 409 CHECKIN_DUPLICATE with `existingId`; otherwise written;
 *   3. `checkins_write(...)` (migration 0008) inserts the written items' idempotency keys, rows, audit rows and (for
 *      delayed syncs) a `checkins.late` job: one statement, so one atomic commit — and one round trip.
 * The writer is the only one deciding within this process (one batch at a time), so double scans are exact here;
 * a key inserted by another process between 1 and 3 is caught by the key's primary key (that item then answers
 * with the other process's stored result).
 * Nothing is written for a refused item. If a batch fails, its items are retried one by one so one bad row cannot
 * fail the others.
 */
import { type Kysely, sql } from 'kysely';
import type { CheckinMethod, DB } from '../../db/types.ts';
import { type AuditEntry, auditColumns } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
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
}

export interface WriteRequest {
  row: CheckinRowInput;
  idempotency?: { scope: string; key: string; hash: string };
  audit?: AuditEntry;
}

export interface WriteResult {
  status: 200 | 201;
  body: CheckinResult;
}

interface Pending {
  req: WriteRequest;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

/** What the writer decided for one item of a batch. */
type Outcome =
  | { kind: 'written' }
  /** the key was stored by an earlier request with the same body: its stored answer */
  | { kind: 'stored'; body: CheckinResult }
  /** the key belongs to an earlier item of this batch with the same body: that item's answer */
  | { kind: 'follows'; index: number }
  | { kind: 'refused'; error: AppError }
  /** another process inserted the key between our look-up and our insert: read its answer after commit */
  | { kind: 'raced' };

const MAX_BATCH = 1000;

/** Same person, venue and zone within this much of a still-open check-in: a double scan, refused. */
export const DUPLICATE_WINDOW_MS = 5 * 60_000;

export function toResult(row: CheckinRowInput): CheckinResult {
  return { id: row.id, venueId: row.venue_id, personId: row.person_id, at: row.checked_in_at.toISOString() };
}

/** A check-in this much older than its arrival is "late": tracing of open cases must look at it again. */
const LATE_MS = 10 * 60_000;
export const LATE_CHECKINS_TOPIC = 'checkins.late';

const keyOf = (i: { scope: string; key: string }) => `${i.scope}\u0000${i.key}`;
const placeOf = (r: CheckinRowInput) => `${r.person_id}\u0000${r.venue_id}\u0000${r.zone_id ?? ''}`;

/**
 * Writes check-ins in one statement (`checkins_write`, migration 0008), which commits on its own. Returns the
 * positions of items NOT written because another request stored their idempotency key first.
 */
export async function insertCheckins(db: Kysely<DB>, items: WriteRequest[]): Promise<Set<number>> {
  const rows = items.map((i) => i.row);
  const col = <K extends keyof CheckinRowInput>(k: K) => rows.map((r) => r[k]);
  const idem = items.map((i) => i.idempotency);
  const audited = items.flatMap((i, n) => (i.audit ? [{ n: n + 1, entry: i.audit }] : []));
  const a = auditColumns(audited.map((x) => x.entry));
  // delayed syncs may reveal contacts of cases traced already: tell the tracing side, in the same commit
  const now = Date.now();
  const late = new Map<string, { venueId: string; from: number; to: number }>();
  for (const r of rows) {
    if (now - r.checked_in_at.getTime() < LATE_MS) continue;
    const v = late.get(r.venue_id) ?? {
      venueId: r.venue_id,
      from: r.checked_in_at.getTime(),
      to: r.implied_out_at.getTime(),
    };
    v.from = Math.min(v.from, r.checked_in_at.getTime());
    v.to = Math.max(v.to, r.implied_out_at.getTime());
    late.set(r.venue_id, v);
  }
  const job =
    late.size > 0
      ? JSON.stringify({
          items: [...late.values()].map((v) => ({
            venueId: v.venueId,
            from: new Date(v.from).toISOString(),
            to: new Date(v.to).toISOString(),
          })),
        })
      : null;
  const { rows: result } = await sql<{ lost: number[] }>`
    select checkins_write(
      ${idem.map((k) => k?.scope ?? null)}::text[], ${idem.map((k) => k?.key ?? null)}::text[],
      ${idem.map((k) => k?.hash ?? null)}::text[],
      ${items.map((i) => (i.idempotency ? JSON.stringify(toResult(i.row)) : null))}::text[],
      ${col('id')}::uuid[], ${col('venue_id')}::uuid[], ${col('zone_id')}::uuid[], ${col('person_id')}::uuid[],
      ${rows.map((r) => r.checked_in_at.toISOString())}::timestamptz[],
      ${rows.map((r) => r.implied_out_at.toISOString())}::timestamptz[],
      ${col('method')}::text[], ${col('actor_type')}::text[], ${col('actor_id')}::text[], ${col('unit_code')}::text[],
      ${audited.map((x) => x.n)}::int[], ${a.ats}::timestamptz[], ${a.actorTypes}::text[], ${a.actorIds}::text[],
      ${a.actions}::text[], ${a.resourceTypes}::text[], ${a.resourceIds}::text[], ${a.unitCodes}::text[],
      ${a.outcomes}::text[], ${a.details}::text[], ${a.payloads}::text[],
      ${job ? LATE_CHECKINS_TOPIC : null}::text, ${job}::text) as lost`.execute(db);
  return new Set((result[0]?.lost ?? []).map((n) => n - 1));
}

export function createCheckinWriter(db: Kysely<DB>) {
  let queue: Pending[] = [];
  let flushing = false;

  /**
   * One statement: the batch's idempotency keys that are stored already, and for each item a stored, still-open
   * check-in of the same person at the same venue and zone within the duplicate window.
   */
  async function lookUp(items: WriteRequest[]) {
    const keyed = items.flatMap((i) => (i.idempotency ? [i.idempotency] : []));
    const rows = items.map((i) => i.row);
    const window = (r: CheckinRowInput, sign: number) =>
      new Date(r.checked_in_at.getTime() + sign * DUPLICATE_WINDOW_MS).toISOString();
    const { rows: found } = await sql<{
      keys: Array<{ scope: string; key: string; request_hash: string; response: CheckinResult }> | null;
      duplicates: Array<{ n: number; id: string }> | null;
    }>`
      select
        (select json_agg(json_build_object('scope', i.scope, 'key', i.key, 'request_hash', i.request_hash,
                                           'response', i.response))
         from unnest(${keyed.map((k) => k.scope)}::text[], ${keyed.map((k) => k.key)}::text[]) as k(scope, key)
         join idempotency_keys i on i.scope = k.scope and i.key = k.key) as keys,
        (select json_agg(json_build_object('n', d.n, 'id', c.id))
         from unnest(${rows.map((r) => r.person_id)}::text[], ${rows.map((r) => r.venue_id)}::text[],
                     ${rows.map((r) => r.zone_id)}::text[], ${rows.map((r) => window(r, -1))}::text[],
                     ${rows.map((r) => window(r, 1))}::text[])
           with ordinality as d(person_id, venue_id, zone_id, lo, hi, n)
         cross join lateral (
           select c.id from checkins c
           where c.person_id = d.person_id::uuid
             and c.checked_in_at >= d.lo::timestamptz and c.checked_in_at <= d.hi::timestamptz
             -- deliberately not an index condition: the person's index is the selective one (a venue may hold
             -- thousands of check-ins within minutes), whatever the statistics of a fresh day partition say
             and (c.venue_id, c.zone_id) is not distinct from (d.venue_id::uuid, d.zone_id::uuid)
             and c.checked_out_at is null
           limit 1
         ) c) as duplicates`.execute(db);
    const stored = new Map<string, { request_hash: string; response: CheckinResult }>();
    for (const k of found[0]?.keys ?? []) stored.set(keyOf(k), k);
    const duplicates = new Map<number, string>();
    for (const d of found[0]?.duplicates ?? []) duplicates.set(d.n - 1, d.id);
    return { stored, duplicates };
  }

  /** Decides each item of a batch in arrival order, given what is stored already. */
  function decide(items: WriteRequest[], { stored, duplicates }: Awaited<ReturnType<typeof lookUp>>): Outcome[] {
    const outcomes: Outcome[] = [];
    const keysWritten = new Map<string, number>();
    const placesWritten = new Map<string, Array<{ at: number; id: string }>>();
    for (const [n, item] of items.entries()) {
      const idem = item.idempotency;
      if (idem) {
        const earlier = stored.get(keyOf(idem));
        if (earlier) {
          outcomes.push(
            earlier.request_hash === idem.hash
              ? { kind: 'stored', body: earlier.response }
              : { kind: 'refused', error: new AppError('IDEMPOTENCY_KEY_REUSED', 422) },
          );
          continue;
        }
        const first = keysWritten.get(keyOf(idem));
        if (first !== undefined) {
          outcomes.push(
            items[first]?.idempotency?.hash === idem.hash
              ? { kind: 'follows', index: first }
              : { kind: 'refused', error: new AppError('IDEMPOTENCY_KEY_REUSED', 422) },
          );
          continue;
        }
      }
      const at = item.row.checked_in_at.getTime();
      const existingId =
        duplicates.get(n) ??
        placesWritten.get(placeOf(item.row))?.find((w) => Math.abs(w.at - at) <= DUPLICATE_WINDOW_MS)?.id;
      if (existingId) {
        outcomes.push({ kind: 'refused', error: new AppError('CHECKIN_DUPLICATE', 409, { existingId }) });
        continue;
      }
      outcomes.push({ kind: 'written' });
      if (idem) keysWritten.set(keyOf(idem), n);
      const place = placeOf(item.row);
      const list = placesWritten.get(place) ?? [];
      list.push({ at, id: item.row.id });
      placesWritten.set(place, list);
    }
    return outcomes;
  }

  /** Decides and writes a batch; returns each item's outcome once the written ones are committed. */
  async function write(items: WriteRequest[]): Promise<Outcome[]> {
    const outcomes = decide(items, await lookUp(items));
    const toWrite = items.flatMap((item, n) => (outcomes[n]?.kind === 'written' ? [{ item, n }] : []));
    if (toWrite.length > 0) {
      const lost = await insertCheckins(
        db,
        toWrite.map((w) => w.item),
      );
      // a key another process inserted between our look-up and our write: that item is not ours to answer
      for (const i of lost) outcomes[(toWrite[i] as { n: number }).n] = { kind: 'raced' };
    }
    return outcomes;
  }

  /** The stored answer for a key another process wrote while our batch ran (or 422 if it was another request). */
  async function readStored(idem: { scope: string; key: string; hash: string }): Promise<WriteResult> {
    const stored = await db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'response'])
      .where('scope', '=', idem.scope)
      .where('key', '=', idem.key)
      .executeTakeFirst();
    if (!stored) throw new Error('idempotency record vanished');
    if (stored.request_hash !== idem.hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', 422);
    return { status: 200, body: stored.response as CheckinResult };
  }

  /** Answers every item of a committed batch. */
  async function settle(batch: Pending[], outcomes: Outcome[]) {
    await Promise.all(
      batch.map(async (p, n) => {
        try {
          const o = outcomes[n] as Outcome;
          if (o.kind === 'written') p.resolve({ status: 201, body: toResult(p.req.row) });
          else if (o.kind === 'stored') p.resolve({ status: 200, body: o.body });
          else if (o.kind === 'follows')
            p.resolve({ status: 200, body: toResult((batch[o.index] as Pending).req.row) });
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
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(batch.length);
      try {
        const outcomes = await write(batch.map((p) => p.req));
        await settle(batch, outcomes);
      } catch {
        // isolate the failure: each item on its own (an item that followed another one now finds its stored key)
        for (const p of batch) {
          try {
            const outcomes = await write([p.req]);
            await settle([p], outcomes);
          } catch (err) {
            p.reject(err);
          }
        }
      }
    }
    flushing = false;
  }

  return {
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
