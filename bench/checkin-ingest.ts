/**
 * bench/checkin-ingest: check-in write throughput. In one run per database:
 *   baseline  GET /healthz (no-op route, every platform plugin in front)
 *   measured  POST /api/v1/checkins by venue staff scanning citizens' personal QR codes — a realistic payload
 *             `{venueId, personQr}` with a fresh Idempotency-Key per request, audited, group-committed (a 2xx is
 *             durable: committed before the answer).
 * ≥ 50 connections. Targets on PostgreSQL: throughput ≥ 25 % of the baseline, p99 < 50 ms.
 * Also prints the CPU each request cost the server process and the database backends (Linux): on a shared machine
 * that figure moves much less with other load than requests per second do.
 *   node bin/run-ts.js bench/checkin-ingest.ts [--seconds 10] [--connections 64] [--people 4000] [--venues 60]
 *     [--db postgres|pglite]
 * Runs on PGlite, and on PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set (`--db` picks one).
 */
import { randomUUID } from 'node:crypto';
import type autocannon from 'autocannon';
import {
  api,
  argNumber,
  bareBaseline,
  benchStaffToken,
  citizenLogin,
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
const connections = argNumber('connections', 64);
// 4,000 citizens × 60 venues: each check-in of a run is a new (person, venue) pair at its real time, and a person
// checks in ~25 times in the run. With 400 (the earlier default) every person checked in at every venue within
// seconds — 60 recent stays to look through on each double-scan check — and 70 % of the traffic had to be sent as
// 11-minute-old delayed syncs (each batch then also queued re-tracing), neither like a factory gate or a market.
const peopleCount = argNumber('people', 4000);
const venueCount = argNumber('venues', 60);
const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const only = process.argv.includes('--db') ? process.argv[process.argv.indexOf('--db') + 1] : undefined;
const kinds = (pgUrl ? (['postgres', 'pglite'] as const) : (['pglite'] as const)).filter((k) => !only || k === only);

const summary: Array<{ kind: string; ratio: number; bare: number; rows: LoadResult[]; stored: number }> = [];
for (const kind of kinds) {
  console.log(`\n## ${kind}: starting server, registering ${venueCount} venues and ${peopleCount} citizens…`);
  const data = await freshData(kind, pgUrl);
  const server = await startServer(data);
  try {
    const staffToken = await benchStaffToken(server.url, data.adminPassword, {
      username: 'bench.gate',
      role: 'venue_manager',
      unitCode: '731',
    });
    const venues: string[] = [];
    for (let v = 0; v < venueCount; v++) {
      const created = await api<{ id: string }>(
        server.url,
        'POST',
        '/api/v1/venues',
        {
          name: `Nhà máy ${v + 1}`,
          category: 'factory',
          unitCode: '25993',
          address: `Lô ${v + 1} KCN Biên Hòa 2`,
          zones: ['Xưởng A', 'Xưởng B'],
        },
        staffToken,
      );
      venues.push(created.id);
    }
    const qrs: string[] = [];
    for (let p = 0; p < peopleCount; p++) {
      const citizen = await citizenLogin(server.url, `09130${String(p).padStart(5, '0')}`);
      qrs.push((await api<{ qr: string }>(server.url, 'GET', '/api/v1/me/qr', undefined, citizen.token)).qr);
    }
    // every request is a distinct (person, venue, time) so none is refused as a double scan: cycle through pairs,
    // and move each full cycle 11 minutes back in time (delayed sync of an offline scanner)
    let n = 0;
    const pairs = peopleCount * venueCount;
    const nextBody = () => {
      const i = n++;
      const cycle = Math.floor(i / pairs);
      const at = new Date(Date.now() - cycle * 11 * 60_000).toISOString();
      return JSON.stringify({
        venueId: venues[Math.floor(i / peopleCount) % venueCount],
        personQr: qrs[i % peopleCount],
        ...(cycle > 0 ? { at } : {}),
      });
    };
    const checkinRequest: autocannon.Request = {
      method: 'POST',
      path: '/api/v1/checkins',
      setupRequest: (req) => ({
        ...req,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${staffToken}`,
          'idempotency-key': randomUUID(),
        },
        body: nextBody(),
      }),
    };
    // each measured run right after its own warm-up: 10 s of the other scenario would leave this one cold (idle pool
    // connections close after 10 s, cached venues and sessions expire)
    await load('warm-up', { url: `${server.url}/healthz`, duration: 2, connections });

    const meter = await cpuMeter(server);
    const baseline = await meteredLoad(meter, `[${kind}] baseline GET /healthz`, {
      url: `${server.url}/healthz`,
      duration: seconds,
      connections,
    });
    await load('warm-up', { url: server.url, duration: 2, connections, requests: [checkinRequest] });
    const ingest = await meteredLoad(meter, `[${kind}] POST /api/v1/checkins (staff scan, durable)`, {
      url: server.url,
      duration: seconds,
      connections,
      requests: [checkinRequest],
    });
    await meter.close();
    if (ingest.non2xx > 0 || ingest.errors > 0)
      console.log(`  note: ${ingest.non2xx} non-2xx, ${ingest.errors} errors`);
    const check = await api<{ checkinsToday: number }>(
      server.url,
      'GET',
      `/api/v1/venues/${venues[0]}/occupancy`,
      undefined,
      staffToken,
    );
    const bare = await bareBaseline({ duration: seconds, connections });
    summary.push({
      kind,
      ratio: ingest.requestsPerSec / baseline.requestsPerSec,
      bare: ingest.requestsPerSec / bare.requestsPerSec,
      rows: [baseline, ingest, bare],
      stored: check.checkinsToday,
    });
  } finally {
    await server.stop();
    await data.drop();
  }
}

console.log(`\n# checkin-ingest (${connections} connections, ${seconds} s each, ${new Date().toISOString()})`);
printTable(summary.flatMap((s) => s.rows));
for (const s of summary) {
  const ingest = s.rows[1] as LoadResult;
  console.log(
    `ratio [${s.kind}] check-in ingest / no-op baseline = ${s.ratio.toFixed(2)} (target ≥ 0.25 on PostgreSQL); p99 ${ingest.p99.toFixed(1)} ms (target < 50 ms)`,
  );
  console.log(`ratio [${s.kind}] check-in ingest / bare node:http no-op = ${s.bare.toFixed(3)}`);
  const cpuLine = cpuAgainstBareLine(`[${s.kind}] per check-in`, ingest, s.rows[2] as LoadResult);
  if (cpuLine) console.log(cpuLine);
}
