/**
 * bench/lab-import: a lab's results file of 200,000 rows through `POST /api/v1/labs/{labId}/results:import` on
 * PostgreSQL — parsed and checked row by row, each result recorded with everything it causes in the same transaction
 * (tube and members' standing, re-test tasks for positive pools, daily statistics, `test.result.positive` events for
 * positive individual tubes, the notification jobs, the audit row) — against the raw `COPY` of the same rows into an
 * unlogged table, measured in the same run (the baseline). Then the positivity-by-commune query (what the map and the
 * pool-size advice read) over 2,000,000 tubes.
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bin/run-ts.js bench/lab-import.ts
 *     [--rows 200000] [--file-rows 200000] [--total 2000000] [--keep]
 * The route takes at most RESULTS_CSV_MAX_LINES (200,000) lines per file, as a lab splits a larger batch: `--rows`
 * above `--file-rows` (that cap by default, lower to try the split) go as several files of at most `--file-rows`
 * rows, posted one after another; the rate is all the rows over the files' summed request times, and the baseline
 * copies the same files one `COPY` each.
 * Targets (issue 16): import ≥ 10,000 rows/s; positivity by commune at 2M tubes < 200 ms.
 * The tubes are written straight into a fresh database (like a seeder); the server runs as `--role api`, so the
 * events the import writes stay queued (their handlers — opening cases, sending messages — are not part of the import).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { RESULTS_CSV_MAX_LINES } from '../src/server/modules/testing/csv.ts';
import { argNumber, benchStaffToken, freshData, startServer } from './lib.ts';

const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!pgUrl) {
  console.error('bench/lab-import needs PostgreSQL: set BENCH_DATABASE_URL (or TEST_DATABASE_URL)');
  process.exit(2);
}
const rows = argNumber('rows', 200_000);
const total = argNumber('total', 2_000_000);
const fileRows = argNumber('file-rows', RESULTS_CSV_MAX_LINES);
if (!Number.isInteger(fileRows) || fileRows < 1 || fileRows > RESULTS_CSV_MAX_LINES) {
  console.error(`--file-rows must be 1–${RESULTS_CSV_MAX_LINES.toLocaleString('en')}: the route refuses a longer file`);
  process.exit(2);
}
/** the files the rows go in, each of at most `fileRows` rows, in order of their tubes */
const fileCount = Math.ceil(rows / fileRows);
const keep = process.argv.includes('--keep');
/** a tenth of the file's tubes are pools of 5 */
const pools = Math.floor(rows / 10);
const singles = rows - pools;

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] as number;

const data = await freshData('postgres', pgUrl);
const server = await startServer(
  data,
  { TRUYVET_DEMO_PEOPLE: '10', TRUYVET_LAB_IMPORT_MAX_BYTES: String(64 * 1024 * 1024) },
  'api',
);
const client = new pg.Client({ connectionString: data.databaseUrl });
await client.connect();
/** the results files: their rows, their text and where each is written (the baseline's COPY reads it there) */
const files: { rows: number; csv: string; path: string }[] = [];
try {
  console.log(`server on ${server.url}, database ${new URL(data.databaseUrl as string).pathname.slice(1)}`);
  const token = await benchStaffToken(server.url, data.adminPassword, {
    username: 'bench.lab',
    role: 'lab',
    unitCode: '75',
  });
  const labRes = await client.query<{ id: string }>(
    `insert into labs (name, unit_code) values ('CDC Đồng Nai (bench)', '731') returning id`,
  );
  const labId = labRes.rows[0]?.id as string;

  // ——— the tubes waiting for their results: singles then pools of 5, in Đồng Nai's communes ———
  let t0 = process.hrtime.bigint();
  await client.query(`
    create temporary table bench_communes as
      select row_number() over (order by code) as i, code from admin_units c
      where path like '75.%' and not is_hamlet
        and not exists (select 1 from admin_units k where k.parent_code = c.code and not k.is_hamlet);
  `);
  const communes = Number((await client.query('select count(*) as n from bench_communes')).rows[0].n);
  const people = singles + pools * 5;
  await client.query(
    `insert into people (name, unit_code)
     select 'Người thử ' || g, (select code from bench_communes where i = 1 + g % $2)
     from generate_series(1, $1) g`,
    [people, communes],
  );
  await client.query(
    `create temporary table bench_people as select row_number() over (order by id) as i, id from people`,
  );
  await client.query(`create index on bench_people (i)`);
  await client.query(
    `insert into samples (barcode, kind, status, unit_code, member_count, collected_at, collected_by, lab_id)
     select 'B' || lpad(g::text, 9, '0'),
            case when g <= $1 then 'rt-pcr' else 'rt-pcr-pool' end,
            'received',
            (select code from bench_communes where i = 1 + g % $3),
            case when g <= $1 then 1 else 5 end,
            now() - interval '20 hours', 'bench', $4::uuid
     from generate_series(1, $2) g`,
    [singles, rows, communes, labId],
  );
  await client.query(`create temporary table bench_tubes as
    select id, (substr(barcode, 2))::int as g, kind from samples where barcode like 'B%'`);
  await client.query(
    `insert into sample_members (sample_id, person_id, position, unit_code)
     select t.id, p.id, k, null
     from bench_tubes t
     cross join lateral generate_series(1, case when t.kind = 'rt-pcr' then 1 else 5 end) k
     join bench_people p on p.i = case when t.g <= $1 then t.g else $1 + (t.g - $1 - 1) * 5 + k end`,
    [singles],
  );
  await client.query('analyze');
  console.log(
    `${rows.toLocaleString('en')} tubes (${pools.toLocaleString('en')} pools of 5) for ${people.toLocaleString('en')} people ready in ${(ms(t0) / 1000).toFixed(1)} s`,
  );

  // ——— the results files: 1 % of individual tubes and 5 % of pools positive, 0.5 % invalid ———
  const testedAt = new Date(Date.now() - 600_000).toISOString();
  let positives = 0;
  for (let first = 1; first <= rows; first += fileRows) {
    const last = Math.min(rows, first + fileRows - 1);
    const lines = ['barcode,result,ct,tested_at'];
    for (let g = first; g <= last; g++) {
      const pool = g > singles;
      const positive = pool ? g % 20 === 0 : g % 100 === 0;
      const invalid = !positive && g % 200 === 7;
      if (positive) positives++;
      const result = positive ? 'positive' : invalid ? 'invalid' : 'negative';
      lines.push(`B${String(g).padStart(9, '0')},${result},${positive ? (18 + (g % 17)).toFixed(1) : ''},${testedAt}`);
    }
    const csv = `${lines.join('\r\n')}\r\n`;
    const path = join(tmpdir(), `truyvet-lab-import-${process.pid}-${files.length + 1}.csv`);
    writeFileSync(path, csv, { mode: 0o644 });
    files.push({ rows: last - first + 1, csv, path });
  }
  const megabytes = files.reduce((sum, f) => sum + f.csv.length, 0) / 1024 / 1024;
  console.log(
    `${fileCount === 1 ? 'file' : `${fileCount} files of at most ${fileRows.toLocaleString('en')} rows`}: ` +
      `${megabytes.toFixed(1)} MB, ${positives.toLocaleString('en')} positive rows`,
  );

  // ——— baseline: the raw COPY of the same rows, file by file ———
  await client.query('create unlogged table bench_copy (barcode text, result text, ct real, tested_at timestamptz)');
  let copyMs = 0;
  for (const f of files) {
    t0 = process.hrtime.bigint();
    await client.query(`copy bench_copy from '${f.path}' with (format csv, header true)`);
    copyMs += ms(t0);
  }
  const copyRate = rows / (copyMs / 1000);

  // ——— measured: the import through the API, one file after another ———
  let importMs = 0;
  let resultPositives = 0;
  for (const [i, f] of files.entries()) {
    t0 = process.hrtime.bigint();
    const res = await fetch(`${server.url}/api/v1/labs/${labId}/results:import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: f.csv,
    });
    const fileMs = ms(t0);
    const body = (await res.json()) as { accepted: number; positive: number; rejected: unknown[] };
    if (res.status !== 200 || body.accepted !== f.rows) {
      throw new Error(`import of file ${i + 1} answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
    }
    importMs += fileMs;
    resultPositives += body.positive;
    if (fileCount > 1) {
      console.log(
        `  file ${i + 1}/${fileCount}: ${f.rows.toLocaleString('en')} rows in ${(fileMs / 1000).toFixed(2)} s, ` +
          `${Math.round(f.rows / (fileMs / 1000)).toLocaleString('en')} rows/s`,
      );
    }
  }
  const importRate = rows / (importMs / 1000);
  const events = Number(
    (await client.query(`select count(*) as n from jobs where topic = 'test.result.positive'`)).rows[0].n,
  );
  const tasks = Number((await client.query(`select count(*) as n from test_tasks`)).rows[0].n);

  // ——— positivity by commune at `total` tubes: the rest of the tubes, resulted over 60 days, and their rollup ———
  t0 = process.hrtime.bigint();
  const more = total - rows;
  await client.query(
    `insert into samples (barcode, kind, status, unit_code, member_count, collected_at, collected_by, lab_id, result,
                          tested_at, resulted_at)
     select 'H' || lpad(g::text, 9, '0'), k.kind, 'resulted', (select code from bench_communes where i = 1 + g % $2),
            case when k.kind = 'rt-pcr-pool' then 5 else 1 end, c.at, 'bench', $3::uuid,
            case when g % 50 = 0 then 'positive' else 'negative' end, c.at + interval '12 hours', c.at + interval '12 hours'
     from generate_series(1, $1) g
     cross join lateral (select case when g % 3 = 0 then 'rt-pcr-pool' when g % 7 = 0 then 'antigen' else 'rt-pcr' end as kind) k
     cross join lateral (select now() - (g % 60) * interval '1 day' - interval '13 hours' as at) c`,
    [more, communes, labId],
  );
  await client.query(`
    insert into testing_daily_stats as t (day, unit_code, kind, tubes, people, positive_tubes, positive_people, invalid_tubes)
    select (collected_at at time zone 'Asia/Ho_Chi_Minh')::date, unit_code, kind, count(*), sum(member_count),
           count(*) filter (where result = 'positive'),
           coalesce(sum(member_count) filter (where result = 'positive' and kind <> 'rt-pcr-pool'), 0),
           count(*) filter (where result = 'invalid')
    from samples where barcode like 'H%' group by 1, 2, 3
    on conflict (day, unit_code, kind) do update set tubes = t.tubes + excluded.tubes, people = t.people + excluded.people,
      positive_tubes = t.positive_tubes + excluded.positive_tubes,
      positive_people = t.positive_people + excluded.positive_people,
      invalid_tubes = t.invalid_tubes + excluded.invalid_tubes`);
  await client.query('analyze');
  const sampleCount = Number((await client.query('select count(*) as n from samples')).rows[0].n);
  console.log(`${sampleCount.toLocaleString('en')} tubes in all (${(ms(t0) / 1000).toFixed(1)} s to add the rest)`);

  const leader = await benchStaffToken(server.url, data.adminPassword, {
    username: 'bench.leader',
    role: 'leader',
    unitCode: '75',
  });
  const http: number[] = [];
  let communeRows = 0;
  for (let i = 0; i < 30; i++) {
    t0 = process.hrtime.bigint();
    const r = await fetch(`${server.url}/api/v1/testing/stats/communes?days=14`, {
      headers: { authorization: `Bearer ${leader}` },
    });
    const j = (await r.json()) as { items: unknown[] };
    http.push(ms(t0));
    communeRows = j.items.length;
  }
  const sqlTimes: number[] = [];
  for (let i = 0; i < 30; i++) {
    t0 = process.hrtime.bigint();
    await client.query(`
      select d.unit_code, u.name, sum(d.people), sum(d.positive_people), sum(d.positive_tubes)
      from testing_daily_stats d join admin_units u on u.code = d.unit_code
      where d.day >= (now() at time zone 'Asia/Ho_Chi_Minh')::date - 13 and u.path like '75.%'
      group by d.unit_code, u.name`);
    sqlTimes.push(ms(t0));
  }

  const inFiles = fileCount === 1 ? '' : ` in ${fileCount} files`;
  console.log('');
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(
    `| raw COPY of ${rows.toLocaleString('en')} rows${inFiles} (baseline) | ${(copyMs / 1000).toFixed(2)} s, ${Math.round(copyRate).toLocaleString('en')} rows/s |`,
  );
  console.log(
    `| import through the API${inFiles} (validation, results, tasks, stats, events, audit) | ${(importMs / 1000).toFixed(2)} s, **${Math.round(importRate).toLocaleString('en')} rows/s** |`,
  );
  console.log(`| import / COPY | ${(importRate / copyRate).toFixed(3)} |`);
  console.log(`| positive results / test.result.positive events / tasks | ${resultPositives} / ${events} / ${tasks} |`);
  console.log(
    `| positivity by commune (${communeRows} communes, 14 days) at ${sampleCount.toLocaleString('en')} tubes, HTTP p50 / p95 | ${median(http).toFixed(1)} / ${p95(http).toFixed(1)} ms |`,
  );
  console.log(`| the same aggregate, raw SQL p50 | ${median(sqlTimes).toFixed(1)} ms |`);
  console.log('');
  console.log(
    `targets: import ≥ 10,000 rows/s → ${importRate >= 10_000 ? 'met' : 'NOT met'}; positivity < 200 ms → ${median(http) < 200 ? 'met' : 'NOT met'}`,
  );
  if (process.argv.includes('--verbose')) console.log(server.output());
} finally {
  await client.end();
  await server.stop();
  for (const f of files) rmSync(f.path, { force: true });
  if (!keep) await data.drop();
}
