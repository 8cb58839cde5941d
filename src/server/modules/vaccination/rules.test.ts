/**
 * The birth year a CCCD number says (Circular 59/2021/TT-BCA): the 4th digit the sex and century, the 5th and 6th the
 * year; a year in the future or more than 120 years ago is not believed.
 */
import { describe, expect, it } from 'vitest';
import { birthYearFromNationalId, effectiveBirthYear } from './rules.ts';

const now = new Date('2026-12-07T03:00:00Z');
const cccd = (century: number, yy: string) => `079${century}${yy}123456`;

describe('birthYearFromNationalId', () => {
  it('reads the century from the 4th digit (male / female) and the year from the 5th and 6th', () => {
    const table: Array<[number, string, number | null]> = [
      [0, '85', 1985],
      [1, '85', 1985],
      [2, '05', 2005],
      [3, '26', 2026],
      // the 2100s and later lie ahead: no one alive was born there
      [4, '01', null],
      [5, '01', null],
      [6, '01', null],
      [7, '01', null],
      [8, '01', null],
      [9, '01', null],
    ];
    for (const [century, yy, year] of table)
      expect(birthYearFromNationalId(cccd(century, yy), now), `${century}${yy}`).toBe(year);
  });

  it('believes no year in the future nor more than 120 years ago; takes no other number', () => {
    expect(birthYearFromNationalId(cccd(2, '27'), now)).toBeNull();
    expect(birthYearFromNationalId(cccd(0, '06'), now)).toBe(1906);
    expect(birthYearFromNationalId(cccd(0, '05'), now)).toBeNull();
    // the year turns in Việt Nam seven hours before UTC
    expect(birthYearFromNationalId(cccd(2, '27'), new Date('2026-12-31T17:30:00Z'))).toBe(2027);
    for (const n of [null, undefined, '', '079085123', '07908512345a', '0790851234567', '024085001234 ']) {
      expect(birthYearFromNationalId(n, now)).toBeNull();
    }
  });

  it('is only the fallback of a recorded birth year', () => {
    expect(effectiveBirthYear({ birth_year: 1970, id_number: cccd(2, '05') }, now)).toBe(1970);
    expect(effectiveBirthYear({ birth_year: null, id_number: cccd(2, '05') }, now)).toBe(2005);
    expect(effectiveBirthYear({ birth_year: null, id_number: null }, now)).toBeNull();
  });
});
