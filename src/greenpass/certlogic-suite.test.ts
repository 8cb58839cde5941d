/**
 * The CertLogic specification's own test suite (test/fixtures/certlogic, Apache-2.0, see its NOTICE) run against our
 * evaluator: every assertion of every case, as the reference implementations run it — the case's expression (or the
 * assertion's own) evaluated on the assertion's data must deep-equal the expected value. Assertions the suite marks
 * `"directive": "skip"` are skipped, as the suite asks; nothing else is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from './certlogic.ts';

interface Assertion {
  data: unknown;
  expected: unknown;
  directive?: 'skip' | 'only';
  certLogicExpression?: unknown;
  message?: string;
}
interface TestCase {
  name: string;
  directive?: 'skip' | 'only';
  certLogicExpression?: unknown;
  assertions: Assertion[];
}
interface TestSuite {
  name: string;
  directive?: 'skip' | 'only';
  cases: TestCase[];
}

const DIR = new URL('../../test/fixtures/certlogic/testSuite/', import.meta.url);
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const suites = files.map((f) => ({ file: f, suite: JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as TestSuite }));

describe('CertLogic specification test suite', () => {
  it('is all there: 13 files, every assertion counted', () => {
    expect(files).toHaveLength(13);
    const assertions = suites.flatMap(({ suite }) => suite.cases.flatMap((c) => c.assertions));
    const skipped = assertions.filter((a) => a.directive === 'skip');
    // 220 assertions in all; the suite itself skips 4 (ins-with-nulls: `in` on a missing or null array)
    expect([assertions.length, skipped.length]).toEqual([220, 4]);
  });

  for (const { file, suite } of suites) {
    describe(`${file}: ${suite.name}`, () => {
      for (const testCase of suite.cases) {
        it(testCase.name, () => {
          const failures: string[] = [];
          for (const [i, a] of testCase.assertions.entries()) {
            if (a.directive === 'skip' || testCase.directive === 'skip' || suite.directive === 'skip') continue;
            const expr = a.certLogicExpression ?? testCase.certLogicExpression;
            let actual: unknown;
            try {
              actual = evaluate(expr, a.data);
            } catch (err) {
              actual = `threw ${(err as Error).message}`;
            }
            try {
              expect(actual).toStrictEqual(a.expected);
            } catch {
              failures.push(
                `#${i} ${JSON.stringify(expr)} on ${JSON.stringify(a.data)}: expected ${JSON.stringify(a.expected)}, ` +
                  `got ${JSON.stringify(actual)}${a.message ? ` (${a.message})` : ''}`,
              );
            }
          }
          expect(failures).toEqual([]);
        });
      }
    });
  }
});
