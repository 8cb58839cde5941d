/**
 * Group commit for check-ins. Requests validated in parallel hand their row to the writer; the writer inserts
 * everything that arrived while the previous batch was committing in ONE transaction (idempotency keys, check-in
 * rows, audit rows), and resolves each request only after that commit. So an acknowledged (2xx) check-in is
 * durable (PostgreSQL `synchronous_commit=on`: the WAL is flushed before commit returns), and under load one fsync
 * serves hundreds of check-ins. If a batch fails, its items are retried one by one so one bad row cannot fail
 * the others.
 */
import type { Kysely, Transaction } from 'kysely';
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

const MAX_BATCH = 1000;

export function toResult(row: CheckinRowInput): CheckinResult {
  return { id: row.id, venueId: row.venue_id, personId: row.person_id, at: row.checked_in_at.toISOString() };
}

/** A check-in this much older than its arrival is "late": tracing of open cases must look at it again. */
const LATE_MS = 10 * 60_000;
export const LATE_CHECKINS_TOPIC = 'checkins.late';

export function createCheckinWriter(db: Kysely<DB>, audit: Audit, jobs: Jobs) {
  let queue: Pending[] = [];
  let flushing = false;

  /** Writes a batch; returns, per item, whether it was written (false = its idempotency key already existed). */
  async function write(trx: Transaction<DB>, items: WriteRequest[]): Promise<boolean[]> {
    const keyed = items.filter((i) => i.idempotency);
    const won = new Set<string>();
    if (keyed.length > 0) {
      const inserted = await trx
        .insertInto('idempotency_keys')
        .values(
          keyed.map((i) => ({
            scope: i.idempotency!.scope,
            key: i.idempotency!.key,
            request_hash: i.idempotency!.hash,
            status_code: 201,
            response: JSON.stringify(toResult(i.row)),
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .returning(['scope', 'key'])
        .execute();
      for (const r of inserted) won.add(`${r.scope}\u0000${r.key}`);
    }
    const written = items.map((i) => !i.idempotency || won.has(`${i.idempotency.scope}\u0000${i.idempotency.key}`));
    const rows = items.filter((_, n) => written[n]).map((i) => i.row);
    if (rows.length > 0) await trx.insertInto('checkins').values(rows).execute();
    const audits = items.filter((i, n) => written[n] && i.audit).map((i) => i.audit as AuditEntry);
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
    return written;
  }

  /** For items whose key existed already: answer with the stored response (or 422 if it was another request). */
  async function replay(p: Pending): Promise<void> {
    const idem = p.req.idempotency!;
    const stored = await db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'response'])
      .where('scope', '=', idem.scope)
      .where('key', '=', idem.key)
      .executeTakeFirst();
    if (!stored) throw new Error('idempotency record vanished');
    if (stored.request_hash !== idem.hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', 422);
    p.resolve({ status: 200, body: stored.response as CheckinResult });
  }

  async function settle(batch: Pending[], written: boolean[]) {
    await Promise.all(
      batch.map(async (p, n) => {
        try {
          if (written[n]) p.resolve({ status: 201, body: toResult(p.req.row) });
          else await replay(p);
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
        const written = await db.transaction().execute((trx) =>
          write(
            trx,
            batch.map((p) => p.req),
          ),
        );
        await settle(batch, written);
      } catch {
        // isolate the failure: each item on its own
        for (const p of batch) {
          try {
            const written = await db.transaction().execute((trx) => write(trx, [p.req]));
            await settle([p], written);
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
