/** Barcodes, pool-size advice, the results file reader and the policy table: pure, no database. */
import { describe, expect, it } from 'vitest';
import type { StaffActor } from '../../platform/access.ts';
import { STAFF_ROLES, type StaffRole } from '../../platform/roles.ts';
import { barcodeOf, luhnDigit, normalizeBarcode } from './barcode.ts';
import { testingActions } from './constants.ts';
import { parseCt, parseResultsCsv, parseTestedAt } from './csv.ts';
import { can, type TestingAction } from './policy.ts';
import { advisePoolSize, estimatePositivity, testsPerPerson } from './pooling.ts';

const NOW = new Date('2021-08-20T12:00:00Z');
const bytes = (s: string) => new TextEncoder().encode(s);

describe('barcodes', () => {
  it('issues 12 digits with a Luhn check digit that catches one wrong digit and swapped neighbours', () => {
    const code = barcodeOf(1234);
    expect(code).toMatch(/^\d{12}$/);
    expect(normalizeBarcode(code)).toBe(code);
    expect(luhnDigit('7992739871')).toBe(3);
    const wrong = `${code.slice(0, 5)}${(Number(code[5]) + 1) % 10}${code.slice(6)}`;
    expect(normalizeBarcode(wrong)).toBeUndefined();
    expect(normalizeBarcode(' lab-2021-0001 ')).toBe('LAB-2021-0001');
    expect(normalizeBarcode('ab')).toBeUndefined();
    expect(normalizeBarcode('a b c d')).toBeUndefined();
  });
});

describe('Dorfman pool-size advice', () => {
  it('minimises 1/k + 1 − (1 − p)^k, capped by the maximum, and tests individually when p is high', () => {
    expect(testsPerPerson(1, 0.2)).toBe(1);
    expect(advisePoolSize(0, 10).poolSize).toBe(10);
    expect(advisePoolSize(0.01, 20)).toEqual({ poolSize: 11, testsPerPerson: 0.1956 });
    expect(advisePoolSize(0.01, 10).poolSize).toBe(10);
    expect(advisePoolSize(0.05, 10).poolSize).toBe(5);
    expect(advisePoolSize(0.35, 10)).toEqual({ poolSize: 1, testsPerPerson: 1 });
    expect(advisePoolSize(Number.NaN, 10).poolSize).toBe(10);
  });

  it('estimates positivity from individual positives and one per positive pool', () => {
    expect(estimatePositivity({ people: 0, positivePeople: 0, positivePools: 0 })).toBe(0);
    expect(estimatePositivity({ people: 100, positivePeople: 1, positivePools: 2 })).toBeCloseTo(0.03);
  });
});

describe('the results file', () => {
  it('reads BOM, CRLF, quoted fields with commas and line breaks, and names rows by their first line', () => {
    const csv =
      '\uFEFFbarcode,result,ct,tested_at\r\n' +
      'AB-1001,positive,"24,5",2021-08-20 10:00\r\n' +
      '\r\n' +
      '"AB\n1002",negative,,2021-08-20T10:00:00Z\r\n' +
      'AB-1003,Negative,,2021-08-20T10:00:00+07:00\r\n';
    const { rows, rejected } = parseResultsCsv(bytes(csv), NOW);
    expect(rows.map((r) => [r.row, r.barcode, r.result, r.ct])).toEqual([
      [2, 'AB-1001', 'positive', 24.5],
      [6, 'AB-1003', 'negative', null],
    ]);
    // no offset: Vietnam time
    expect(rows[0]?.testedAt.toISOString()).toBe('2021-08-20T03:00:00.000Z');
    expect(rejected).toEqual([{ row: 4, code: 'BARCODE_INVALID' }]);
  });

  it('reports an unclosed quote as a malformed line and keeps the lines before it', () => {
    const { rows, rejected } = parseResultsCsv(
      bytes('barcode,result,ct,tested_at\nAB-1,negative,,2021-08-20T10:00:00Z\n"AB-2,neg\n'),
      NOW,
    );
    expect(rows).toHaveLength(1);
    expect(rejected).toEqual([{ row: 3, code: 'CSV_MALFORMED' }]);
  });

  it('refuses dates that roll over, years out of range, Ct outside 0–60 and results from the future', () => {
    expect(parseTestedAt('2021-02-30T10:00:00Z')).toBeUndefined();
    expect(parseTestedAt('1899-12-31T10:00:00Z')).toBeUndefined();
    expect(parseTestedAt('2021-08-20T10:00:00-05:00')?.toISOString()).toBe('2021-08-20T15:00:00.000Z');
    expect(parseCt('61')).toBeUndefined();
    expect(parseCt('abc')).toBeUndefined();
    expect(parseCt(' ')).toBeNull();
    expect(parseCt('N/A')).toBeNull();
    expect(parseCt('Undetermined')).toBeNull();
    const { rejected } = parseResultsCsv(
      bytes('barcode,result,ct,tested_at\nAB-1,negative,,2021-08-21T10:00:00Z\n'),
      NOW,
    );
    expect(rejected).toEqual([{ row: 2, code: 'RESULT_TIME_IN_FUTURE' }]);
  });
});

describe('who may do what (role × action, in their area and outside it)', () => {
  const staff = (role: StaffRole, unitPath = '75.731.'): StaffActor => ({
    kind: 'staff',
    userId: 'u',
    username: 'u',
    displayName: 'u',
    sessionId: 's',
    grants: [{ role, unitCode: 'x', unitPath }],
  });
  const inside = { unitPath: '75.731.25993.' };
  const outside = { unitPath: '75.732.26000.' };
  for (const role of STAFF_ROLES) {
    it(role, () => {
      for (const action of Object.keys(testingActions) as TestingAction[]) {
        const allowed = role === 'admin' || (testingActions[action] as readonly string[]).includes(role);
        expect(can(staff(role), action, inside), `${action} inside`).toBe(allowed);
        expect(can(staff(role), action, outside), `${action} outside`).toBe(false);
      }
    });
  }
  it('national admins reach everything; citizens nothing', () => {
    expect(can(staff('admin', ''), 'labs.manage', outside)).toBe(true);
    expect(can({ kind: 'citizen', personId: 'p', phone: '+84', sessionId: 's' }, 'samples.read', inside)).toBe(false);
  });
});
