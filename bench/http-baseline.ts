/**
 * bench/http-baseline: the cost of the platform on the hot path. In one run, against the same server process:
 *   baseline  GET /healthz                     (a no-op Fastify route with every platform plugin in front)
 *   measured  GET /api/v1/people/{id}          (Bearer token → session → jurisdiction policy → person row →
 *                                               audit row group-committed before the answer)
 * by a district-scoped health worker, 50 connections. Prints req/s, p50, p99 and the ratio measured/baseline
 * (target ≥ 0.3), and the CPU each request cost the server process and the database backends (Linux; it moves much
 * less with other load on a shared machine than req/s do). Runs on PGlite, and on PostgreSQL when BENCH_DATABASE_URL
 * or TEST_DATABASE_URL is set (`--db postgres|pglite` picks one).
 *   node bin/run-ts.js bench/http-baseline.ts [--seconds 10] [--connections 50] [--db postgres|pglite]
 */
import {
  api,
  argNumber,
  bareBaseline,
  benchStaffToken,
  cpuAgainstBareLine,
  cpuMeter,
  freshData,
  type LoadResult,
  load,
  meteredLoad,
  printTable,
  startServer,
} from './lib.ts';

const seconds = argNumber('seconds', 10);
const connections = argNumber('connections', 50);
const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const only = process.argv.includes('--db') ? process.argv[process.argv.indexOf('--db') + 1] : undefined;
const kinds = (pgUrl ? (['postgres', 'pglite'] as const) : (['pglite'] as const)).filter((k) => !only || k === only);

const summary: Array<{ kind: string; ratio: number; bare: number; rows: LoadResult[] }> = [];
for (const kind of kinds) {
  console.log(`\n## ${kind}: starting server (demo province)…`);
  const data = await freshData(kind, pgUrl);
  const server = await startServer(data, { NODE_ENV: 'production' });
  try {
    const officerToken = await benchStaffToken(server.url, data.adminPassword, {
      username: 'bench.health',
      role: 'health_worker',
      unitCode: '731',
    });
    const person = await api<{ id: string }>(
      server.url,
      'POST',
      '/api/v1/people',
      {
        nationalId: '075090000001',
        phone: '0912000001',
        name: 'Nguyễn Văn Bench',
        birthYear: 1990,
        sex: 'male',
        unitCode: '25993',
        address: '1 Đồng Khởi',
      },
      officerToken,
    );
    // warm-up: JIT, connection pool, session cache
    await load('warm-up', { url: `${server.url}/healthz`, duration: 2, connections });
    await load('warm-up', {
      url: `${server.url}/api/v1/people/${person.id}`,
      headers: { authorization: `Bearer ${officerToken}` },
      duration: 2,
      connections,
    });

    const meter = await cpuMeter(server);
    const baseline = await meteredLoad(meter, `[${kind}] baseline GET /healthz`, {
      url: `${server.url}/healthz`,
      duration: seconds,
      connections,
    });
    const read = await meteredLoad(meter, `[${kind}] GET /api/v1/people/{id} (staff, audited)`, {
      url: `${server.url}/api/v1/people/${person.id}`,
      headers: { authorization: `Bearer ${officerToken}` },
      duration: seconds,
      connections,
    });
    await meter.close();
    if (read.non2xx > 0 || read.errors > 0)
      throw new Error(`authenticated read had ${read.non2xx} non-2xx and ${read.errors} errors`);
    const bare = await bareBaseline({ duration: seconds, connections });
    summary.push({
      kind,
      ratio: read.requestsPerSec / baseline.requestsPerSec,
      bare: read.requestsPerSec / bare.requestsPerSec,
      rows: [baseline, read, bare],
    });
  } finally {
    await server.stop();
    await data.drop();
  }
}

console.log(`\n# http-baseline (${connections} connections, ${seconds} s each, ${new Date().toISOString()})`);
printTable(summary.flatMap((s) => s.rows));
for (const s of summary) {
  console.log(`ratio [${s.kind}] authenticated audited read / no-op baseline = ${s.ratio.toFixed(2)} (target ≥ 0.30)`);
  console.log(`ratio [${s.kind}] authenticated audited read / bare node:http no-op = ${s.bare.toFixed(3)}`);
  const cpuLine = cpuAgainstBareLine(`[${s.kind}] per audited read`, s.rows[1] as LoadResult, s.rows[2] as LoadResult);
  if (cpuLine) console.log(cpuLine);
}
