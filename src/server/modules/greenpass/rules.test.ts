/**
 * The verifier's rule runner (src/greenpass/certlogic.ts `runRules`) under malformed rules, as a rule set stored
 * before the publishing schema typed them, or fetched from elsewhere, may hold: it never throws; a rule whose
 * `Version`, `ValidFrom` or `ValidTo` is not what the EU rule format says fails (closed) instead of being skipped or
 * breaking every verification; a malformed `Description` only loses the description.
 */
import { describe, expect, it } from 'vitest';
import { type BusinessRule, runRules } from '../../../greenpass/certlogic.ts';

const input = {
  payload: { t: [{ tg: '840539006' }] },
  type: 't' as const,
  valueSets: {},
  clock: new Date('2026-01-10T00:00:00Z'),
  countryCode: 'VN',
  lang: 'en',
};
const rule = (over: Record<string, unknown>): BusinessRule =>
  ({
    Identifier: 'TR-VN-0001',
    CertificateType: 'Test',
    Version: '1.0.0',
    ValidFrom: '2021-01-01T00:00:00Z',
    ValidTo: '2030-01-01T00:00:00Z',
    Description: [{ lang: 'en', desc: 'about COVID-19' }],
    Logic: { '===': [{ var: 'payload.t.0.tg' }, '840539006'] },
    ...over,
  }) as unknown as BusinessRule;

describe('runRules with malformed rules', () => {
  it('runs a well-formed rule', () => {
    expect(runRules([rule({})], input)).toEqual([
      { identifier: 'TR-VN-0001', passed: true, description: 'about COVID-19' },
    ]);
  });

  it('ignores a malformed version that its own plain dates put out of force, beside a well-formed one in force', () => {
    const expired = rule({ Version: 1, ValidTo: '2022-01-01T00:00:00Z', Logic: { '===': [1, 2] } });
    const future = rule({ Version: 7, ValidFrom: '2029-01-01T00:00:00Z' });
    expect(runRules([expired, future, rule({ Version: '2.0.0' })], input)).toEqual([
      { identifier: 'TR-VN-0001', passed: true, description: 'about COVID-19' },
    ]);
  });

  it('fails (closed) a rule whose Version, ValidFrom or ValidTo is malformed, and never throws', () => {
    for (const bad of [
      { Version: 2 },
      { Version: { major: 1 } },
      { ValidFrom: 5 },
      { ValidFrom: 'soon' },
      { ValidTo: [] },
    ]) {
      const outcome = runRules([rule(bad)], input);
      expect(outcome, JSON.stringify(bad)).toEqual([
        {
          identifier: 'TR-VN-0001',
          passed: false,
          error: expect.stringMatching(/^malformed rule/),
          description: 'about COVID-19',
        },
      ]);
    }
    // a malformed version beside a good one of the same rule: the rule fails, whichever came first
    expect(runRules([rule({}), rule({ Version: 3 })], input).map((o) => o.passed)).toEqual([false]);
    expect(runRules([rule({ Version: 3 }), rule({})], input).map((o) => o.passed)).toEqual([false]);
  });

  it('ignores a malformed Description (the rule still runs, without a description)', () => {
    for (const Description of ['about COVID-19', 42, [null, 'x', { lang: 'en' }], { en: 'x' }]) {
      expect(runRules([rule({ Description })], input), JSON.stringify(Description)).toEqual([
        { identifier: 'TR-VN-0001', passed: true, description: undefined },
      ]);
    }
    expect(
      runRules(
        [
          rule({
            Description: [
              { lang: 'vi', desc: 42 },
              { lang: 'vi', desc: 'về COVID-19' },
            ],
          }),
        ],
        input,
      ),
    ).toEqual([{ identifier: 'TR-VN-0001', passed: true, description: 'về COVID-19' }]);
  });

  it('answers a rule set that is not a list, or holds things that are not rules, without throwing', () => {
    expect(runRules({} as unknown as BusinessRule[], input)).toEqual([
      { identifier: 'RULES', passed: false, error: 'the rule set is not a list' },
    ]);
    expect(runRules([null, 7, 'x', rule({})] as unknown as BusinessRule[], input).map((o) => o.passed)).toEqual([true]);
  });
});
