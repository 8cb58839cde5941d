/**
 * Shared benchmark plumbing: start the real server as a child process on a fresh database (PGlite in a temp
 * dir, or a new PostgreSQL database), sign in, and run autocannon against it. The load generator runs in this
 * process, the server in its own, as in production (both share the machine's cores — so does the baseline).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

export interface BenchServer {
  url: string;
  kind: 'pglite' | 'postgres';
  adminPassword: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Starts `truyvet start` (migrate + demo seed + serve) on a fresh database. */
export async function startServer(kind: 'pglite' | 'postgres', pgBaseUrl?: string, extraEnv: Record<string, string> = {}): Promise<BenchServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'truyvet-bench-'));
  const adminPassword = randomBytes(12).toString('base64url');
  let dbName: string | undefined;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    TRUYVET_DATA_DIR: dataDir,
    TRUYVET_ADMIN_PASSWORD: adminPassword,
    TRUYVET_LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    TRUYVET_NOTIFY: 'fake',
    HOST: '127.0.0.1',
    PORT: String(port),
    TRUYVET_AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    ...extraEnv,
  };
  delete env.DATABASE_URL;
  if (kind === 'postgres') {
    if (!pgBaseUrl) throw new Error('postgres benchmark needs a base URL');
    dbName = `tv_bench_${randomBytes(5).toString('hex')}`;
    const c = new pg.Client({ connectionString: pgBaseUrl });
    await c.connect();
    await c.query(`create database ${dbName}`);
    await c.end();
    const u = new URL(pgBaseUrl);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.toString();
  }
  const child: ChildProcess = spawn(process.execPath, ['bin/truyvet.js', 'start'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout?.resume();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server did not become ready in 180 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    kind,
    adminPassword,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
      if (dbName && pgBaseUrl) {
        const c = new pg.Client({ connectionString: pgBaseUrl });
        await c.connect();
        await c.query(`drop database if exists ${dbName} with (force)`);
        await c.end();
      }
    },
  };
}

/** JSON request helper that throws on a non-2xx answer. */
export async function api<T>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface LoadResult {
  label: string;
  requestsPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Runs autocannon for `seconds` with `connections` against one request shape. */
export async function load(label: string, opts: autocannon.Options): Promise<LoadResult> {
  const result = await autocannon({ duration: 10, connections: 50, ...opts });
  return {
    label,
    requestsPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

export function printTable(rows: LoadResult[]): void {
  console.log(`${'scenario'.padEnd(48)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)}`);
  for (const r of rows) {
    console.log(
      `${r.label.padEnd(48)} ${r.requestsPerSec.toFixed(0).padStart(9)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.non2xx + r.errors).padStart(8)}`,
    );
  }
}
