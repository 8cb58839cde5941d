/**
 * The `truyvet` CLI on an embedded (PGlite) data directory: migrate, users add, audit verify — and verify
 * fails with exit code 1 after a row was altered in the database; audit head, verify --head (a truncated tail) and
 * who-viewed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, makeNationalId, staffToken, type TestEnv, UNITS, unitsCsv } from '../../test/harness.ts';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './platform/logger.ts';
import { closeRuntime, openRuntime } from './runtime.ts';

const BIN = fileURLToPath(new URL('../../bin/truyvet-dev.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dataDir: string;

function cli(
  args: string[],
  extraEnv: Record<string, string> = {},
  dir = dataDir,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    TRUYVET_DATA_DIR: dir,
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

async function withPglite<T>(fn: (db: PGlite) => Promise<T>, dir = dataDir): Promise<T> {
  const db = await PGlite.create(join(dir, 'pglite'));
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

describe('truyvet audit head / verify --head / who-viewed', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'truyvet-cli-audit-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints who viewed a person (Asia/Ho_Chi_Minh time, username, action, route); a cut-off tail fails verify --head', async () => {
    // a clerk registers a person and finds them by search, through the real app on this data directory
    const cfg = loadConfig({ NODE_ENV: 'test', TRUYVET_DATA_DIR: dir, TRUYVET_LOG_LEVEL: 'silent' });
    const ctx = await openRuntime(cfg, createLogger(cfg));
    let personId: string;
    try {
      await ctx.services.adminUnits.importCsv(unitsCsv(['75']));
      const app = await buildApp(ctx);
      const clerk = await staffToken({ app, ctx } as TestEnv, 'health_worker', UNITS.bienHoa, 'clerk.cli');
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/people',
        headers: bearer(clerk.token),
        payload: { nationalId: makeNationalId(), name: 'Người Được Tìm', unitCode: UNITS.bienHoaCommune },
      });
      expect(created.statusCode, created.body).toBe(201);
      personId = created.json().id;
      const found = await app.inject({
        method: 'GET',
        url: `/api/v1/people?q=${encodeURIComponent('Được Tìm')}`,
        headers: bearer(clerk.token),
      });
      expect(found.json()).toHaveLength(1);
      await app.close();
    } finally {
      await closeRuntime(ctx);
    }

    const viewed = await cli(['audit', 'who-viewed', personId], {}, dir);
    expect(viewed.code, viewed.stderr).toBe(0);
    const lines = viewed.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+07:00 {2}clerk\.cli {2}people\.search {2}GET \/api\/v1\/people$/,
    );
    expect(lines[1]).toMatch(/ \+07:00 {2}clerk\.cli {2}people\.create {2}POST \/api\/v1\/people$/);
    expect((await cli(['audit', 'who-viewed', 'not-a-person'], {}, dir)).code).toBe(2);

    const head = await cli(['audit', 'head'], {}, dir);
    expect(head.code, head.stderr).toBe(0);
    const match = /^(\d+) ([0-9a-f]{64})$/.exec(head.stdout.trim());
    expect(match, head.stdout).not.toBeNull();
    const [, headId, headHash] = match as RegExpExecArray;
    const reached = await cli(['audit', 'verify', '--head', headHash as string], {}, dir);
    expect(reached.code, reached.stderr).toBe(0);
    expect(reached.stdout).toContain('head reached');
    expect((await cli(['audit', 'verify', '--head', 'abc'], {}, dir)).code).toBe(2);

    // the newest rows (the recorded head among them) are deleted by someone with the database's superuser
    await withPglite(async (db) => {
      await db.exec('alter table audit_log disable trigger audit_log_no_update');
      await db.query('delete from audit_log where id >= $1', [Number(headId)]);
      await db.exec('alter table audit_log enable trigger audit_log_no_update');
    }, dir);
    const chainOnly = await cli(['audit', 'verify'], {}, dir);
    expect(chainOnly.code, chainOnly.stderr).toBe(0);
    const cut = await cli(['audit', 'verify', '--head', headHash as string], {}, dir);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain('TRUNCATED');
    expect(cut.stderr).toContain(headHash);
  }, 420_000);
});
