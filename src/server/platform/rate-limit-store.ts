/**
 * Where the rate limits count (`@fastify/rate-limit`'s store): in the database, not in each process's memory, so a
 * deployment of several API processes or machines holds one limit — a password guesser spreading requests over
 * replicas gets what one process would allow, not that times the replicas. One statement per limited request (the
 * limited routes are sign-in, one-time codes, batch and file endpoints: few requests, each far dearer than this
 * upsert). A key's row holds its window's requests and when the window ends (fixed windows, as the plugin's own
 * stores count); the first request after that starts a new window. Each route counts apart (`child`: the route's
 * method and path before the key), as with the plugin's in-memory store. The table is unlogged (migration 0046);
 * `purgeRateLimits` deletes the rows of ended windows (the hourly jobs purge).
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';

type Counted = { current: number; ttl: number };
type Callback = (err: Error | null, result?: Counted) => void;
/** A route as `child` reads it: its method(s) and path. */
type RouteInfo = { method?: string | string[]; url?: string };

/** Keys longer than this are cut (a key is a route and an address or an account id: far shorter). */
const MAX_KEY = 512;

/**
 * Counts one request against `key`'s window of `windowMs` (starting a new window when the last one has ended):
 * the requests of the window so far, this one included, and the milliseconds until it ends. The store below and
 * the limits a module keeps itself (a declaration partner's requests per minute) count with it.
 */
export async function countRequest(db: Kysely<DB>, key: string, windowMs: number): Promise<Counted> {
  // one instant for the whole statement (statement_timestamp): the window's end is compared, renewed and reported
  // against the same moment
  const k = key.slice(0, MAX_KEY);
  const ms = Math.max(1, Math.trunc(windowMs));
  const { rows } = await sql<{ hits: number; ttl: number }>`
    insert into rate_limit_hits as r (key, hits, window_ends)
    values (${k}, 1, statement_timestamp() + ${ms} * interval '1 millisecond')
    on conflict (key) do update
      set hits = case when r.window_ends <= statement_timestamp() then 1 else r.hits + 1 end,
          window_ends = case when r.window_ends <= statement_timestamp() then excluded.window_ends else r.window_ends end
    returning r.hits, greatest(0, ceil(extract(epoch from r.window_ends - statement_timestamp()) * 1000))::float8 as ttl`.execute(
    db,
  );
  const row = rows[0];
  if (!row) throw new Error('rate_limit_hits answered nothing');
  return { current: Number(row.hits), ttl: Number(row.ttl) };
}

/** The store class the plugin instantiates (`store` option), counting in `db`. */
export function databaseRateLimitStore(db: Kysely<DB>) {
  return class DatabaseRateLimitStore {
    readonly #prefix: string;

    /** the plugin calls `new Store(globalParams)`; `child` passes the route's prefix */
    constructor(_params?: unknown, prefix = '') {
      this.#prefix = prefix;
    }

    incr(key: string, cb: Callback, timeWindow: number): void {
      countRequest(db, `${this.#prefix}${key}`, timeWindow).then(
        (counted) => cb(null, counted),
        (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
      );
    }

    /**
     * The store of one route. The plugin (11.x) passes the route's merged limit options with the route under
     * `routeInfo` (its typings say the route's options themselves: both are read).
     */
    child(options: object): DatabaseRateLimitStore {
      const given = options as RouteInfo & { routeInfo?: RouteInfo };
      const info = given.routeInfo ?? given;
      const method = info.method;
      const route = `${Array.isArray(method) ? method.join(',') : (method ?? '')} ${info.url ?? ''}`;
      return new DatabaseRateLimitStore(undefined, `${this.#prefix}${route}|`);
    }
  };
}

/** Deletes the counters whose window has ended (nothing counts them any more); answers how many went. */
export async function purgeRateLimits(db: Kysely<DB>, now: Date = new Date()): Promise<number> {
  const gone = await db.deleteFrom('rate_limit_hits').where('window_ends', '<', now).executeTakeFirst();
  return Number(gone.numDeletedRows);
}
