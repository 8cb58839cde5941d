import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { conformanceCommand, UnusableInputError } from './cli.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const fixtures = join(root, 'test/fixtures/dcc-testdata');
const scratch = mkdtempSync(join(tmpdir(), 'dcc-conformance-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('truyvet dcc conformance', () => {
  it('runs every expected check of the EU test data and gets them all right', async () => {
    const report = await conformanceCommand(fixtures);
    expect(report.failed).toBe(0);
    expect(report.passed).toBeGreaterThan(2800);
    expect(report.lines.at(-1)).toBe(`${report.passed} passed, 0 failed`);
    const first = JSON.parse(report.lines[0] as string);
    expect(Object.keys(first)).toEqual(['file', 'check', 'expected', 'actual']);
    expect(report.lines).toContain(
      JSON.stringify({ file: 'common/2DCode/raw/CO22.json', check: 'EXPECTEDVERIFY', expected: false, actual: false }),
    );
    // PICTUREDECODE: every 2DCODE PNG of the test data read back to its PREFIX (one case expects a failure)
    const pictures = report.lines.filter((l) => l.includes('"EXPECTEDPICTUREDECODE"')).map((l) => JSON.parse(l));
    expect(pictures).toHaveLength(332);
    expect(pictures.filter((p) => p.expected === false)).toHaveLength(1);
    // no SCHEMAVALIDATION line without --schema
    expect(report.lines.some((l) => l.includes('SCHEMAVALIDATION'))).toBe(false);
  });

  it('skips what is not a test case and checks whose inputs are missing; fails a wrong expectation', async () => {
    const dir = join(scratch, 'mixed');
    execFileSync('mkdir', ['-p', join(dir, 'sub')]);
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    writeFileSync(join(dir, 'array.json'), '[]');
    writeFileSync(
      join(dir, 'sub/one.json'),
      JSON.stringify({
        PREFIX: 'HC2:ABC',
        EXPECTEDRESULTS: { EXPECTEDUNPREFIX: true, EXPECTEDVERIFY: false, EXPECTEDVALIDJSON: true },
      }),
    );
    const report = await conformanceCommand(dir);
    // VERIFY has no certificate and VALIDJSON no JSON: skipped
    expect(report.lines).toEqual([
      JSON.stringify({ file: 'sub/one.json', check: 'EXPECTEDUNPREFIX', expected: true, actual: false }),
      '0 passed, 1 failed',
    ]);
    expect(report.unreadable).toHaveLength(2);
  });

  it('refuses a folder that does not exist or holds no JSON (exit 2), exit 0 when checks fail', async () => {
    await expect(conformanceCommand(join(scratch, 'nope'))).rejects.toThrow(UnusableInputError);
    const empty = join(scratch, 'empty');
    execFileSync('mkdir', ['-p', empty]);
    await expect(conformanceCommand(empty)).rejects.toThrow(/no \*\.json/);
    const run = (dir: string) =>
      spawnSync(process.execPath, ['bin/truyvet-dev.js', 'dcc', 'conformance', dir], { cwd: root, encoding: 'utf8' });
    expect(run(empty).status).toBe(2);
    const ok = run(join(fixtures, 'common'));
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed$/);
  }, 60_000);
});
