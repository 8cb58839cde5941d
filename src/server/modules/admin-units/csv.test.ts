/** The units CSV parser: RFC 4180 quoting, BOM and CRLF, and every problem reported with its line. */
import { describe, expect, it } from 'vitest';
import { parseUnitsCsv } from './csv.ts';

const HEADER = 'code,parent_code,level,type,name';

describe('parseUnitsCsv', () => {
  it('reads quoted commas, doubled quotes and a quoted newline inside a name', () => {
    const text = `${HEADER}\n75,,1,Tỉnh,"Đồng Nai, tỉnh"\n731,75,2,Thành phố,"Biên ""Hòa""\nmới"\n`;
    const { units, problems } = parseUnitsCsv(text);
    expect(problems).toEqual([]);
    expect(units).toEqual([
      { code: '75', parentCode: null, level: 1, type: 'Tỉnh', name: 'Đồng Nai, tỉnh' },
      { code: '731', parentCode: '75', level: 2, type: 'Thành phố', name: 'Biên "Hòa"\nmới' },
    ]);
  });

  it('accepts a BOM, CRLF line ends, columns in any order and blank lines', () => {
    const text = '\uFEFFname,type,level,parent_code,code\r\nĐồng Nai,Tỉnh,1,,75\r\n\r\n';
    expect(parseUnitsCsv(text)).toEqual({
      units: [{ code: '75', parentCode: null, level: 1, type: 'Tỉnh', name: 'Đồng Nai' }],
      problems: [],
    });
  });

  it('names every bad line and a missing header column', () => {
    const text = `${HEADER}\n75,,1,Tỉnh,Đồng Nai\n75,,1,Tỉnh,Again\nx y,,9,,\n`;
    expect(parseUnitsCsv(text).problems).toEqual([
      'line 3: duplicate code 75',
      'line 4: invalid code "x y"',
      'line 4: invalid level "9"',
      'line 4: empty name',
      'line 4: empty type',
    ]);
    expect(parseUnitsCsv('code,level\n1,1\n').problems).toEqual(['header lacks column(s): parent_code, type, name']);
  });

  it('reports an unterminated quote instead of throwing', () => {
    const { units, problems } = parseUnitsCsv(`${HEADER}\n75,,1,Tỉnh,"Đồng Nai\n`);
    expect(units).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^line \d+: /);
  });
});
