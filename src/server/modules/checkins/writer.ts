/**
 * Group commit for check-ins. Requests validated in parallel hand their row to the writer; the writer handles
 * everything that arrived while the previous batch was committing in ONE transaction, and resolves each request
 * only after that commit. So an acknowledged (2xx) check-in is durable (PostgreSQL `synchronous_commit=on`: the
 * WAL is flushed before commit returns), and under load one fsync serves hundreds of check-ins.
 *
 * Per batch, set-based (a fixed number of statements whatever the batch size):
 *   1. look up the batch's idempotency keys and, for every item, a recent check-in of the same person at the same
 *      venue and zone (`DUPLICATE_WINDOW_MS`, still open);
 *   2. decide each item in arrival order: key stored already → its stored answer (200) or 422 for another body;
 *      key used by an earlier item of this batch → that item's answer; duplicate of a stored check-in or of an
 *      earlier item of this batch → 409 CHECKIN_DUPLICATE with `existingId`; otherwise written;
 *   3. insert the written items' idempotency keys, rows, audit rows and (for delayed syncs) a `checkins.late` job.
 * Nothing is written for a refused item. If a batch fails, its items are retried one by one so one bad row cannot
 * fail the others.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { CheckinMethod, DB } from '../../db/types.ts';
import type { Audit, AuditEntry } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import type { Jobs } from '../../platform/jobs.ts';
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

export function createCheckinWriter(db: Kysely<DB>, audit: Audit, jobs: Jobs) {
  let queue: Pending[] = [];
  let flushing = false;

  /** Idempotency records of the batch's keys that exist already, by scope+key. */
  async function storedKeys(trx: Transaction<DB>, items: WriteRequest[]) {
    const keyed = items.flatMap((i) => (i.idempotency ? [i.idempotency] : []));
    const found = new Map<string, { request_hash: string; response: CheckinResult }>();
    if (keyed.length === 0) return found;
    const { rows } = await sql<{ scope: string; key: string; request_hash: string; response: CheckinResult }>`
      select i.scope, i.key, i.request_hash, i.response
      from unnest(${keyed.map((k) => k.scope)}::text[], ${keyed.map((k) => k.key)}::text[]) as k(scope, key)
      join idempotency_keys i on i.scope = k.scope and i.key = k.key`.execute(trx);
    for (const r of rows) found.set(keyOf(r), r);
    return found;
  }

  /** For each item (by index), the id of a stored, still-open check-in it would duplicate. */
  async function storedDuplicates(trx: Transaction<DB>, items: WriteRequest[]) {
    const rows = items.map((i) => i.row);
    const { rows: found } = await sql<{ n: number; id: string }>`
      select d.n::int as n, c.id
      from unnest(${rows.map((r) => r.person_id)}::text[], ${rows.map((r) => r.venue_id)}::text[],
                  ${rows.map((r) => r.zone_id)}::text[],
                  ${rows.map((r) => new Date(r.checked_in_at.getTime() - DUPLICATE_WINDOW_MS).toISOString())}::text[],
                  ${rows.map((r) => new Date(r.checked_in_at.getTime() + DUPLICATE_WINDOW_MS).toISOString())}::text[])
        with ordinality as d(person_id, venue_id, zone_id, lo, hi, n)
      cross join lateral (
        select c.id from checkins c
        where c.person_id = d.person_id::uuid
          and c.checked_in_at >= d.lo::timestamptz and c.checked_in_at <= d.hi::timestamptz
          and c.venue_id = d.venue_id::uuid
          and c.zone_id is not distinct from d.zone_id::uuid
          and c.checked_out_at is null
        limit 1
      ) c`.execute(trx);
    const byIndex = new Map<number, string>();
    for (const r of found) byIndex.set(r.n - 1, r.id);
    return byIndex;
  }

  /** Decides and writes a batch inside `trx`; returns each item's outcome. */
  async function write(trx: Transaction<DB>, items: WriteRequest[]): Promise<Outcome[]> {
    const stored = await storedKeys(trx, items);
    const duplicates = await storedDuplicates(trx, items);

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

    // idempotency keys first: a key another process inserted meanwhile (ON CONFLICT) means its item is not ours
    const keyed = items.filter((i, n) => outcomes[n]?.kind === 'written' && i.idempotency);
    if (keyed.length > 0) {
      const ids = keyed.map((i) => i.idempotency!);
      const { rows: inserted } = await sql<{ scope: string; key: string }>`
        insert into idempotency_keys (scope, key, request_hash, status_code, response)
        select t.scope, t.key, t.hash, 201, t.response::jsonb
        from unnest(${ids.map((k) => k.scope)}::text[], ${ids.map((k) => k.key)}::text[],
                    ${ids.map((k) => k.hash)}::text[], ${keyed.map((i) => JSON.stringify(toResult(i.row)))}::text[])
          as t(scope, key, hash, response)
        on conflict do nothing
        returning scope, key`.execute(trx);
      if (inserted.length < keyed.length) {
        const won = new Set(inserted.map(keyOf));
        for (const [n, item] of items.entries()) {
          if (outcomes[n]?.kind === 'written' && item.idempotency && !won.has(keyOf(item.idempotency)))
            outcomes[n] = { kind: 'raced' };
        }
      }
    }

    const rows = items.filter((_, n) => outcomes[n]?.kind === 'written').map((i) => i.row);
    if (rows.length > 0) {
      const col = <K extends keyof CheckinRowInput>(k: K) => rows.map((r) => r[k]);
      await sql`
        insert into checkins
          (id, venue_id, zone_id, person_id, checked_in_at, implied_out_at, method, actor_type, actor_id, unit_code)
        select * from unnest(${col('id')}::text[]::uuid[], ${col('venue_id')}::text[]::uuid[],
          ${col('zone_id')}::text[]::uuid[], ${col('person_id')}::text[]::uuid[],
          ${rows.map((r) => r.checked_in_at.toISOString())}::text[]::timestamptz[],
          ${rows.map((r) => r.implied_out_at.toISOString())}::text[]::timestamptz[],
          ${col('method')}::text[], ${col('actor_type')}::text[], ${col('actor_id')}::text[], ${col('unit_code')}::text[])`.execute(
        trx,
      );
    }
    const audits = items.filter((i, n) => outcomes[n]?.kind === 'written' && i.audit).map((i) => i.audit!);
    if (audits.length > 0) await audit.appendMany(trx, audits);
    // delayed syncs may reveal contacts of cases traced already: tell the tracing side, in this transaction
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
    if (late.size > 0) {
      const items = [...late.values()].map((v) => ({
        venueId: v.venueId,
        from: new Date(v.from).toISOString(),
        to: new Date(v.to).toISOString(),
      }));
      await jobs.enqueue(trx, LATE_CHECKINS_TOPIC, { items });
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
        const outcomes = await db.transaction().execute((trx) =>
          write(
            trx,
            batch.map((p) => p.req),
          ),
        );
        await settle(batch, outcomes);
      } catch {
        // isolate the failure: each item on its own (an item that followed another one now finds its stored key)
        for (const p of batch) {
          try {
            const outcomes = await db.transaction().execute((trx) => write(trx, [p.req]));
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
