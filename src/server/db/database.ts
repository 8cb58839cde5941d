/**
 * Opens the database: embedded PGlite (persisted under the data directory, or in memory for tests) when no
 * DATABASE_URL is given, a pg pool otherwise. Both expose the same Kysely<DB>, so every query and migration
 * runs unchanged on either.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.ts';
import type { DB } from './types.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  kind: DatabaseKind;
  close(): Promise<void>;
}

const INT8 = 20;
const DATE = 1082;

// bigint counters and ids stay below 2^53; dates stay 'YYYY-MM-DD' strings (no time-zone shift).
pg.types.setTypeParser(INT8, (v) => Number(v));
pg.types.setTypeParser(DATE, (v) => v);

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** PGlite directory; undefined means in memory. */
  pgliteDir?: string | undefined;
  poolSize?: number;
}

/** Opens a database connection as described by the options. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 20 });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  if (options.pgliteDir) mkdirSync(options.pgliteDir, { recursive: true });
  const lite = await PGlite.create(options.pgliteDir, {
    parsers: { [pgliteTypes.INT8]: (v: string) => Number(v), [DATE]: (v: string) => v },
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(lite) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

/** Where `truyvet` keeps its embedded database inside the data directory. */
export function pgliteDirFor(dataDir: string): string {
  return join(dataDir, 'pglite');
}
