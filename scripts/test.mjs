#!/usr/bin/env node
// The one test command (`npm test`): lint, typecheck, server tests on PGlite, the same tests on PostgreSQL when
// TEST_DATABASE_URL is set, then browser e2e when Chromium is found. With TRUYVET_TEST_REQUIRE_ALL=1 (CI) a missing
// database or browser is a failure instead of a skip. Ends with one line "tests: N passed, N failed": a step that
// fails without failing tests of its own (lint, typecheck, build, a crashed or empty runner, a missing part under
// TRUYVET_TEST_REQUIRE_ALL) counts as one failure there, so the summary and the exit code never disagree. A failing
// test gets one more try; one that passes only on it counts as passed and is named as flaky above that line, and
// every test that failed both tries is named too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const requireAll = process.env.TRUYVET_TEST_REQUIRE_ALL === '1';
const root = new URL('..', import.meta.url).pathname;
const tmp = join(root, 'node_modules', '.cache', 'truyvet-test');
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
const failures = [];
const flaky = [];

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label} ===`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(
    `--- ${label}: ${result.status === 0 ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return result.status === 0;
}

function vitest(label, extraArgs, env = {}) {
  const out = join(tmp, `${label.replace(/\W+/g, '-')}.json`);
  const ok = run(
    label,
    'npx',
    // one more try for a failing test (a loaded 2-core CI machine); one that passes only then is named below as flaky
    ['vitest', 'run', '--retry=1', ...extraArgs, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    env,
  );
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    for (const file of report.testResults ?? []) {
      const name = file.name.startsWith(root) ? file.name.slice(root.length) : file.name;
      let failedHere = 0;
      for (const t of file.assertionResults ?? []) {
        const why = String(t.failureMessages?.[0] ?? '').split('\n')[0];
        const line = `${label}: ${name} > ${t.fullName}${why ? ` — ${why}` : ''}`;
        if (t.status === 'failed') {
          failedHere++;
          failures.push(line);
        } else if (t.status === 'passed' && (t.failureMessages ?? []).length > 0) flaky.push(line);
      }
      // a file that failed to load or in a hook has no failed test of its own; name it still
      if (file.status === 'failed' && failedHere === 0)
        failures.push(`${label}: ${name} (${file.message || 'failed'})`);
    }
    if (report.numTotalTests === 0) problems.push(`${label}: no tests ran`);
    if (!ok && report.numFailedTests === 0) problems.push(`${label}: runner failed`);
  } else {
    problems.push(`${label}: no report (runner crashed)`);
  }
  return ok;
}

function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  return candidates.find((p) => existsSync(p));
}

if (!run('lint (biome, dependency-cruiser)', 'npm', ['run', 'lint', '--silent'])) problems.push('lint failed');
if (!run('typecheck (tsc)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'])) problems.push('typecheck failed');

const pgUrl = process.env.TEST_DATABASE_URL;
vitest('server tests on PGlite', [], { TEST_DATABASE_URL: '' });
if (pgUrl) {
  vitest('server tests on PostgreSQL', [], { TEST_DATABASE_URL: pgUrl });
} else if (requireAll) {
  problems.push('TEST_DATABASE_URL is not set but TRUYVET_TEST_REQUIRE_ALL=1');
} else {
  console.log('\n(skipping the PostgreSQL run: set TEST_DATABASE_URL=postgres://… to include it)');
}

const chromium = findChromium();
if (chromium) {
  // the browser suite runs the compiled server (bin/truyvet.js → dist/server) with the built web app
  if (run('build server and web app', 'npm', ['run', 'build', '--silent'])) {
    vitest('browser e2e', ['--config', 'vitest.e2e.config.ts'], { CHROMIUM_PATH: chromium });
  } else {
    problems.push('build failed');
  }
} else if (requireAll) {
  problems.push('Chromium not found (CHROMIUM_PATH, /usr/bin/chromium) but TRUYVET_TEST_REQUIRE_ALL=1');
} else {
  console.log('\n(skipping browser e2e: no Chromium found; install Debian chromium or set CHROMIUM_PATH)');
}

console.log('');
// the failing tests by name, last, so that the tail of a CI log says which they were
for (const f of flaky) console.log(`flaky (failed, then passed on its second try): ${f.split('\n')[0].slice(0, 400)}`);
for (const f of failures) console.log(`failed: ${f.split('\n')[0].slice(0, 400)}`);
for (const p of problems) console.log(`problem: ${p}`);
failed += problems.length;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
