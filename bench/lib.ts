/**
 * Benchmark plumbing: the real server runs as a child process (test/server-process.ts); autocannon drives it from
 * this process. Load generator and server share the machine's two cores — and so does the baseline in the same run.
 */
import autocannon from 'autocannon';

import { api } from '../test/server-process.ts';

export { api, citizenLogin, freshData, type RunningServer, startServer } from '../test/server-process.ts';

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
}

/** Runs autocannon (default 10 s, 50 connections) against one request shape. */
export async function load(label: string, opts: autocannon.Options): Promise<LoadResult> {
  const result = await autocannon({ duration: 10, connections: 50, ...opts });
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

export function printTable(rows: LoadResult[]): void {
  console.log(
    `${'scenario'.padEnd(56)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.label.padEnd(56)} ${r.requestsPerSec.toFixed(0).padStart(9)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.non2xx + r.errors).padStart(8)}`,
    );
  }
}

export function argNumber(name: string, def: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}
