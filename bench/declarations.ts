/**
 * bench/declarations: health declaration on PostgreSQL. In one run:
 *   baseline  GET /healthz (no-op route, every platform plugin in front), half its time just before the measured
 *             load and half just after (lib.ts bracketedLoads: the machine drifts within minutes)
 *   measured  POST /api/v1/declarations by signed-in citizens (the daily domestic form, one in ten flagged with a
 *             fever → a task and a message), a fresh Idempotency-Key per request: the form check, then one
 *             statement for a batch — who each is, whether held (case/quarantine), declaration + badge + daily
 *             statistics, the task, the message, the key —, the commit
 *   stats     GET /api/v1/declaration-stats for the province over 30 days with `--declarations` (default 10M)
 *             declarations in the table (generated set-based, the daily statistics built from them the way the
 *             writes maintain them), p50/p95 of 20 calls
 * Targets: throughput ≥ 25 % of the baseline, p99 < 50 ms; statistics at 10M < 200 ms.
 * The database is analyzed after the warm-up, as autovacuum would have (these machines run with it off: lib.ts).
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bin/run-ts.js bench/declarations.ts
 *     [--seconds 10] [--connections 64] [--people 1000] [--declarations 10000000] [--role all|api]
 * `--role api` runs the server without its job worker (the messages to flagged declarants stay queued; in production
 * the worker can run as a process of its own, `serve --role worker`); the default `all` sends them beside the load.
 */
import { randomUUID } from 'node:crypto';
import type autocannon from 'autocannon';
import { sql } from 'kysely';
import { openDatabase } from '../src/server/db/database.ts';
import {
  againstNoop,
  api,
  argNumber,
  argRole,
  bareBaseline,
  benchStaffToken,
  ceilingLine,
  citizenLogin,
  cpuAgainstBareLine,
  cpuMeter,
  freshData,
  halvesLine,
  jobsSettled,
  type LoadResult,
  printTable,
  startServer,
} from './lib.ts';

const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!pgUrl) {
  console.error('bench/declarations needs PostgreSQL: set BENCH_DATABASE_URL (or TEST_DATABASE_URL)');
  process.exit(2);
}
const seconds = argNumber('seconds', 10);
const connections = argNumber('connections', 64);
const peopleCount = argNumber('people', 1000);
const declarationCount = argNumber('declarations', 10_000_000);
const role = argRole();

const NO = {
  fever: false,
  cough: false,
  breath: false,
  sore_throat: false,
  taste_smell: false,
  fatigue: false,
  contact_f0: false,
  outbreak_area: false,
  from_abroad: false,
  vaccine_doses: '2',
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

const data = await freshData('postgres', pgUrl);
const server = await startServer(data, {}, role);
try {
  console.log(`## registering ${peopleCount} citizens…`);
  const tokens: string[] = [];
  const communes = ['25993', '26002', '26005', '26008'];
  for (let p = 0; p < peopleCount; p++) {
    const c = await citizenLogin(server.url, `09140${String(p).padStart(5, '0')}`);
    await api(server.url, 'PUT', '/api/v1/me/profile', { name: `Người ${p}`, unitCode: communes[p % 4] }, c.token);
    tokens.push(c.token);
  }
  let n = 0;
  // every answer that is not 2xx, by status and error code: what went wrong under load, not just how often
  const refusals = new Map<string, number>();
  const request: autocannon.Request = {
    onResponse: (status, body) => {
      if (status < 300) return;
      let code = '';
      try {
        code = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? '';
      } catch {}
      const k = `${status} ${code}`;
      refusals.set(k, (refusals.get(k) ?? 0) + 1);
    },
    method: 'POST',
    path: '/api/v1/declarations',
    setupRequest: (req) => {
      const i = n++;
      return {
        ...req,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${tokens[i % tokens.length]}`,
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({ type: 'domestic', answers: { ...NO, fever: i % 10 === 0 } }),
      };
    },
  };
  const meter = await cpuMeter(server);
  const {
    baseline,
    measured: declare,
    halves,
  } = await againstNoop(meter, {
    serverUrl: server.url,
    databaseUrl: data.databaseUrl,
    label: '[postgres] POST /api/v1/declarations',
    request,
    seconds,
    connections,
    // the messages to flagged declarants, sent by the job worker after the load
    settle: role === 'all' ? () => jobsSettled(data.databaseUrl) : undefined,
  });
  if (declare.non2xx > 0 || declare.errors > 0)
    console.log(
      `  note: ${declare.non2xx} non-2xx, ${declare.errors} errors (warm-up included: ${[...refusals].map(([k, v]) => `${k} ×${v}`).join(', ')})`,
    );
  // the server's own account of its failures (error lines carry type, message and SQLSTATE code, never data)
  const failures = new Map<string, number>();
  for (const line of server.output().split('\n')) {
    if (!line.includes('"level":50')) continue;
    const m = /"message":"([^"]{0,160})"/.exec(line)?.[1] ?? line.slice(0, 160);
    const code = /"code":"([^"]+)"/.exec(line)?.[1] ?? '';
    failures.set(`${code} ${m}`, (failures.get(`${code} ${m}`) ?? 0) + 1);
  }
  for (const [k, v] of failures) console.log(`  server error ×${v}: ${k}`);

  await meter.close();
  // the machine's own no-op (a bare node:http server): a ratio that versions of the product can be compared by
  const bare = await bareBaseline({ duration: seconds, connections });

  // ——— statistics at scale ———
  console.log(`## generating ${declarationCount.toLocaleString('en')} declarations over 30 days…`);
  const database = await openDatabase({ databaseUrl: data.databaseUrl, poolSize: 2 });
  const db = database.db;
  const t0 = Date.now();
  const units = (
    await sql<{ code: string; path: string }>`
      select code, path from admin_units where path like '75.%' and level = 3 and not is_hamlet order by code`.execute(
      db,
    )
  ).rows;
  const person = (await sql<{ id: string }>`select id from people limit 1`.execute(db)).rows[0]?.id;
  const batch = 1_000_000;
  for (let done = 0; done < declarationCount; done += batch) {
    const size = Math.min(batch, declarationCount - done);
    await sql`
      insert into declarations (person_id, type, form_version, answers, status, reasons, via, actor_type, actor_id,
                                unit_code, commune_code, day, declared_at)
      select ${person}, 'domestic', 1, '{}'::jsonb,
             case when g % 20 = 0 then 'flagged' else 'ok' end,
             case when g % 20 = 0 then array['symptom'] else '{}'::text[] end,
             'app', 'citizen', ${person}, u.codes[1 + g % ${units.length}::int], u.codes[1 + g % ${units.length}::int],
             (current_date - (g % 30))::date, now() - make_interval(days => g % 30)
      from generate_series(${done + 1}::int, ${done + size}::int) g,
           (select ${sql.val(units.map((u) => u.code))}::text[] as codes) u`.execute(db);
  }
  await sql`delete from declaration_daily_stats`.execute(db);
  await sql`
    insert into declaration_daily_stats (day, commune_code, unit_path, declarations, people, flagged, symptom)
    select d.day, d.commune_code, u.path, count(*), count(*), count(*) filter (where d.status = 'flagged'),
           count(*) filter (where 'symptom' = any(d.reasons))
    from declarations d left join admin_units u on u.code = d.commune_code
    group by d.day, d.commune_code, u.path`.execute(db);
  await sql`analyze declarations`.execute(db);
  await sql`analyze declaration_daily_stats`.execute(db);
  console.log(`  generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await database.close();

  const leader = await benchStaffToken(server.url, data.adminPassword, {
    username: 'bench.leader',
    role: 'leader',
    unitCode: '75',
  });
  const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
  const times: number[] = [];
  for (let i = 0; i < 22; i++) {
    const t = performance.now();
    await api(server.url, 'GET', `/api/v1/declaration-stats?unitCode=75&from=${from}`, undefined, leader);
    if (i >= 2) times.push(performance.now() - t);
  }

  console.log(`\n# declarations (${connections} connections, ${seconds} s each, ${new Date().toISOString()})`);
  printTable([baseline, declare, bare] as LoadResult[]);
  console.log(halvesLine(halves));
  const ratio = declare.requestsPerSec / baseline.requestsPerSec;
  console.log(
    `ratio [postgres] declarations / no-op baseline = ${ratio.toFixed(2)} (target ≥ 0.25); p99 ${declare.p99.toFixed(1)} ms (target < 50 ms)`,
  );
  console.log(
    `ratio [postgres] declarations / bare node:http no-op = ${(declare.requestsPerSec / bare.requestsPerSec).toFixed(3)}`,
  );
  const cpuLine = cpuAgainstBareLine('[postgres] per declaration', declare, bare);
  if (cpuLine) console.log(cpuLine);
  const ceiling = ceilingLine('[postgres] declarations', declare, baseline, 0.25);
  if (ceiling) console.log(ceiling);
  console.log(
    `statistics at ${declarationCount.toLocaleString('en')} declarations (province, 30 days, ${units.length} communes): p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms (target < 200 ms)`,
  );
} finally {
  await server.stop();
  await data.drop();
}
