/**
 * Tubes collected at a test point wait here (the shared offline queue, like the door scanner's scans): each with its
 * idempotency key, its barcode (the label is on the tube already: a reserved code when offline) and the original
 * collection time; sent one by one through POST /samples when the network is there, under their own account only.
 */
import { ApiError } from '../../lib/api.ts';
import type { Me } from '../../lib/api-types.ts';
import { createOfflineQueue, isRetryable, type QueuedItem } from '../../lib/offline-queue.ts';
import type { CreatedSample, CreateSampleBody } from '../../lib/testing-types.ts';
import { send } from './http.ts';

export interface QueuedTube extends QueuedItem {
  body: CreateSampleBody;
  /** who is in it, for the list ("3 người: Nguyễn Văn A, …") */
  label: string;
}

export interface TubeOutcome {
  ok: boolean;
  created?: CreatedSample;
  error?: ApiError;
}

/** The queue's name for a signed-in account. */
export function ownerOf(me: Me): string {
  return me.kind === 'staff' ? `staff:${me.user.id}` : `citizen:${me.person.personId}`;
}

export const tubes = createOfflineQueue<QueuedTube, TubeOutcome>({
  dbName: 'truyvet-testing',
  storeName: 'tubes',
  batchSize: 20,
  async send(items) {
    const out: Array<{ item: QueuedTube; result: TubeOutcome }> = [];
    for (const item of items) {
      try {
        const created = await send<CreatedSample>('/samples', {
          body: JSON.stringify(item.body),
          type: 'application/json',
          headers: { 'idempotency-key': item.idempotencyKey },
        });
        out.push({ item, result: { ok: true, created } });
      } catch (e) {
        // a final refusal leaves the queue with its reason; offline or a server error: stop, try again later
        if (e instanceof ApiError && !isRetryable(e)) out.push({ item, result: { ok: false, error: e } });
        else if (out.length === 0) throw e;
        else break;
      }
    }
    return out;
  },
});

export { isRetryable };
