import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.ts';

describe('the CSV writer', () => {
  it('neutralises every cell a spreadsheet would run as a formula (= + - @ tab CR)', () => {
    for (const bad of ['=1+1', '+84901234567', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])
      expect(csvCell(bad).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
  });

  it('quotes a semicolon or a tab, so a sheet splitting on them cannot start a formula mid-value', () => {
    expect(csvCell('x;=HYPERLINK("http://x")')).toBe('"x;=HYPERLINK(""http://x"")"');
    expect(csvCell('x\t=1+1')).toBe('"x\t=1+1"');
  });

  it('leaves ordinary text, numbers and empty cells as they are', () => {
    expect(csvCell('Nguyễn Văn A')).toBe('Nguyễn Văn A');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
    expect(csvCell('a = b')).toBe('a = b');
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('Ấp 1, Xã An Phước')).toBe('"Ấp 1, Xã An Phước"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('writes a BOM, the header and CRLF-ended rows', () => {
    expect(toCsv(['a', 'b'], [['x', 1]])).toBe('\uFEFFa,b\r\nx,1\r\n');
  });
});
