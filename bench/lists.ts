/**
 * bench/lists: the long lists a tracer pages through, at 300,000 records in the tracer's scope (a province tracer,
 * unit 75), on PostgreSQL (issue 11, acceptance). The data set comes from the demo seeder (`seed-demo --scale`):
 * 300,000 people, 300,000 venues, 300,000 cases and a newest case with 300,000 contacts (a mass venue alert's size,
 * plus a second piece of evidence for one in ten). For each page:
 *   baseline  the raw indexed query of the same page — the same rows in the same order, read through the same index,
 *             straight SQL over one connection: no HTTP, session, names, counts, JSON or audit
 *   measured  the API call the web app makes (GET …?limit=50, and `after=` a cursor deep in the list), one at a time
 * Both are sampled alternately in the same run (the machine's load falls on both alike); printed: p50 / p95 of each
 * and the ratio of the p95s. Target: API p95 < 300 ms.
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bin/run-ts.js bench/lists.ts
 *     [--records 300000] [--samples 100] [--generate-only] [--drop] [--explain]
 * The data set is kept in database tv_lists_<records> and reused by the next run; `--drop` removes it afterwards.
 * `--explain` prints each baseline's plan (EXPLAIN ANALYZE) once.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { encodeCursor } from '../src/server/platform/paging.ts';
import { hashPassword } from '../src/server/platform/passwords.ts';
import { argNumber, BENCH_STAFF_PASSWORD, benchStaffToken, startServer } from './lib.ts';

const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!pgUrl) {
  console.error('bench/lists needs PostgreSQL: set BENCH_DATABASE_URL (or TEST_DATABASE_URL)');
  process.exit(2);
}
const records = argNumber('records', 300_000);
const samples = argNumber('samples', 100);
const generateOnly = process.argv.includes('--generate-only');
const dropAfter = process.argv.includes('--drop');
const explain = process.argv.includes('--explain');
const PAGE = 50;
const TARGET_MS = 300;

const name = `tv_lists_${records}`;
const admin = new pg.Client({ connectionString: pgUrl });
await admin.connect();
const existed = (await admin.query('select 1 from pg_database where datname = $1', [name])).rows.length > 0;
if (!existed) await admin.query(`create database ${name}`);
await admin.end();
const dbUrl = new URL(pgUrl);
dbUrl.pathname = `/${name}`;
const databaseUrl = dbUrl.toString();
const adminPassword = randomBytes(12).toString('base64url');
const dataDir = mkdtempSync(join(tmpdir(), 'truyvet-lists-'));
const env = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  TRUYVET_LOG_LEVEL: 'warn',
  TRUYVET_ADMIN_PASSWORD: adminPassword,
  TRUYVET_DATA_DIR: dataDir,
};

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
const count = async (q: string) =>
  Number((await client.query<{ n: string }>(q).catch(() => ({ rows: [{ n: '0' }] }))).rows[0]?.n ?? 0);
const haveCases = existed ? await count("select count(*) as n from cases where created_by = 'seed-scale'") : 0;
const haveOwn = existed ? await count("select count(*) as n from contacts where note = 'seed-scale'") : 0;
const t0 = Date.now();
if (haveCases < records || haveOwn < records) {
  // people, venues (no check-ins: the lists do not read them), then the cases and the newest case's contacts
  execFileSync(
    process.execPath,
    [
      'bin/truyvet-dev.js',
      'seed-demo',
      '--scale',
      '--people',
      String(records),
      '--venues',
      String(records),
      '--checkins',
      '0',
      '--days',
      '14',
      '--cases',
      String(records),
      '--case-contacts',
      String(records),
    ],
    { env, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  console.log(`generated in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
} else console.log(`reusing ${name}`);
if (generateOnly) {
  await client.end();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
// a kept data set may predate this version's migrations (the list indexes among them)
execFileSync(process.execPath, ['bin/truyvet-dev.js', 'migrate'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
await client.query(
  "update staff_users set password_hash = $1, failed_logins = 0, locked_until = null where username = 'admin'",
  [await hashPassword(adminPassword)],
);
await client.query("update staff_users set password_hash = $1 where username = 'bench.lists'", [
  await hashPassword(BENCH_STAFF_PASSWORD),
]);
await client.query('analyze');

const totals = {
  people: await count(
    "select count(*) as n from people p join admin_units u on u.code = p.unit_code where u.path like '75.%'",
  ),
  venues: await count(
    "select count(*) as n from venues v join admin_units u on u.code = v.unit_code where u.path like '75.%'",
  ),
  cases: await count(
    "select count(*) as n from cases c join admin_units u on u.code = c.unit_code where u.path like '75.%'",
  ),
};
const bigCase = (
  await client.query<{ id: string }>(
    "select c.id from cases c join scale_people s on s.id = c.person_id where s.idx = 1 and c.created_by = 'seed-scale'",
  )
).rows[0]?.id as string;
const bigContacts = await count(`select count(distinct person_id) as n from contacts where case_id = '${bigCase}'`);
console.log(
  `in scope (province 75): ${totals.people.toLocaleString('en')} people, ${totals.venues.toLocaleString('en')} venues, ` +
    `${totals.cases.toLocaleString('en')} cases; the newest case has ${bigContacts.toLocaleString('en')} contacts`,
);

// cursors deep in each list (half way), made the way the server makes them: the key of the row before the page
const deepCase = (
  await client.query<{ k: string; id: string }>(
    `select coalesce(c.confirmed_at, '-infinity'::timestamptz)::text as k, c.id from cases c
     order by coalesce(c.confirmed_at, '-infinity'::timestamptz) desc, c.id desc offset ${Math.floor(totals.cases / 2)} limit 1`,
  )
).rows[0];
const RANK = `k.degree, (case k.via_type when 'household' then 0 when 'manual' then 1 when 'venue' then 2 else 3 end),
  (-coalesce(k.overlap_minutes, 0)), coalesce(k.overlap_start, '-infinity'::timestamptz), k.id`;
const RANK_S = RANK.replaceAll('k.', 's.');
const deepContact = (
  await client.query<{ d: number; v: number; m: number; s: string; id: string }>(
    `select k.degree as d, (case k.via_type when 'household' then 0 when 'manual' then 1 when 'venue' then 2 else 3 end) as v,
       (-coalesce(k.overlap_minutes, 0)) as m, coalesce(k.overlap_start, '-infinity'::timestamptz)::text as s, k.id
     from contacts k where k.case_id = $1 order by k.case_id, ${RANK} offset ${Math.floor(bigContacts / 2)} limit 1`,
    [bigCase],
  )
).rows[0];
const deepVenue = (
  await client.query<{ name: string; id: string }>(
    `select v.name, v.id from venues v order by v.name, v.id offset ${Math.floor(totals.venues / 2)} limit 1`,
  )
).rows[0];
if (!deepCase || !deepContact || !deepVenue) throw new Error('the data set is empty');

interface Scenario {
  label: string;
  /** the API path (GET) */
  path: string;
  /** the raw indexed query of the same page */
  sql: string;
  params: unknown[];
}
const fold = (s: string) => `%${s}%`;
const SCOPE = `join admin_units u on u.code = %.unit_code and u.path like '75.%%'`;
const scoped = (alias: string) => SCOPE.replace('%.', `${alias}.`).replace('%%', '%');
const contactPage = (after: string) => `select k.person_id from contacts k
  where k.case_id = $1 ${after}
    and not exists (select 1 from contacts s where s.case_id = k.case_id and s.person_id = k.person_id
                    and (${RANK_S}) < (${RANK}))
  order by k.case_id, ${RANK} limit ${PAGE + 1}`;
const scenarios: Scenario[] = [
  {
    label: 'cases: first page',
    path: `/api/v1/cases?limit=${PAGE}`,
    sql: `select c.id from cases c ${scoped('c')}
      order by coalesce(c.confirmed_at, '-infinity'::timestamptz) desc, c.id desc limit ${PAGE + 1}`,
    params: [],
  },
  {
    label: 'cases: a page half way (after=)',
    path: `/api/v1/cases?limit=${PAGE}&after=${encodeCursor([deepCase.k, deepCase.id])}`,
    sql: `select c.id from cases c ${scoped('c')}
      where (coalesce(c.confirmed_at, '-infinity'::timestamptz), c.id) < ($1::timestamptz, $2::uuid)
      order by coalesce(c.confirmed_at, '-infinity'::timestamptz) desc, c.id desc limit ${PAGE + 1}`,
    params: [deepCase.k, deepCase.id],
  },
  {
    label: 'cases: search a code (q=S0150000)',
    path: `/api/v1/cases?limit=${PAGE}&q=S0150000`,
    sql: `select c.id from cases c ${scoped('c')}
      where c.id in (select id from cases where display_code ilike '%S0150000%'
                     union select m.id from cases m join people f on f.id = m.person_id where f.name_folded like '%s0150000%')
      order by coalesce(c.confirmed_at, '-infinity'::timestamptz) desc, c.id desc limit ${PAGE + 1}`,
    params: [],
  },
  {
    label: 'cases: search a name (q=Người thử 150000)',
    path: `/api/v1/cases?limit=${PAGE}&q=${encodeURIComponent('Người thử 150000')}`,
    sql: `select c.id from cases c ${scoped('c')}
      where c.id in (select id from cases where display_code ilike '%Người thử 150000%'
                     union select m.id from cases m join people f on f.id = m.person_id where f.name_folded like '%nguoi thu 150000%')
      order by coalesce(c.confirmed_at, '-infinity'::timestamptz) desc, c.id desc limit ${PAGE + 1}`,
    params: [],
  },
  {
    label: 'contacts of the newest case: first page',
    path: `/api/v1/cases/${bigCase}/contacts?limit=${PAGE}`,
    sql: contactPage(''),
    params: [bigCase],
  },
  {
    label: 'contacts: a page half way (after=)',
    path: `/api/v1/cases/${bigCase}/contacts?limit=${PAGE}&after=${encodeCursor([deepContact.d, deepContact.v, deepContact.m, deepContact.s, deepContact.id])}`,
    sql: contactPage(
      `and (k.case_id, ${RANK}) > ($1::uuid, $2::smallint, $3::int, $4::int, $5::timestamptz, $6::uuid)`,
    ),
    params: [bigCase, deepContact.d, deepContact.v, deepContact.m, deepContact.s, deepContact.id],
  },
  {
    label: 'contacts: F2 only',
    path: `/api/v1/cases/${bigCase}/contacts?limit=${PAGE}&degree=2`,
    sql: `select k.person_id from contacts k where k.case_id = $1 and k.degree = 2
      and not exists (select 1 from contacts s where s.case_id = k.case_id and s.person_id = k.person_id
                      and s.degree = 2 and (${RANK_S}) < (${RANK}))
      order by k.case_id, ${RANK} limit ${PAGE + 1}`,
    params: [bigCase],
  },
  {
    label: 'contacts: search a name',
    path: `/api/v1/cases/${bigCase}/contacts?limit=${PAGE}&q=${encodeURIComponent('Người thử 150000')}`,
    sql: `select k.person_id from contacts k join people p on p.id = k.person_id ${scoped('p')}
      where k.case_id = $1 and p.name_folded like '%nguoi thu 150000%'
        and not exists (select 1 from contacts s where s.case_id = k.case_id and s.person_id = k.person_id
                        and (${RANK_S}) < (${RANK}))
      order by k.case_id, ${RANK} limit ${PAGE + 1}`,
    params: [bigCase],
  },
  {
    label: 'venues: first page',
    path: `/api/v1/venues?limit=${PAGE}`,
    sql: `select v.id from venues v ${scoped('v')} order by v.name, v.id limit ${PAGE + 1}`,
    params: [],
  },
  {
    label: 'venues: a page half way (after=)',
    path: `/api/v1/venues?limit=${PAGE}&after=${encodeCursor([deepVenue.name, deepVenue.id])}`,
    sql: `select v.id from venues v ${scoped('v')} where (v.name, v.id) > ($1, $2::uuid)
      order by v.name, v.id limit ${PAGE + 1}`,
    params: [deepVenue.name, deepVenue.id],
  },
  {
    label: 'venues: search a name (q=Địa điểm 150000)',
    path: `/api/v1/venues?limit=${PAGE}&q=${encodeURIComponent('Địa điểm 150000')}`,
    sql: `select v.id from venues v ${scoped('v')} where v.name ilike '%Địa điểm 150000%'
      order by v.name, v.id limit ${PAGE + 1}`,
    params: [],
  },
  {
    label: 'people: search a full name',
    path: `/api/v1/people?limit=20&q=${encodeURIComponent('Người thử 150000')}`,
    sql: `select p.id from people p ${scoped('p')}
      where p.name_folded like $1 order by p.name limit 20`,
    params: [fold('nguoi thu 150000')],
  },
  {
    label: 'people: search a common fragment (q=thu 12)',
    path: `/api/v1/people?limit=20&q=${encodeURIComponent('thu 12')}`,
    sql: `select p.id from people p ${scoped('p')}
      where p.name_folded like $1 order by p.name limit 20`,
    params: [fold('thu 12')],
  },
  {
    label: 'people: search a name nobody has',
    path: `/api/v1/people?limit=20&q=${encodeURIComponent('Không Ai Tên Này')}`,
    sql: `select p.id from people p ${scoped('p')}
      where p.name_folded like $1 order by p.name limit 20`,
    params: [fold('khong ai ten nay')],
  },
  {
    label: 'people: search a phone',
    path: `/api/v1/people?limit=20&q=${encodeURIComponent('0970150000')}`,
    sql: `select p.id from people p ${scoped('p')} where p.phone = $1 order by p.name limit 20`,
    params: ['+84970150000'],
  },
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

const server = await startServer(
  { kind: 'postgres', dataDir, databaseUrl, adminPassword, drop: async () => {} },
  { NODE_ENV: 'production' },
  'api',
  // not `start`: the demo province would seed two weeks of check-ins at all 300,000 venues first
  'serve',
);
interface Row {
  label: string;
  rows: number;
  rawP50: number;
  rawP95: number;
  apiP50: number;
  apiP95: number;
}
const results: Row[] = [];
try {
  const token = await benchStaffToken(server.url, adminPassword, {
    username: 'bench.lists',
    role: 'tracer',
    unitCode: '75',
  });
  const call = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.text();
    if (!res.ok) throw new Error(`GET ${path} → ${res.status} ${body}`);
    return (JSON.parse(body) as unknown[]).length;
  };
  for (const s of scenarios) {
    try {
      await call(s.path);
    } catch (err) {
      console.log(`${s.label}: FAILED ${(err as Error).message.slice(0, 200)}`);
      continue;
    }
    if (explain) {
      const plan = await client.query(`explain (analyze, buffers) ${s.sql}`, s.params);
      console.log(`\n-- ${s.label}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
    }
    // warm both paths (plans prepared, pages in the cache), then alternate them
    let rows = 0;
    for (let i = 0; i < 5; i++) {
      await client.query(s.sql, s.params);
      rows = await call(s.path);
    }
    const raw: number[] = [];
    const apiTimes: number[] = [];
    for (let i = 0; i < samples; i++) {
      let t = performance.now();
      await client.query(s.sql, s.params);
      raw.push(performance.now() - t);
      t = performance.now();
      await call(s.path);
      apiTimes.push(performance.now() - t);
    }
    const row = {
      label: s.label,
      rows,
      rawP50: pct(raw, 50),
      rawP95: pct(raw, 95),
      apiP50: pct(apiTimes, 50),
      apiP95: pct(apiTimes, 95),
    };
    results.push(row);
    console.log(
      `${row.label}: raw p95 ${row.rawP95.toFixed(1)} ms, API p95 ${row.apiP95.toFixed(1)} ms (${row.rows} rows)`,
    );
  }
} finally {
  await server.stop();
  await client.end();
  rmSync(dataDir, { recursive: true, force: true });
  if (dropAfter) {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  }
}

console.log(
  `\n# lists (${new Date().toISOString()}; ${records.toLocaleString('en')} records in scope; ${samples} samples each, ` +
    'one request at a time, raw and API alternating)',
);
console.log(
  `${'page'.padEnd(44)} ${'rows'.padStart(4)} | ${'raw SQL p50 / p95 ms'.padStart(20)} | ${'API p50 / p95 ms'.padStart(17)} | API/raw p95 | < ${TARGET_MS} ms`,
);
for (const r of results)
  console.log(
    `${r.label.padEnd(44)} ${String(r.rows).padStart(4)} | ${r.rawP50.toFixed(1).padStart(9)} / ${r.rawP95.toFixed(1).padStart(8)} | ${r.apiP50.toFixed(1).padStart(7)} / ${r.apiP95.toFixed(1).padStart(7)} | ${(r.apiP95 / Math.max(r.rawP95, 0.01)).toFixed(1).padStart(10)}× | ${r.apiP95 < TARGET_MS ? 'yes' : 'NO'}`,
  );
const worst = results.reduce((a, b) => (b.apiP95 > a.apiP95 ? b : a), results[0] as Row);
console.log(
  `worst API p95: ${worst.apiP95.toFixed(1)} ms (${worst.label}); target < ${TARGET_MS} ms: ${worst.apiP95 < TARGET_MS ? 'met' : 'NOT met'}`,
);
