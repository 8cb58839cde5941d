/**
 * The door scanner's outbox in IndexedDB: every scan is stored here first (with its idempotency key, the original
 * scan time and the account that made it) and removed only when the server has given a final answer, so nothing is
 * lost offline or when the tab closes. `flushQueue(owner)` sends that account's scans through POST /checkins/batch:
 * on a shared device, scans queued by one staff member are never sent under another's session (the server records
 * the sender as the actor); they wait until their own account signs in here again.
 */

import { ApiError, api, NetworkError } from '../../lib/api.ts';
import type { BatchBody, BatchResponse, BatchResultItem, Me } from '../../lib/api-types.ts';
import { MAX_BATCH } from '../../lib/api-values.ts';

const DB_NAME = 'truyvet-checkins';
const STORE = 'queue';
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

// a scan queued before scans carried their account (no owner) goes with whoever syncs first, as it did then
const mine = (item: QueueItem, owner: string) => item.owner === undefined || item.owner === owner;

export interface SyncOutcome {
  item: QueueItem;
  result: BatchResultItem;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) {
        const store = db.createObjectStore(STORE, { keyPath: 'idempotencyKey' });
        store.createIndex('venueId', 'venueId');
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | undefined) {
  const db = await open();
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request?.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export async function enqueue(item: QueueItem): Promise<void> {
  await run('readwrite', (store) => store.put(item));
}

async function all(): Promise<QueueItem[]> {
  return ((await run('readonly', (store) => store.getAll())) ?? []) as QueueItem[];
}

/** The account's scans waiting to be sent, oldest first. */
export async function pending(owner: string): Promise<QueueItem[]> {
  return (await all()).filter((item) => mine(item, owner)).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

/** How many scans wait on this device: the account's own, and other accounts'. One read of the store. */
export async function pendingCounts(owner: string): Promise<{ mine: number; others: number }> {
  const items = await all();
  const own = items.filter((item) => mine(item, owner)).length;
  return { mine: own, others: items.length - own };
}

export async function removeItems(keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await run('readwrite', (store) => {
    for (const key of keys) store.delete(key);
    return undefined;
  });
}

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
 * Sends the pending scans (of `venueId`, or all) in batches. Items the server answered 2xx, or refused with a
 * final 4xx, leave the queue and are returned; on a network failure or a 5xx they stay for the next attempt.
 * Rejects with NetworkError/ApiError when a whole batch could not be delivered.
 */
const inFlight = new Map<string, Promise<SyncOutcome[]>>();

export function flushQueue(owner: string): Promise<SyncOutcome[]> {
  // one sync at a time per tab and account: a second caller waits for the running one
  let running = inFlight.get(owner);
  if (!running) {
    running = sendPending(owner).finally(() => {
      inFlight.delete(owner);
    });
    inFlight.set(owner, running);
  }
  return running;
}

async function sendPending(owner: string): Promise<SyncOutcome[]> {
  const items = await pending(owner);
  const outcomes: SyncOutcome[] = [];
  for (let start = 0; start < items.length; start += BATCH_SIZE) {
    const chunk = items.slice(start, start + BATCH_SIZE);
    const response = await api<BatchResponse>('POST', '/checkins/batch', {
      items: chunk.map(body),
    } satisfies BatchBody);
    const byKey = new Map(chunk.map((item) => [item.idempotencyKey, item]));
    const done: string[] = [];
    for (const result of response.results) {
      const item = byKey.get(result.idempotencyKey) ?? chunk[result.index];
      if (!item) continue;
      // 2xx: recorded; 4xx: refused for good (bad code, duplicate, …). 5xx: try again later.
      if (result.status < 500) {
        done.push(item.idempotencyKey);
        outcomes.push({ item, result });
      }
    }
    await removeItems(done);
  }
  return outcomes;
}

export function isRetryable(error: unknown): boolean {
  return error instanceof NetworkError || (error instanceof ApiError && (error.status >= 500 || error.status === 401));
}
