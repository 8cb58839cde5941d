/**
 * Catches the outer `db` used inside one of its own transactions.
 *
 * Code in `db.transaction().execute(async (trx) => …)` must run every query on `trx`. A query on the outer `db` (or
 * a second `db.transaction()`) asks the driver for another connection while this transaction holds one: on PGlite,
 * whose single connection the transaction holds, that waits for itself for ever and every later request queues
 * behind it (a stale cache read on `db` inside a transaction once wedged an e2e server this way); on PostgreSQL it
 * takes a second pool connection, and under load two such transactions can hold the whole pool.
 *
 * With the guard on, the driver refuses such a request at once with {@link OuterDbInTransactionError}, naming the
 * mistake, so every test that takes the path fails on both databases instead of hanging (PGlite) or passing
 * (PostgreSQL). The guard needs an AsyncLocalStorage, which makes every promise of the process pay Node's async-hook
 * bookkeeping (a few per cent of the server's CPU on the write paths): it is on in development and tests, off in
 * production (`TRUYVET_DB_TRANSACTION_GUARD`). Production keeps the driver's acquire timeout (database.ts), which
 * turns the same mistake into one failed request instead of a wedged server.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  ConnectionBuilder,
  DatabaseConnection,
  Dialect,
  Driver,
  Kysely,
  TransactionBuilder,
  TransactionSettings,
} from 'kysely';

/** The outer database handle was used inside one of its own transactions (a programming error; see the file comment). */
export class OuterDbInTransactionError extends Error {
  constructor() {
    super(
      'the outer database handle was used inside one of its own transactions: run the query on the transaction ' +
        '(trx) — on PGlite this would wait for itself for ever',
    );
    this.name = 'OuterDbInTransactionError';
  }
}

let refused = 0;
let lastStack: string | undefined;
/**
 * How many connections the guard has refused in this process, and where the last one was asked for (test harnesses
 * check it: a job may swallow the error).
 */
export function guardRefusals(): { count: number; lastStack: string | undefined } {
  return { count: refused, lastStack };
}

/** Whether the code running now is inside a transaction's (or a held connection's) callback. */
const holding = new AsyncLocalStorage<{ open: boolean }>();

/**
 * Runs `fn` marked as holding a connection. The mark ends with `fn`: work `fn` started that outlives it (a job kicked
 * after commit) inherits the store but finds it closed, and may use `db` as it likes.
 */
async function whileHolding<T>(fn: () => Promise<T>): Promise<T> {
  const mark = { open: true };
  try {
    return await holding.run(mark, fn);
  } finally {
    mark.open = false;
  }
}

/**
 * Runs `fn` outside any transaction's mark: for a background loop that a caller inside a transaction may start but
 * that serves everyone and waits its turn for a connection (the audit's group commit), so it is not refused as that
 * transaction's own work. Free when the guard is off (the storage is never enabled then).
 */
export function detached<T>(fn: () => T): T {
  return holding.exit(fn);
}

function guardedBuilder<DB>(builder: TransactionBuilder<DB>): TransactionBuilder<DB> {
  const execute = builder.execute.bind(builder);
  const setAccessMode = builder.setAccessMode.bind(builder);
  const setIsolationLevel = builder.setIsolationLevel.bind(builder);
  return Object.assign(builder, {
    execute: <T>(callback: Parameters<TransactionBuilder<DB>['execute']>[0]) =>
      execute((trx) => whileHolding(() => callback(trx) as Promise<T>)) as Promise<T>,
    setAccessMode: (mode: Parameters<TransactionBuilder<DB>['setAccessMode']>[0]) =>
      guardedBuilder(setAccessMode(mode)),
    setIsolationLevel: (level: Parameters<TransactionBuilder<DB>['setIsolationLevel']>[0]) =>
      guardedBuilder(setIsolationLevel(level)),
  });
}

/** Marks the callbacks of `db.transaction()` and `db.connection()` so a guarded driver can tell them apart. */
export function guardTransactions<DB>(db: Kysely<DB>): Kysely<DB> {
  const transaction = db.transaction.bind(db);
  const connection = db.connection.bind(db);
  return Object.assign(db, {
    transaction: () => guardedBuilder(transaction()),
    connection: (): ConnectionBuilder<DB> => {
      const builder = connection();
      const execute = builder.execute.bind(builder);
      return Object.assign(builder, {
        execute: <T>(callback: Parameters<ConnectionBuilder<DB>['execute']>[0]) =>
          execute((conn) => whileHolding(() => callback(conn) as Promise<T>)) as Promise<T>,
      });
    },
  });
}

class GuardedDriver implements Driver {
  constructor(private readonly inner: Driver) {}
  init(): Promise<void> {
    return this.inner.init();
  }
  acquireConnection(): Promise<DatabaseConnection> {
    if (holding.getStore()?.open) {
      refused++;
      const error = new OuterDbInTransactionError();
      lastStack = error.stack;
      return Promise.reject(error);
    }
    return this.inner.acquireConnection();
  }
  beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(conn, settings);
  }
  commitTransaction(conn: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(conn);
  }
  rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(conn);
  }
  releaseConnection(conn: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(conn);
  }
  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** `dialect` whose driver refuses a connection to code inside a marked callback ({@link guardTransactions}). */
export function guardDialect(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new GuardedDriver(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
