/**
 * The vendored EU DCC 1.3.0 schema (assets/dcc-schema) through Ajv's draft 2020-12 validator: the EU test data's
 * own payloads of AT, DE, ES and FR (their SCHEMAVALIDATION expectations, all made against 1.3.x) agree with it, and
 * the constraints our issuance relies on are really checked. Our issued certificates are validated against it in
 * greenpass.int.test.ts (test, recovery and vaccination).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DCC_SCHEMA, DCC_SCHEMA_VERSION, dccSchemaErrors, validateDcc } from './dcc-schema.ts';

const fixtures = fileURLToPath(new URL('../../../../test/fixtures/dcc-testdata/', import.meta.url));

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? jsonFiles(p) : f.endsWith('.json') ? [p] : [];
  });
}

const valid = {
  ver: '1.3.0',
  nam: { fn: 'Nguyễn Văn', fnt: 'NGUYEN<VAN', gn: 'Phát', gnt: 'PHAT' },
  dob: '1990-05-17',
  t: [
    {
      tg: '840539006',
      tt: 'LP6464-4',
      sc: '2026-12-01T08:00:00Z',
      tr: '260415000',
      tc: 'CDC Đồng Nai',
      co: 'VN',
      is: 'Bộ Y tế Việt Nam (Truyvet)',
      ci: 'URN:UVCI:01:VN:TRUYVET/0123456789ABCDEF0123456789#X',
    },
  ],
};

describe('the vendored DCC JSON schema', () => {
  it('is the published 1.3.0 schema, draft 2020-12', () => {
    expect(DCC_SCHEMA_VERSION).toBe('1.3.0');
    expect(DCC_SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(DCC_SCHEMA.$id).toBe('https://id.uvci.eu/DCC.combined-schema.json');
  });

  it("agrees with the AT, DE, ES and FR test data's SCHEMAVALIDATION expectations", () => {
    let checked = 0;
    for (const country of ['AT', 'DE', 'ES', 'FR']) {
      for (const file of jsonFiles(join(fixtures, country))) {
        const c = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as {
          JSON?: unknown;
          EXPECTEDRESULTS?: { EXPECTEDSCHEMAVALIDATION?: boolean };
        };
        const expected = c.EXPECTEDRESULTS?.EXPECTEDSCHEMAVALIDATION;
        if (expected === undefined || c.JSON === undefined) continue;
        expect(validateDcc(c.JSON), file).toBe(expected);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('accepts a payload as we issue it and refuses what 1.3.0 forbids', () => {
    expect(dccSchemaErrors(valid)).toEqual([]);
    const { t, ...withoutGroup } = valid;
    const bad: Array<[string, unknown]> = [
      ['no group', withoutGroup],
      ['two groups', { ...valid, r: [{ tg: '840539006' }] }],
      ['two tests', { ...valid, t: [t[0], t[0]] }],
      ['no fnt', { ...valid, nam: { gnt: 'PHAT' } }],
      ['lower-case fnt', { ...valid, nam: { fnt: 'Nguyen' } }],
      ['fnt over 80', { ...valid, nam: { fnt: 'A'.repeat(81) } }],
      ['birth 1899', { ...valid, dob: '1899-12-31' }],
      ['sample time not a date-time', { ...valid, t: [{ ...t[0], sc: '2026-12-01' }] }],
      ['no certificate id', { ...valid, t: [{ ...t[0], ci: undefined }] }],
    ];
    for (const [why, dcc] of bad) expect(validateDcc(JSON.parse(JSON.stringify(dcc))), why).toBe(false);
    // a year or year-month of birth, and an empty one, are allowed (1.3.0)
    for (const dob of ['1990', '1990-05', '']) expect(validateDcc({ ...valid, dob }), dob).toBe(true);
  });
});
