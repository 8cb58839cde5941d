/**
 * The outer `db` inside one of its own transactions: the guard refuses it at once on both databases (PGlite would
 * otherwise wait for itself for ever, PostgreSQL would quietly take a second connection), the transaction rolls back
 * and the database serves the next request; work started inside a transaction that runs after it may use `db`.
 * Without the guard (production), PGlite's waiter gives up after its acquire timeout, keeping the queue's order.
 */
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './database.ts';
import { PGliteAcquireTimeoutError, PGliteDialect } from './pglite-dialect.ts';
import { OuterDbInTransactionError } from './transaction-guard.ts';
import type { DB } from './types.ts';

const one = async (db: Kysely<DB>) => (await sql<{ n: number }>`select 1 as n`.execute(db)).rows[0]?.n;

describe(`the transaction guard (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let database: Database;
  beforeAll(async () => {
    // plain `select`s only: the run's PostgreSQL server as it is, or an empty PGlite in memory
    database = await openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL || undefined, poolSize: 3 });
  });
  afterAll(() => database.close());

  it('refuses the outer db inside a transaction at once, rolls the transaction back, and serves the next query', async () => {
    const { db } = database;
    const started = Date.now();
    const attempt = db.transaction().execute(async (trx) => {
      await sql`select pg_sleep(0)`.execute(trx);
      return one(db); // the mistake
    });
    await expect(attempt).rejects.toBeInstanceOf(OuterDbInTransactionError);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await one(db)).toBe(1);
  });

  it('refuses a second transaction opened inside the first, and db.connection() callbacks alike', async () => {
    const { db } = database;
    await expect(
      db.transaction().execute(async () => db.transaction().execute(async (inner) => one(inner))),
    ).rejects.toBeInstanceOf(OuterDbInTransactionError);
    await expect(db.connection().execute(async () => one(db))).rejects.toBeInstanceOf(OuterDbInTransactionError);
    // the settings' builders keep the guard
    await expect(
      db
        .transaction()
        .setIsolationLevel('serializable')
        .execute(async () => one(db)),
    ).rejects.toBeInstanceOf(OuterDbInTransactionError);
  });

  it('lets the transaction itself, and work it started that runs after it, use what they should', async () => {
    const { db } = database;
    let later: Promise<number | undefined> | undefined;
    const inTrx = await db.transaction().execute(async (trx) => {
      // a job kicked from inside the transaction, running once it has ended
      later = new Promise((resolve, reject) => setTimeout(() => one(db).then(resolve, reject), 50));
      return one(trx);
    });
    expect(inTrx).toBe(1);
    expect(await later).toBe(1);
    // concurrent transactions and queries outside any transaction are untouched
    const results = await Promise.all([
      db.transaction().execute((trx) => one(trx)),
      one(db),
      db.transaction().execute((trx) => one(trx)),
    ]);
    expect(results).toEqual([1, 1, 1]);
  });
});

describe("PGlite's acquire timeout (no guard, as in production)", () => {
  let lite: PGlite;
  let db: Kysely<DB>;
  beforeAll(async () => {
    lite = await PGlite.create();
    db = new Kysely<DB>({ dialect: new PGliteDialect(lite, 300) });
  });
  afterAll(() => db.destroy());

  it('ends a transaction that waits for itself: the inner query fails, the transaction rolls back, the next query runs', async () => {
    const started = Date.now();
    await expect(db.transaction().execute(async () => one(db))).rejects.toBeInstanceOf(PGliteAcquireTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(await one(db)).toBe(1);
  });

  it('a waiter that gives up passes its turn on: the ones behind it still run, in order', async () => {
    const order: string[] = [];
    let releaseFirst!: () => void;
    const held = new Promise<void>((r) => {
      releaseFirst = r;
    });
    const first = db.transaction().execute(async (trx) => {
      await held;
      order.push('first');
      return one(trx);
    });
    const second = one(db); // gives up after 300 ms
    await new Promise((r) => setTimeout(r, 10));
    const secondOutcome = second.then(
      () => 'ran',
      (e: unknown) => (e instanceof PGliteAcquireTimeoutError ? 'gave up' : String(e)),
    );
    expect(await secondOutcome).toBe('gave up');
    const third = one(db).then((n) => {
      order.push('third');
      return n;
    });
    releaseFirst();
    expect(await first).toBe(1);
    expect(await third).toBe(1);
    expect(order).toEqual(['first', 'third']);
  });
});
