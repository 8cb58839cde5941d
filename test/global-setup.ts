/**
 * Once per server-test run (vitest.config.ts `globalSetup`): on PGlite, a cluster with every migration applied,
 * dumped to a temporary file that each test file's `createTestEnv` starts from — loading it takes ~0.3 s where an
 * empty cluster (initdb) and the migrations take ~1.5 s, for each of the ~60 test databases of a run. The template
 * is the product's own migrations run by the product's own code on an empty database, as each file ran them before (a
 * migration that fails fails this setup, and so the run); a test that needs an empty database opens one itself
 * (db/evidence-backfill). On PostgreSQL (TEST_DATABASE_URL) there is nothing to do: each file creates and migrates its
 * own database there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/server/db/database.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the migrated PGlite cluster's tarball (`createTestEnv` loads it), when the run is on PGlite */
    pgliteTemplate: string | undefined;
  }
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('pgliteTemplate', undefined);
    return undefined;
  }
  const database = await openDatabase({});
  try {
    await migrateToLatest(database.db);
    const dump = await database.dumpDataDir?.();
    if (!dump) throw new Error('the PGlite database gave no dump');
    const dir = mkdtempSync(join(tmpdir(), 'truyvet-test-template-'));
    const file = join(dir, 'pglite.tar');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    project.provide('pgliteTemplate', file);
    return () => rmSync(dir, { recursive: true, force: true });
  } finally {
    await database.close();
  }
}
