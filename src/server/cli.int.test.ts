/**
 * The `truyvet` CLI on an embedded (PGlite) data directory: migrate, users add, audit verify — and verify
 * fails with exit code 1 after a row was altered in the database; audit head, verify --head (a truncated tail) and
 * who-viewed; seed-demo's province with its ongoing outbreak, the same on every run.
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
  /** the child's time limit: the demo seed (now with declarations and vaccination) takes minutes on a loaded machine */
  timeout = 150_000,
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
    execFile(process.execPath, [BIN, ...args], { env, cwd: ROOT, timeout }, (err, stdout, stderr) => {
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

describe('truyvet seed-demo', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** The outbreak a --people 300 province gets, read from its database. */
  async function outbreakOf(dir: string) {
    return withPglite(async (db) => {
      const q = async <T>(text: string) => (await db.query<T>(text)).rows;
      return {
        cases: await q<{ display_code: string; person_id: string; source: string | null; status: string }>(
          `select c.display_code, c.person_id, s.display_code as source, c.status
             from cases c left join cases s on s.id = c.source_case_id order by c.display_code`,
        ),
        // per case: people traced as F1 and F2 (confirmed evidence), and the quarantine orders it gave
        perCase: await q<{ display_code: string; f1: number; f2: number; orders: number }>(
          `select c.display_code,
                  (select count(distinct k.person_id)::int from contacts k
                    where k.case_id = c.id and k.degree = 1 and k.confirmation = 'confirmed') as f1,
                  (select count(distinct k.person_id)::int from contacts k
                    where k.case_id = c.id and k.degree = 2 and k.confirmation = 'confirmed') as f2,
                  (select count(*)::int from quarantine_orders o where o.case_id = c.id) as orders
             from cases c order by c.display_code`,
        ),
        notices: (await q<{ n: number }>('select count(*)::int as n from exposure_notices'))[0]?.n ?? 0,
        sms: (await q<{ n: number }>(`select count(*)::int as n from jobs where topic = 'notify.send'`))[0]?.n ?? 0,
        alerts: (
          await q<{ n: number }>(`select count(*)::int as n from audit_log where action = 'cases.venueAlert'`)
        )[0]?.n,
      };
    }, dir);
  }

  it('seeds an ongoing outbreak at --people 300: ≥ 10 cases traced through the cases module, the same on every run', async () => {
    // two runs side by side, each in its own data directory
    const [first, second] = await Promise.all(
      [0, 1].map(async () => {
        const dir = mkdtempSync(join(tmpdir(), 'truyvet-cli-seed-'));
        dirs.push(dir);
        const seeded = await cli(['seed-demo', '--people', '300'], {}, dir, 540_000);
        expect(seeded.code, seeded.stderr).toBe(0);
        expect(seeded.stdout).toMatch(/Demo outbreak: \d+ cases/);
        return outbreakOf(dir);
      }),
    );
    if (!first || !second) throw new Error('two runs expected');

    expect(first.cases.length).toBeGreaterThanOrEqual(10);
    expect(first.cases.every((c) => /^BN75-\d{6}$/.test(c.display_code))).toBe(true);
    // most cases are F1 of an earlier case: the chain graph has clusters
    expect(first.cases.filter((c) => c.source !== null).length).toBeGreaterThanOrEqual(first.cases.length / 2);
    // traced for real: ≥ 10 cases with F1 contacts under quarantine orders, F2 found, everyone told
    const traced = first.perCase.filter((c) => c.f1 > 0 && c.orders > 0);
    expect(traced.length, JSON.stringify(first.perCase)).toBeGreaterThanOrEqual(10);
    expect(first.perCase.some((c) => c.f2 > 0)).toBe(true);
    expect(first.notices).toBeGreaterThan(first.cases.length);
    expect(first.sms).toBeGreaterThan(0);
    expect(first.alerts).toBe(1);
    expect(new Set(first.cases.map((c) => c.status)).size).toBeGreaterThan(1);

    // deterministic: the same people fall ill, in the same order and chains
    expect(second.cases).toEqual(first.cases);
  }, 600_000);
});
