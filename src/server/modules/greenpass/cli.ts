/**
 * `truyvet dcc conformance <dir>` (wired in main.ts): runs the EU DCC test-data checks (src/greenpass/conformance.ts)
 * on every `*.json` under a folder — one JSON line per check, then `N passed, N failed`. Needs no database.
 * PICTUREDECODE reads the 2DCODE PNG (picture.ts); SCHEMAVALIDATION (against DCC 1.3.0) runs only with `--schema`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { runConformanceCase } from '../../../greenpass/conformance.ts';
import { nodeCrypto } from '../../../greenpass/node-crypto.ts';
import { validateDcc } from './dcc-schema.ts';
import { decodeQrPng } from './picture.ts';

export class UnusableInputError extends Error {}

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    if (depth > 32) return;
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p, depth + 1);
      else if (st.isFile() && name.toLowerCase().endsWith('.json')) out.push(p);
    }
  };
  walk(dir, 0);
  return out;
}

export interface ConformanceReport {
  lines: string[];
  passed: number;
  failed: number;
  /** Files that are not test cases (not JSON, or not an object), with why. */
  unreadable: string[];
}

/**
 * Runs every check each case expects; a file that cannot be read as a test case is reported and skipped. Throws
 * `UnusableInputError` when `dir` is not a readable folder or holds no JSON file at all (exit 2).
 */
export async function conformanceCommand(
  dir: string,
  options: { schema?: boolean; onLine?: (line: string) => void } = {},
): Promise<ConformanceReport> {
  const onLine = options.onLine;
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UnusableInputError(`${dir} is not a folder`);
    files = jsonFiles(dir);
  } catch (err) {
    if (err instanceof UnusableInputError) throw err;
    throw new UnusableInputError(`cannot read ${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (files.length === 0) throw new UnusableInputError(`no *.json files under ${dir}`);
  const crypto = nodeCrypto();
  const report: ConformanceReport = { lines: [], passed: 0, failed: 0, unreadable: [] };
  const emit = (line: string) => {
    report.lines.push(line);
    onLine?.(line);
  };
  for (const file of files) {
    const rel = relative(dir, file).split(sep).join('/');
    let testCase: unknown;
    try {
      testCase = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
    } catch (err) {
      report.unreadable.push(`${rel}: ${err instanceof Error ? err.message : 'not JSON'}`);
      continue;
    }
    if (typeof testCase !== 'object' || testCase === null || Array.isArray(testCase)) {
      report.unreadable.push(`${rel}: not a test case object`);
      continue;
    }
    const results = await runConformanceCase(testCase as Record<string, unknown>, {
      crypto,
      // Off by default: each issuer's SCHEMAVALIDATION expectations follow the schema version (1.0.x–1.3.x) and the
      // validator they used; against 1.3.0 the NL set disagrees in 86 of 263 cases, so it is opt-in
      validateSchema: options.schema ? validateDcc : undefined,
      // the 2DCODE PNG read back with pngjs + jsQR
      decodePicture: decodeQrPng,
    });
    for (const r of results) {
      if (r.actual === r.expected) report.passed++;
      else report.failed++;
      emit(JSON.stringify({ file: rel, check: r.check, expected: r.expected, actual: r.actual }));
    }
  }
  emit(`${report.passed} passed, ${report.failed} failed`);
  return report;
}
