/**
 * Runs the real `truyvet` server as a child process on a fresh database (PGlite in a temp dir, or a new PostgreSQL
 * database), for benchmarks and crash tests. It can be killed hard (SIGKILL) and restarted on the same data.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface ServerData {
  kind: 'pglite' | 'postgres';
  dataDir: string;
  /** set for postgres */
  databaseUrl?: string;
  adminPassword: string;
  drop(): Promise<void>;
}

export interface RunningServer {
  url: string;
  data: ServerData;
  /** the server's process id (benchmarks read its CPU time) */
  pid: number;
  /** graceful stop (SIGTERM) */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown hooks, no flushing */
  kill9(): Promise<void>;
  /** false once the process has exited (for whatever reason) */
  alive(): boolean;
  /** the last few kilobytes the process wrote to stdout and stderr */
  output(): string;
}

export async function freePort(): Promise<number> {
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

/** A fresh, empty place for a server's data. */
export async function freshData(kind: 'pglite' | 'postgres', pgBaseUrl?: string): Promise<ServerData> {
  const dataDir = mkdtempSync(join(tmpdir(), 'truyvet-proc-'));
  const adminPassword = randomBytes(12).toString('base64url');
  if (kind === 'pglite') {
    return { kind, dataDir, adminPassword, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  if (!pgBaseUrl) throw new Error('a PostgreSQL base URL is needed');
  const name = `tv_proc_${randomBytes(5).toString('hex')}`;
  const c = new pg.Client({ connectionString: pgBaseUrl });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  const u = new URL(pgBaseUrl);
  u.pathname = `/${name}`;
  return {
    kind,
    dataDir,
    databaseUrl: u.toString(),
    adminPassword,
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      const d = new pg.Client({ connectionString: pgBaseUrl });
      await d.connect();
      await d.query(`drop database if exists ${name} with (force)`);
      await d.end();
    },
  };
}

/**
 * Starts `truyvet start` (migrate, seed the demo if empty, serve) on the given data and waits for /readyz. `entry`:
 * `sources` runs the TypeScript in the checkout through tsx (bin/truyvet-dev.js: the server test suites, so they test
 * the code as it is); `build` runs the compiled dist/server as production does (bin/truyvet.js: the benchmarks, which
 * must measure what ships — tsx's transform costs a declaration ~15 % more server CPU, bench/README session 23).
 */
export async function startServer(
  data: ServerData,
  extraEnv: Record<string, string> = {},
  /** api = no background-job worker in this process (jobs stay queued) */
  role: 'all' | 'api' = 'all',
  /** `start` seeds the demo province into a database without it; `serve` never seeds (a data set of its own) */
  command: 'start' | 'serve' = 'start',
  entry: 'sources' | 'build' = 'sources',
): Promise<RunningServer> {
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    TRUYVET_DATA_DIR: data.dataDir,
    TRUYVET_ADMIN_PASSWORD: data.adminPassword,
    TRUYVET_LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    // production refuses the fake notifier: there, messages go to a port where nothing listens (their jobs retry);
    // and it refuses to keep the green pass signing key unencrypted, or to hash one-time codes without a secret
    ...(extraEnv.NODE_ENV === 'production'
      ? {
          TRUYVET_NOTIFY: 'webhook',
          TRUYVET_NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/notify',
          TRUYVET_GREENPASS_KEY_SECRET: 'test-only green pass key secret',
          TRUYVET_OTP_SECRET: 'test-only one-time code secret, 32+ characters',
        }
      : { TRUYVET_NOTIFY: 'fake' }),
    HOST: '127.0.0.1',
    PORT: String(port),
    TRUYVET_AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    ...extraEnv,
  };
  delete env.DATABASE_URL;
  if (data.databaseUrl) env.DATABASE_URL = data.databaseUrl;
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server under a benchmark's load
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, entry === 'build' ? 'bin/truyvet.js' : 'bin/truyvet-dev.js', command, '--role', role],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (b: Buffer) => {
    output = (output + b.toString()).slice(-16_000);
  });
  child.stderr?.on('data', (b: Buffer) => {
    output = (output + b.toString()).slice(-16_000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready in 180 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const exited = new Promise((r) => child.once('exit', r));
  return {
    url,
    data,
    pid: child.pid as number,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    alive: () => child.exitCode === null && child.signalCode === null,
    output: () => output,
  };
}

/** JSON request helper that throws on a non-2xx answer. */
export async function api<T>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Signs a citizen in through OTP (the dev code in the 202 answer: servers here run with the fake SMS adapter). */
export async function citizenLogin(base: string, phone: string): Promise<{ token: string; personId: string }> {
  const otp = await api<{ devCode?: string }>(base, 'POST', '/api/v1/auth/citizen/otp', { phone });
  if (!otp.devCode) throw new Error('no devCode: the server must run with TRUYVET_NOTIFY=fake outside production');
  const res = await api<{ token: string; person: { personId: string } }>(base, 'POST', '/api/v1/auth/citizen/verify', {
    phone,
    code: otp.devCode,
  });
  return { token: res.token, personId: res.person.personId };
}
