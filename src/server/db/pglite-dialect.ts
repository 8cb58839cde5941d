/**
 * Kysely dialect for embedded PGlite (PostgreSQL compiled to WASM).
 * PGlite is a single connection, so the driver hands it out to one user at a time: a transaction owns it
 * until commit/rollback. Code inside a transaction must use the transaction object, never the outer `db`,
 * or it would wait for itself (the same rule that keeps pg pools healthy).
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pg: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // Parameterless SQL may hold several statements (migrations); only the simple protocol (exec) allows that.
    const result =
      compiled.parameters.length === 0
        ? ((await this.pg.exec(compiled.sql)).at(-1) ?? { rows: [], affectedRows: 0 })
        : await this.pg.query<R>(compiled.sql, compiled.parameters as unknown[]);
    const affected = result.affectedRows;
    return {
      rows: result.rows as R[],
      ...(affected !== undefined && affected !== null ? { numAffectedRows: BigInt(affected) } : {}),
    };
  }

  // biome-ignore lint/correctness/useYield: streaming is not supported on PGlite; the method must exist.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streamQuery is not supported on PGlite');
  }
}

/** A request that waited this long for the connection fails (503 at the edge), as a pg pool's `connectionTimeoutMillis`. */
export class PGliteAcquireTimeoutError extends Error {
  constructor(ms: number) {
    super(`timeout exceeded when trying to connect: PGlite's connection stayed busy for ${ms} ms`);
    this.name = 'PGliteAcquireTimeoutError';
  }
}

class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly pg: PGlite,
    private readonly acquireTimeoutMs: number,
  ) {
    this.connection = new PGliteConnection(pg);
  }

  async init(): Promise<void> {
    await this.pg.waitReady;
  }

  /** Resolves when the current holder releases; callers queue behind each other in arrival order. */
  private release: (() => void) | undefined;

  /**
   * Waits for its turn, at most `acquireTimeoutMs`. A waiter that gives up keeps its place in the queue and passes the
   * connection on the moment its turn comes, so the order of the others holds. The timeout is also what ends a
   * transaction that asked for a connection of its own (the outer `db` used inside it, see transaction-guard.ts):
   * that request fails, the transaction rolls back and releases, instead of the server waiting for ever.
   */
  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const next = new Promise<void>((r) => {
      release = r;
    });
    const previous = this.queue;
    this.queue = previous.then(() => next);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.acquireTimeoutMs);
      timer.unref();
    });
    const outcome = await Promise.race([previous, gaveUp]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      void previous.then(release);
      throw new PGliteAcquireTimeoutError(this.acquireTimeoutMs);
    }
    this.release = release;
    return this.connection;
  }

  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery({ sql: 'begin', parameters: [], query: { kind: 'RawNode' } } as unknown as CompiledQuery);
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery({ sql: 'commit', parameters: [], query: { kind: 'RawNode' } } as unknown as CompiledQuery);
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery({
      sql: 'rollback',
      parameters: [],
      query: { kind: 'RawNode' },
    } as unknown as CompiledQuery);
  }

  async releaseConnection(): Promise<void> {
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    await this.pg.close();
  }
}

export class PGliteDialect implements Dialect {
  /** `acquireTimeoutMs`: how long a query or transaction waits for the single connection before it fails. */
  constructor(
    private readonly pg: PGlite,
    private readonly acquireTimeoutMs: number,
  ) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pg, this.acquireTimeoutMs);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's introspector accepts any database schema.
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
}
