/**
 * The door scanner's outbox: the shared offline queue (`lib/offline-queue.ts`, IndexedDB) — every scan is stored
 * first (with its idempotency key, the original scan time and the account that made it) and removed only when the
 * server has given a final answer, so nothing is lost offline or when the tab closes. `flushQueue(owner)` sends that
 * account's scans through POST /checkins/batch: on a shared device, scans queued by one staff member are never sent
 * under another's session (the server records the sender as the actor); they wait until their own account signs in.
 */

import { api } from '../../lib/api.ts';
import type { BatchBody, BatchResponse, BatchResultItem, Me } from '../../lib/api-types.ts';
import { MAX_BATCH } from '../../lib/api-values.ts';
import { createOfflineQueue, isRetryable } from '../../lib/offline-queue.ts';

/** as many as one POST /checkins/batch takes */
export const BATCH_SIZE = MAX_BATCH;

/** What the server receives for one scan (the body of a batch item). */
export interface QueuedCheckin {
  idempotencyKey: string;
  venueId: string;
  at: string;
  personQr?: string;
  nationalId?: string;
  phone?: string;
  name?: string;
}

/** A queued scan with what the screen shows about it. */
export interface QueueItem extends QueuedCheckin {
  /** who was scanned, for the result list ("Nguyễn Văn A — 0791…", "Mã QR cá nhân") */
  label: string;
  queuedAt: string;
  /** the signed-in account that scanned (`ownerOf(me)`); absent on scans queued before accounts were kept */
  owner?: string;
}

/** The queue's name for a signed-in account. */
export function ownerOf(me: Me): string {
  return me.kind === 'staff' ? `staff:${me.user.id}` : `citizen:${me.person.personId}`;
}

/** The scans' outbox (the shared offline queue, under its historic database name). */
const queue = createOfflineQueue<QueueItem, BatchResultItem>({
  dbName: 'truyvet-checkins',
  storeName: 'queue',
  indexes: ['venueId'],
  batchSize: BATCH_SIZE,
  async send(chunk) {
    const response = await api<BatchResponse>('POST', '/checkins/batch', {
      items: chunk.map(body),
    } satisfies BatchBody);
    const byKey = new Map(chunk.map((item) => [item.idempotencyKey, item]));
    const outcomes: SyncOutcome[] = [];
    for (const result of response.results) {
      const item = byKey.get(result.idempotencyKey) ?? chunk[result.index];
      // 2xx: recorded; 4xx: refused for good (bad code, duplicate, …). 5xx: try again later.
      if (item && result.status < 500) outcomes.push({ item, result });
    }
    return outcomes;
  },
});

export interface SyncOutcome {
  item: QueueItem;
  result: BatchResultItem;
}

export const enqueue = (item: QueueItem): Promise<void> => queue.enqueue(item);
/** The account's scans waiting to be sent, oldest first. */
export const pending = (owner: string): Promise<QueueItem[]> => queue.pending(owner);
/** How many scans wait on this device: the account's own, and other accounts'. One read of the store. */
export const pendingCounts = (owner: string) => queue.pendingCounts(owner);
export const removeItems = (keys: string[]): Promise<void> => queue.removeItems(keys);

function body(item: QueueItem): QueuedCheckin {
  const { idempotencyKey, venueId, at, personQr, nationalId, phone, name } = item;
  return {
    idempotencyKey,
    venueId,
    at,
    ...(personQr ? { personQr } : {}),
    ...(nationalId ? { nationalId } : {}),
    ...(phone ? { phone } : {}),
    ...(name ? { name } : {}),
  };
}

/**
 * Sends the pending scans in batches. Items the server answered 2xx, or refused with a final 4xx, leave the queue
 * and are returned; on a network failure or a 5xx they stay for the next attempt. Rejects with
 * NetworkError/ApiError when a whole batch could not be delivered.
 */
export function flushQueue(owner: string): Promise<SyncOutcome[]> {
  return queue.flush(owner);
}

export { isRetryable };
