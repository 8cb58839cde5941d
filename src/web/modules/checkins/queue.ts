/**
 * The door scanner's outbox: the shared offline queue (`lib/offline-queue.ts`, IndexedDB) — every scan is stored
 * first (with its idempotency key, the original scan time and the account that made it) and removed only when the
 * server has given a final answer, so nothing is lost offline or when the tab closes. `flushQueue(owner)` sends that
 * account's scans through POST /checkins/batch: on a shared device, scans queued by one staff member are never sent
 * under another's session (the server records the sender as the actor); they wait until their own account signs in.
 * A scan made while the door is online is also sent at once as a **live** item (`sendLive`: `live: true`, no `at`,
 * the person still outside): the server checks it as a single check-in, so a venue that requires a declaration today
 * refuses it (403 DECLARATION_REQUIRED) and the door can keep the person out. It stays in the queue meanwhile (not
 * sent by a flush while the live send runs) and leaves it on the server's final answer; if the network fails, the
 * queue sends it later as a replay, without `live` — by then the person is inside.
 * The server refuses a whole batch that repeats a person (the same personal QR, national ID or phone at the venue
 * within 5 minutes: 400 CHECKIN_BATCH_DUPLICATE_ITEM), so a request never carries such a repeat (`withoutRepeats`):
 * it waits for the next send, where the server answers it alone (409 CHECKIN_DUPLICATE) and it leaves the queue.
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

/** Keys of scans being sent live right now, and of those the server answered live (a flush that read the queue
 * before they left it must not send them again: a refused scan replayed would be recorded). */
const sendingLive = new Set<string>();
const answeredLive = new Set<string>();

/** The server's double-scan window: the same person at the same venue within it is a repeat. */
const REPEAT_WINDOW_MS = 5 * 60_000;

/** Who a queued scan names, as the server compares them (a personal QR's person, a national ID, a phone). */
function whoOf(item: QueuedCheckin): string | undefined {
  if (item.personQr) return `p:${/TV1\.P\.([0-9a-f-]{36})\./.exec(item.personQr)?.[1] ?? item.personQr}`;
  if (item.nationalId) return `n:${item.nationalId.trim()}`;
  if (item.phone) {
    const tel = item.phone.replace(/[\s.\-()]/g, '');
    return `t:${tel.startsWith('0') ? `+84${tel.slice(1)}` : tel.startsWith('84') ? `+${tel}` : tel}`;
  }
  return undefined;
}

/** The items one request may carry together: a repeat of an earlier one (same key, or same person at the venue
 * within the double-scan window) is left for the next send. */
export function withoutRepeats<T extends QueuedCheckin>(items: T[]): T[] {
  const keys = new Set<string>();
  const places = new Map<string, number[]>();
  return items.filter((item) => {
    if (keys.has(item.idempotencyKey)) return false;
    const who = whoOf(item);
    const place = who && `${who}\u0000${item.venueId}`;
    const at = Date.parse(item.at);
    const times = place ? (places.get(place) ?? []) : [];
    if (times.some((t) => Math.abs(t - at) <= REPEAT_WINDOW_MS)) return false;
    keys.add(item.idempotencyKey);
    if (place) places.set(place, [...times, at]);
    return true;
  });
}

/** The scans' outbox (the shared offline queue, under its historic database name). */
const queue = createOfflineQueue<QueueItem, BatchResultItem>({
  dbName: 'truyvet-checkins',
  storeName: 'queue',
  indexes: ['venueId'],
  batchSize: BATCH_SIZE,
  async send(queued) {
    // a scan being sent live waits for that answer; a flush does not send it beside
    const chunk = withoutRepeats(
      queued.filter((item) => !sendingLive.has(item.idempotencyKey) && !answeredLive.has(item.idempotencyKey)),
    );
    if (chunk.length === 0) return [];
    return post(chunk, chunk.map(body));
  },
});

/** POST /checkins/batch; the final answers (2xx, 4xx) by item. Throws when the batch could not be delivered. */
async function post(chunk: QueueItem[], items: BatchBody['items']): Promise<SyncOutcome[]> {
  const response = await api<BatchResponse>('POST', '/checkins/batch', { items } satisfies BatchBody);
  const byKey = new Map(chunk.map((item) => [item.idempotencyKey, item]));
  const outcomes: SyncOutcome[] = [];
  for (const result of response.results) {
    const item = byKey.get(result.idempotencyKey) ?? chunk[result.index];
    // 2xx: recorded; 4xx: refused for good (bad code, duplicate, …). 5xx: try again later.
    if (item && result.status < 500) outcomes.push({ item, result });
  }
  return outcomes;
}

/**
 * Sends scans made just now, online, as live items (`live: true`, at the server's time): refusable at the door
 * (403 DECLARATION_REQUIRED). They must be queued already; those the server answered leave the queue and are
 * returned. Rejects like a flush when nothing could be delivered — the scans stay queued and go out as replays.
 */
export async function sendLive(items: QueueItem[]): Promise<SyncOutcome[]> {
  for (const item of items) sendingLive.add(item.idempotencyKey);
  try {
    const done = await post(
      items,
      items.map((item) => {
        const { at: _at, ...rest } = body(item);
        return { ...rest, live: true };
      }),
    );
    for (const o of done) answeredLive.add(o.item.idempotencyKey);
    await removeItems(done.map((o) => o.item.idempotencyKey));
    return done;
  } finally {
    for (const item of items) sendingLive.delete(item.idempotencyKey);
  }
}

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
