/**
 * Benchmark plumbing: the real server runs as a child process (test/server-process.ts); autocannon drives it from
 * this process. Load generator and server share the machine's two cores — and so does the baseline in the same run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { api, type RunningServer, startServer as startTestServer } from '../test/server-process.ts';

export { api, citizenLogin, freshData, type RunningServer } from '../test/server-process.ts';

let built = false;
/**
 * Compiles the server (`npm run build:server`: src/server → dist/server) once per benchmark process, so the server a
 * benchmark starts is the checkout's code as production runs it. `BENCH_SERVER=sources` skips it and runs the
 * TypeScript through tsx instead (what the benchmarks did before session 23).
 */
function buildServerOnce() {
  if (built || process.env.BENCH_SERVER === 'sources') return;
  const t0 = performance.now();
  const r = spawnSync('npm', ['run', '--silent', 'build:server'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`npm run build:server failed (exit ${r.status ?? r.signal})`);
  console.log(`  server built for the benchmark (dist/server) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  built = true;
}

/**
 * `test/server-process.ts`'s server **as production runs it** (the compiled dist/server, built first: see
 * `buildServerOnce`), with the demo province seeded **without its outbreak** unless a benchmark asks for one
 * (`TRUYVET_DEMO_CASES`): the outbreak's messages and tracing jobs would otherwise run (and, under NODE_ENV=production
 * with its unreachable webhook, retry) in the background of every measurement, and differ between versions being
 * compared. The transaction guard is off, as in production: its AsyncLocalStorage costs every promise
 * (src/server/db/transaction-guard.ts), and a benchmark measures what production runs.
 */
export function startServer(
  data: Parameters<typeof startTestServer>[0],
  extraEnv: Record<string, string> = {},
  role: 'all' | 'api' = 'all',
  command: 'start' | 'serve' = 'start',
): ReturnType<typeof startTestServer> {
  buildServerOnce();
  return startTestServer(
    data,
    { TRUYVET_DEMO_CASES: '0', TRUYVET_DB_TRANSACTION_GUARD: 'false', ...extraEnv },
    role,
    command,
    process.env.BENCH_SERVER === 'sources' ? 'sources' : 'build',
  );
}

/** The password of the staff accounts benchmarks create (throw-away databases only). */
export const BENCH_STAFF_PASSWORD = 'bench-password-123';

/**
 * Signs in as `admin`, creates a staff account with one grant (an account kept from an earlier run is reused) and
 * returns that account's token: the acting user of a benchmark.
 */
export async function benchStaffToken(
  url: string,
  adminPassword: string,
  user: { username: string; role: string; unitCode: string },
): Promise<string> {
  const admin = await api<{ token: string }>(url, 'POST', '/api/v1/auth/staff/login', {
    username: 'admin',
    password: adminPassword,
  });
  await api(url, 'POST', '/api/v1/staff', { ...user, password: BENCH_STAFF_PASSWORD }, admin.token).catch(
    (err: Error) => {
      if (!err.message.includes('→ 409')) throw err;
    },
  );
  const staff = await api<{ token: string }>(url, 'POST', '/api/v1/auth/staff/login', {
    username: user.username,
    password: BENCH_STAFF_PASSWORD,
  });
  return staff.token;
}

export interface LoadResult {
  label: string;
  requestsPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
  /** CPU milliseconds per request of the server process and of the database backends, when measured */
  serverCpuMs?: number;
  dbCpuMs?: number;
  /** CPU milliseconds per request of the load generator (this process: autocannon, building the requests) */
  loadCpuMs?: number;
}

/** Runs autocannon (default 10 s, 50 connections) against one request shape. */
export async function load(label: string, opts: autocannon.Options): Promise<LoadResult> {
  const result = await autocannon({ duration: 10, connections: 50, ...opts });
  // the whole latency distribution, not p50 and p99 alone: whether a p99 is the bulk's or a tail's (session 27)
  const l = result.latency;
  if (label !== 'warm-up')
    console.log(
      `  latency ms ${label}: p50 ${l.p50} · p75 ${l.p75} · p90 ${l.p90} · p97.5 ${l.p97_5} · p99 ${l.p99} · p99.9 ${l.p99_9} · max ${l.max}`,
    );
  return {
    label,
    requestsPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
}

/**
 * A machine baseline no version of the product changes: a bare `node:http` server (a child process, no framework, no
 * plugin) answering 200 "ok", loaded the same way. The ratio against the product's own no-op (`GET /healthz`, every
 * platform plugin in front) stops comparing versions when that no-op itself gets cheaper — it did: Helmet built once
 * per process instead of per request took `/healthz` from ~0.09 to ~0.035 ms of server CPU, so every later ratio
 * against it fell with nothing measured getting slower. Against this one, versions compare.
 */
export async function bareBaseline(opts: { duration: number; connections: number }): Promise<LoadResult> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "const s = require('node:http').createServer((q, r) => r.end('ok'));" +
        "s.listen(0, '127.0.0.1', () => console.log(s.address().port));",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.stdout?.once('data', (b: Buffer) => resolve(Number(String(b).trim())));
    });
    const cpuBefore = processCpuSeconds(child.pid ?? -1);
    const own = process.cpuUsage();
    const result = await load('[machine] bare node:http no-op', {
      url: `http://127.0.0.1:${port}/`,
      duration: opts.duration,
      connections: opts.connections,
    });
    const used = process.cpuUsage(own);
    const cpuAfter = processCpuSeconds(child.pid ?? -1);
    return {
      ...result,
      ...(cpuBefore !== undefined && cpuAfter !== undefined && result.total > 0
        ? { serverCpuMs: ((cpuAfter - cpuBefore) * 1000) / result.total }
        : {}),
      ...(result.total > 0 ? { loadCpuMs: (used.user + used.system) / 1000 / result.total } : {}),
    };
  } finally {
    child.kill();
  }
}

export function printTable(rows: LoadResult[]): void {
  const cpu = rows.some((r) => r.serverCpuMs !== undefined);
  const ms = (v: number | undefined) => (v === undefined ? '' : v.toFixed(3)).padStart(10);
  console.log(
    `${'scenario'.padEnd(56)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)}` +
      (cpu
        ? ` ${'cpu/req ms'.padStart(10)} ${'(server)'.padStart(10)} ${'(db)'.padStart(10)} ${'load gen'.padStart(10)}`
        : ''),
  );
  for (const r of rows) {
    console.log(
      `${r.label.padEnd(56)} ${r.requestsPerSec.toFixed(0).padStart(9)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.non2xx + r.errors).padStart(8)}` +
        (cpu
          ? ` ${ms((r.serverCpuMs ?? 0) + (r.dbCpuMs ?? 0))} ${ms(r.serverCpuMs)} ${ms(r.dbCpuMs)} ${ms(r.loadCpuMs)}`
          : ''),
    );
  }
}

/** Runs `load` under a CPU meter and adds CPU per request to the result. */
export async function meteredLoad(
  meter: Awaited<ReturnType<typeof cpuMeter>>,
  label: string,
  opts: autocannon.Options,
): Promise<LoadResult> {
  const own = process.cpuUsage();
  const { result, serverCpu, dbCpu } = await meter.measure(() => load(label, opts));
  const used = process.cpuUsage(own);
  const loadCpuMs = result.total === 0 ? undefined : (used.user + used.system) / 1000 / result.total;
  const per = (s: number | undefined) =>
    s === undefined || result.total === 0 ? undefined : (s * 1000) / result.total;
  const serverCpuMs = per(serverCpu);
  const dbCpuMs = per(dbCpu);
  return {
    ...result,
    ...(serverCpuMs !== undefined ? { serverCpuMs } : {}),
    ...(dbCpuMs !== undefined ? { dbCpuMs } : {}),
    ...(loadCpuMs !== undefined ? { loadCpuMs } : {}),
  };
}

/**
 * The baseline measured on both sides of the measured load, half its time before and half after, and combined:
 * these machines' speed drifts within minutes (`/healthz` 9,400 and 17,700 a second in runs of one session), so
 * a baseline taken only before the load can catch another machine than the load did, and the ratio moves with it.
 * Bracketed, the baseline covers the same stretch of time as the load, drift cancelling to first order.
 * Requests a second: the mean of the halves (equal durations); p50 the mean, p99 the larger of the halves' (the
 * halves' samples are not kept); CPU per request weighted by each half's requests. `halves` for the record.
 */
export async function bracketedLoads(
  meter: Awaited<ReturnType<typeof cpuMeter>>,
  baselineLabel: string,
  baselineOpts: autocannon.Options & { duration: number },
  measure: () => Promise<LoadResult>,
  /**
   * waits until the work a load left behind is done, before each half (the warm-up's before the first, the load's
   * before the second), so both halves measure the no-op on a server with nothing else to do
   */
  settle: () => Promise<void> = async () => {},
): Promise<{ baseline: LoadResult; measured: LoadResult; halves: [LoadResult, LoadResult] }> {
  const half = { ...baselineOpts, duration: baselineOpts.duration / 2 };
  await settle();
  const before = await meteredLoad(meter, baselineLabel, half);
  const measured = await measure();
  await settle();
  const after = await meteredLoad(meter, baselineLabel, half);
  const total = before.total + after.total;
  const weighted = (k: 'serverCpuMs' | 'dbCpuMs' | 'loadCpuMs') => {
    const a = before[k];
    const b = after[k];
    return a === undefined || b === undefined || total === 0
      ? {}
      : { [k]: (a * before.total + b * after.total) / total };
  };
  const baseline: LoadResult = {
    label: `${baselineLabel} (½ before, ½ after)`,
    requestsPerSec: (before.requestsPerSec + after.requestsPerSec) / 2,
    p50: (before.p50 + after.p50) / 2,
    p99: Math.max(before.p99, after.p99),
    non2xx: before.non2xx + after.non2xx,
    errors: before.errors + after.errors,
    total,
    ...weighted('serverCpuMs'),
    ...weighted('dbCpuMs'),
    ...weighted('loadCpuMs'),
  };
  return { baseline, measured, halves: [before, after] };
}

/**
 * A bench's measured load against the server's no-op in one run: both warmed up (2 s each), the database analyzed
 * (as autovacuum would have), then `/healthz` bracketing the load (`bracketedLoads`), `settle` before each half.
 */
export async function againstNoop(
  meter: Awaited<ReturnType<typeof cpuMeter>>,
  opts: {
    serverUrl: string;
    databaseUrl: string | undefined;
    label: string;
    request: autocannon.Request;
    seconds: number;
    connections: number;
    settle?: (() => Promise<void>) | undefined;
  },
): Promise<{ baseline: LoadResult; measured: LoadResult; halves: [LoadResult, LoadResult] }> {
  const { serverUrl, seconds, connections } = opts;
  await load('warm-up', { url: `${serverUrl}/healthz`, duration: 2, connections });
  // the load's warm-up and the analyze first: the baseline's halves then bracket the measured load alone
  await load('warm-up', { url: serverUrl, duration: 2, connections, requests: [opts.request] });
  await analyzeDatabase(opts.databaseUrl);
  return bracketedLoads(
    meter,
    '[postgres] baseline GET /healthz',
    { url: `${serverUrl}/healthz`, duration: seconds, connections },
    () => meteredLoad(meter, opts.label, { url: serverUrl, duration: seconds, connections, requests: [opts.request] }),
    opts.settle,
  );
}

/**
 * Waits until no background job is due or running (a server with its job worker, `--role all`, works through what
 * a load enqueued — messages, green passes — after the load stops); gives up after `timeoutMs`, saying so.
 */
export async function jobsSettled(databaseUrl: string | undefined, timeoutMs = 60_000): Promise<void> {
  if (!databaseUrl) return;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const t = performance.now();
    for (;;) {
      const { rows } = await client.query<{ n: string }>(
        "select count(*) as n from jobs where status = 'running' or (status = 'pending' and run_at <= now())",
      );
      if (Number(rows[0]?.n ?? 0) === 0) break;
      if (performance.now() - t > timeoutMs) {
        console.log(
          `  note: ${rows[0]?.n} jobs still due after ${timeoutMs / 1000} s; the baseline's next half ran beside them`,
        );
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const waited = performance.now() - t;
    if (waited > 500) console.log(`  the jobs the load left were done ${(waited / 1000).toFixed(1)} s after it`);
  } finally {
    await client.end();
  }
}

/**
 * The line comparing one request's CPU (server process + database backends) with the bare no-op's CPU per request in
 * the same run: where a machine's slow minutes move requests per second 2× between runs, this quotient moves least
 * (bench/README, session 20). Lower is better; empty where CPU was not measured (no /proc).
 */
export function cpuAgainstBareLine(label: string, measured: LoadResult, bare: LoadResult): string {
  if (measured.serverCpuMs === undefined || !bare.serverCpuMs) return '';
  const cpu = measured.serverCpuMs + (measured.dbCpuMs ?? 0);
  return `CPU ${label} / bare node:http no-op's CPU per request = ${(cpu / bare.serverCpuMs).toFixed(1)} (lower is better)`;
}

/**
 * What the measured request could reach on this machine with every core busy: its CPU per request (server process +
 * database backends + the load generator) against the cores, as a ratio to the baseline's requests per second of the
 * same run; and the CPU per request a `target` ratio needs at full use. Where the ceiling is below the target, no
 * scheduling of the same work (bigger or more batches, fewer waits) can meet it on this machine: only less CPU per
 * request can (bench/README, session 24). The busy share is the measured load's CPU over the cores' time. Empty where
 * CPU was not measured.
 */
export function ceilingLine(label: string, measured: LoadResult, baseline: LoadResult, target: number): string {
  if (measured.serverCpuMs === undefined || measured.loadCpuMs === undefined) return '';
  const cores = availableParallelism();
  const cpu = measured.serverCpuMs + (measured.dbCpuMs ?? 0) + measured.loadCpuMs;
  const fullRate = (cores * 1000) / cpu;
  const busy = (measured.requestsPerSec * cpu) / (cores * 1000);
  const needed = (cores * 1000) / (target * baseline.requestsPerSec);
  return (
    `ceiling ${label}: ${cpu.toFixed(3)} ms CPU a request (with the load generator) on ${cores} cores ` +
    `${(100 * busy).toFixed(0)} % busy → at most ${fullRate.toFixed(0)}/s = ratio ${(fullRate / baseline.requestsPerSec).toFixed(2)} ` +
    `with every core busy; ratio ${target} needs ≤ ${needed.toFixed(3)} ms a request here`
  );
}

/** The line that shows how far the machine moved while a bracketed baseline was measured. */
export function halvesLine(halves: [LoadResult, LoadResult]): string {
  const [a, b] = halves;
  return `  baseline halves: ${a.requestsPerSec.toFixed(0)} req/s before, ${b.requestsPerSec.toFixed(0)} after (${((100 * (b.requestsPerSec - a.requestsPerSec)) / a.requestsPerSec).toFixed(0)} %)`;
}

export function argNumber(name: string, def: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

/**
 * `--role all|api` (default all): the server with its job worker, or without it (`api`, what production runs beside
 * a worker process of its own). Anything else exits 2.
 */
export function argRole(): 'all' | 'api' {
  const args = process.argv.slice(2);
  const i = args.indexOf('--role');
  const role = i >= 0 ? args[i + 1] : 'all';
  if (role !== 'all' && role !== 'api') {
    console.error('--role is all or api');
    process.exit(2);
  }
  return role;
}

/** CPU seconds (user + system) a process has used so far; undefined where /proc is not available. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    // fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15 (clock ticks)
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * CPU time spent by the server process and (on PostgreSQL) the database's backends between `start()` and the
 * returned `stop()`: on a shared, noisy machine CPU per request is steadier than requests per second.
 * Linux only (reads /proc; PostgreSQL must run on this machine); figures are undefined elsewhere.
 */
export async function cpuMeter(server: RunningServer) {
  const url = server.data.databaseUrl;
  const client = url ? new pg.Client({ connectionString: url }) : undefined;
  await client?.connect();
  const snapshot = async () => {
    const pids = client
      ? (
          await client.query<{ pid: number }>(
            'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
          )
        ).rows.map((r) => r.pid)
      : [];
    const db = new Map<number, number>();
    for (const pid of pids) {
      const s = processCpuSeconds(pid);
      if (s !== undefined) db.set(pid, s);
    }
    return { server: processCpuSeconds(server.pid), db };
  };
  return {
    async measure<T>(work: () => Promise<T>): Promise<{ result: T; serverCpu?: number; dbCpu?: number }> {
      const before = await snapshot();
      const result = await work();
      const after = await snapshot();
      let dbCpu = 0;
      // a backend that started during the work counts from zero; one that ended during it is missed
      for (const [pid, s] of after.db) dbCpu += s - (before.db.get(pid) ?? 0);
      return {
        result,
        ...(after.server !== undefined && before.server !== undefined
          ? { serverCpu: after.server - before.server }
          : {}),
        ...(client && after.db.size > 0 ? { dbCpu } : {}),
      };
    },
    close: () => client?.end(),
  };
}

/**
 * `analyze` of the bench database's tables, as PostgreSQL's autovacuum would have done in production by now. The
 * machines these benches run on have `autovacuum = off` (a CI setting), so a table that grew from empty during the
 * set-up or the warm-up was never analyzed, and the planner sizes it from its page count alone; a plan that flips
 * at some size would then cost a whole run several times the database CPU (seen in bench/declarations and
 * bench/vaccination, bench/README "session 10"). Call it after the warm-up of the measured request.
 */
export async function analyzeDatabase(databaseUrl: string | undefined): Promise<void> {
  if (!databaseUrl) return;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const t = performance.now();
    await client.query('analyze');
    console.log(`  analyze (what autovacuum would have done): ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } finally {
    await client.end();
  }
}
