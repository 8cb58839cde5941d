/**
 * The `truyvet` CLI on an embedded (PGlite) data directory: migrate, users add, audit verify — and verify
 * fails with exit code 1 after a row was altered in the database.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/truyvet.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dataDir: string;

function cli(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    TRUYVET_DATA_DIR: dataDir,
    TRUYVET_LOG_LEVEL: 'silent',
    ...extraEnv,
  };
  delete env.DATABASE_URL;
  delete env.TRUYVET_ADMIN_PASSWORD;
  delete env.TRUYVET_NEW_USER_PASSWORD;
  Object.assign(env, extraEnv);
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd: ROOT, timeout: 150_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function withPglite<T>(fn: (db: PGlite) => Promise<T>): Promise<T> {
  const db = await PGlite.create(join(dataDir, 'pglite'));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'truyvet-cli-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('truyvet CLI on PGlite', () => {
  it('migrate creates the database; users add records an audited account; audit verify passes, then fails after tampering', async () => {
    const migrated = await cli(['migrate']);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toContain('up to date');

    const added = await cli(['users', 'add', '--username', 'clitracer', '--role', 'tracer'], {
      TRUYVET_NEW_USER_PASSWORD: 'a-long-cli-password',
    });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('created clitracer');
    expect(added.stdout).not.toContain('a-long-cli-password');
    const ok = await cli(['audit', 'verify']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/audit log OK: 1 rows verified/);

    await withPglite(async (db) => {
      const { rows } = await db.query<{ id: number }>('select id from audit_log order by id limit 1');
      await db.exec('alter table audit_log disable trigger audit_log_no_update');
      await db.query(`update audit_log set action = 'x' where id = $1`, [rows[0]?.id]);
      await db.exec('alter table audit_log enable trigger audit_log_no_update');
    });

    const broken = await cli(['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('BROKEN');
    expect(broken.stderr).toMatch(/row 1\b/);
  }, 420_000);

  it('rejects invalid configuration with every problem listed (exit 2)', async () => {
    const res = await cli(['migrate'], { PORT: 'x', TRUYVET_NOTIFY: 'pigeon' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('PORT');
    expect(res.stderr).toContain('TRUYVET_NOTIFY');
  });
});
