/**
 * Opens the database: embedded PGlite (persisted under the data directory, or in memory for tests) when no
 * DATABASE_URL is given, a pg pool otherwise. Both expose the same Kysely<DB>, so every query and migration
 * runs unchanged on either.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { type Dialect, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.ts';
import { guardDialect, guardTransactions } from './transaction-guard.ts';
import type { DB } from './types.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  kind: DatabaseKind;
  close(): Promise<void>;
  /** PGlite only: the whole cluster as a tarball, for `OpenOptions.loadDataDir` (the tests' migrated template) */
  dumpDataDir?: () => Promise<Blob>;
}

const INT8 = 20;
const DATE = 1082;

// bigint counters and ids stay below 2^53; dates stay 'YYYY-MM-DD' strings (no time-zone shift).
pg.types.setTypeParser(INT8, (v) => Number(v));
pg.types.setTypeParser(DATE, (v) => v);

/**
 * A pg pool whose clients run parameterized queries as named (server-side prepared) statements, so PostgreSQL parses
 * and plans each distinct statement once per connection instead of on every call. Distinct texts are capped (queries
 * with variable-length IN lists produce many texts); beyond the cap they run unnamed as before.
 * PgBouncer in transaction mode needs its prepared-statement support (1.21+) or TRUYVET_DB_PREPARED=false.
 */
function preparingPool(pool: pg.Pool, maxStatements = 2000) {
  const names = new Map<string, string>();
  const patched = new WeakSet<pg.PoolClient>();
  const nameFor = (text: string): string | undefined => {
    let name = names.get(text);
    if (!name && names.size < maxStatements && text.length < 10_000) {
      name = `tv${names.size.toString(36)}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    async connect() {
      const client = await pool.connect();
      if (!patched.has(client)) {
        patched.add(client);
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (
          text: unknown,
          values?: unknown,
        ) => {
          if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
            const name = nameFor(text);
            if (name) return query({ name, text, values });
          }
          return values === undefined ? query(text) : query(text, values);
        };
      }
      return client;
    },
    end: () => pool.end(),
  };
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** PGlite directory; undefined means in memory. */
  pgliteDir?: string | undefined;
  /** PGlite: start from this cluster (a `dumpDataDir` tarball) instead of an empty one */
  loadDataDir?: Blob | undefined;
  poolSize?: number;
  /** named prepared statements on PostgreSQL (default true) */
  prepared?: boolean;
  /** Told about each lost PostgreSQL connection (the pool has already dropped it and will open a new one). */
  onConnectionError?: (err: Error) => void;
  /**
   * Refuse the outer `db` inside one of its own transactions at once (transaction-guard.ts; default true). Costs
   * every promise of the process a little, so production turns it off (config `dbTransactionGuard`).
   */
  transactionGuard?: boolean;
}

/** How long a request waits for a connection (a new one, or a free one of a busy pool) before 503. */
const CONNECT_TIMEOUT_MS = 10_000;

const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, a fast or smart shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
  '53300', // too_many_connections
]);
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Cannot use a pool after calling end on the pool',
];

/**
 * True when an error means the database cannot be reached right now (connection lost, refused, timed out, server
 * shutting down or restarting), not that the query was wrong: the request may be retried once the database is back.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
    if (typeof code === 'string' && UNAVAILABLE_NODE_CODES.has(code)) return true;
    if (UNAVAILABLE_MESSAGES.some((m) => e instanceof Error && e.message.startsWith(m))) return true;
  }
  return false;
}

/**
 * How long a query waits for PGlite's one connection before it fails: longer than a pool's wait, since every request
 * queues for the same connection, and short enough that a transaction waiting for itself ends (transaction-guard.ts).
 */
const PGLITE_ACQUIRE_TIMEOUT_MS = 30_000;

function guarded(dialect: Dialect, options: OpenOptions): Kysely<DB> {
  if (options.transactionGuard === false) return new Kysely<DB>({ dialect });
  return guardTransactions(new Kysely<DB>({ dialect: guardDialect(dialect) }));
}

/** Opens a database connection as described by the options. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const raw = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 20,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // notices a peer that vanished without closing (a failover, a dropped network) instead of waiting forever
      keepAlive: true,
    });
    // A connection that dies (PostgreSQL restarted, failed over, pg_terminate_backend) makes its client emit 'error':
    // the pool's, when idle, and the client's own while checked out. Unheard, either event would end the process;
    // heard, the in-flight queries fail (→ 503 at the edge), the pool drops the client and connects anew next time.
    // The pool re-emits an idle client's error, which the client's own listener has already reported.
    raw.on('error', () => {});
    raw.on('connect', (client) => client.on('error', (err) => options.onConnectionError?.(err)));
    const pool = options.prepared === false ? raw : (preparingPool(raw) as unknown as pg.Pool);
    const db = guarded(new PostgresDialect({ pool }), options);
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  if (options.pgliteDir) mkdirSync(options.pgliteDir, { recursive: true });
  const lite = await PGlite.create(options.pgliteDir, {
    parsers: { [pgliteTypes.INT8]: (v: string) => Number(v), [DATE]: (v: string) => v },
    // trigram indexes serve the `like '%…%'` searches of long lists (migration 0024), as on PostgreSQL
    extensions: { pg_trgm },
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  // a request waits for the single connection as long as a pg pool lets it wait for a free one, then fails (503)
  const db = guarded(new PGliteDialect(lite, PGLITE_ACQUIRE_TIMEOUT_MS), options);
  return { db, kind: 'pglite', close: () => db.destroy(), dumpDataDir: () => lite.dumpDataDir('none') };
}

/** Where `truyvet` keeps its embedded database inside the data directory. */
export function pgliteDirFor(dataDir: string): string {
  return join(dataDir, 'pglite');
}
