/**
 * An offline outbox in IndexedDB, for screens that must keep working without network (the door scanner, sample
 * collection): every item is stored first, with its idempotency key, the original time and the account that made it,
 * and removed only when the server has given a final answer — so nothing is lost offline or when the tab closes.
 * `flush(owner)` sends that account's items (oldest first) through the screen's own `send`: on a shared device, items
 * queued by one staff member are never sent under another's session (the server records the sender as the actor);
 * they wait until their own account signs in here again. One flush at a time per tab and account; a flush asked for
 * during one is the next pass (`oneAtATime`).
 */
import { ApiError, NetworkError } from './api.ts';

/** What every queued item carries. */
export interface QueuedItem {
  idempotencyKey: string;
  queuedAt: string;
  /** the signed-in account that queued it (`ownerOf(me)`); absent on items queued before accounts were kept */
  owner?: string;
}

/** The server's final answer for one item (2xx: done; 4xx: refused for good); items without one stay queued. */
export interface SendOutcome<T extends QueuedItem, R> {
  item: T;
  result: R;
}

export interface OfflineQueueOptions<T extends QueuedItem, R> {
  /** IndexedDB database name (one per screen: the door scanner keeps its historic name) */
  dbName: string;
  storeName: string;
  /** extra indexes created with the store */
  indexes?: readonly string[];
  /**
   * Sends some of the pending items (the queue gives them oldest first, `batchSize` at a time) and returns the final
   * answers; an item without one stays for the next attempt. Throws when nothing could be delivered (network, 5xx).
   */
  send: (items: T[]) => Promise<Array<SendOutcome<T, R>>>;
  batchSize: number;
}

export interface OfflineQueue<T extends QueuedItem, R> {
  enqueue(item: T): Promise<void>;
  /** The account's items waiting to be sent, oldest first. */
  pending(owner: string): Promise<T[]>;
  /** How many items wait on this device: the account's own, and other accounts'. One read of the store. */
  pendingCounts(owner: string): Promise<{ mine: number; others: number }>;
  removeItems(keys: string[]): Promise<void>;
  /** Sends the account's pending items; resolves with the final answers (those items left the queue). */
  flush(owner: string): Promise<Array<SendOutcome<T, R>>>;
}

// an item queued before items carried their account (no owner) goes with whoever syncs first, as it did then
const mine = (item: QueuedItem, owner: string) => item.owner === undefined || item.owner === owner;

export function createOfflineQueue<T extends QueuedItem, R>(options: OfflineQueueOptions<T, R>): OfflineQueue<T, R> {
  const { dbName, storeName } = options;

  function open(): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(dbName, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(storeName)) {
          const store = db.createObjectStore(storeName, { keyPath: 'idempotencyKey' });
          for (const index of options.indexes ?? []) store.createIndex(index, index);
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run<V>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<V> | undefined) {
    const db = await open();
    try {
      return await new Promise<V | undefined>((resolve, reject) => {
        const tx = db.transaction(storeName, mode);
        const request = work(tx.objectStore(storeName));
        tx.oncomplete = () => resolve(request?.result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  const all = async (): Promise<T[]> => ((await run('readonly', (store) => store.getAll())) ?? []) as T[];

  async function pending(owner: string): Promise<T[]> {
    return (await all()).filter((item) => mine(item, owner)).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  }

  async function removeItems(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await run('readwrite', (store) => {
      for (const key of keys) store.delete(key);
      return undefined;
    });
  }

  async function sendPending(owner: string): Promise<Array<SendOutcome<T, R>>> {
    const items = await pending(owner);
    const outcomes: Array<SendOutcome<T, R>> = [];
    for (let start = 0; start < items.length; start += options.batchSize) {
      const done = await options.send(items.slice(start, start + options.batchSize));
      await removeItems(done.map((o) => o.item.idempotencyKey));
      outcomes.push(...done);
    }
    return outcomes;
  }

  const passes = new Map<string, () => Promise<Array<SendOutcome<T, R>>>>();

  return {
    async enqueue(item) {
      await run('readwrite', (store) => store.put(item));
    },
    pending,
    async pendingCounts(owner) {
      const items = await all();
      const own = items.filter((item) => mine(item, owner)).length;
      return { mine: own, others: items.length - own };
    },
    removeItems,
    flush(owner) {
      // one sync at a time per tab and account; a call during a sync gets the pass after it (items queued meanwhile)
      let pass = passes.get(owner);
      if (!pass) {
        pass = oneAtATime(() => sendPending(owner));
        passes.set(owner, pass);
      }
      return pass();
    },
  };
}

/**
 * Runs `work` one pass at a time. A call while no pass runs starts one and gets its answer. Calls while a pass runs
 * share ONE next pass, started when the running one ends: it sees what was added meanwhile (an item queued after the
 * running pass read the queue is sent now, not at the next timer); a caller never gets the answer of a pass that
 * started before it called. (The callers of one pass all get its answer: a screen adding answers to a list keys them.)
 */
export function oneAtATime<V>(work: () => Promise<V>): () => Promise<V> {
  let running = false;
  let waiting: { promise: Promise<V>; resolve: (v: V) => void; reject: (e: unknown) => void } | undefined;
  const start = (): Promise<V> => {
    running = true;
    let pass: Promise<V>;
    try {
      pass = work();
    } catch (e) {
      // a pass that failed before it began still ends, and lets the next one start
      pass = Promise.reject(e);
    }
    // the next pass starts in the same step as this one ends: no moment where a caller could start a third
    const ended = () => {
      running = false;
      const w = waiting;
      waiting = undefined;
      if (w) start().then(w.resolve, w.reject);
    };
    pass.then(ended, ended);
    return pass;
  };
  return () => {
    if (!running) return start();
    if (!waiting) {
      let resolve!: (v: V) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<V>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      waiting = { promise, resolve, reject };
    }
    return waiting.promise;
  };
}

/** Whether a failed sync should simply be tried again later (offline, server down, signed out meanwhile). */
export function isRetryable(error: unknown): boolean {
  return error instanceof NetworkError || (error instanceof ApiError && (error.status >= 500 || error.status === 401));
}
