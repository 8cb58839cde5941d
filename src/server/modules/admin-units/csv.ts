/**
 * Parses the administrative units CSV (`code,parent_code,level,type,name`) with csv-parse (RFC 4180: quoted
 * commas, quotes and newlines; a UTF-8 BOM; CRLF or LF). Returns the rows and every problem found; line numbers are
 * 1-based (header = line 1) and name the line a record ends on.
 */
import { CsvError, parse } from 'csv-parse/sync';

export interface CsvUnit {
  code: string;
  parentCode: string | null;
  level: number;
  type: string;
  name: string;
}

const REQUIRED = ['code', 'parent_code', 'level', 'type', 'name'] as const;
type Column = (typeof REQUIRED)[number];

export function parseUnitsCsv(text: string): { units: CsvUnit[]; problems: string[] } {
  let header: string[] = [];
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true,
      columns: (names: string[]) => {
        header = names.map((h) => h.trim());
        return header;
      },
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (err) {
    if (err instanceof CsvError) return { units: [], problems: [`line ${err.lines}: ${err.message}`] };
    throw err;
  }
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) return { units: [], problems: [`header lacks column(s): ${missing.join(', ')}`] };
  const units: CsvUnit[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { record, info } of records) {
    const lineNo = info.lines;
    const get = (c: Column) => record[c] ?? '';
    const code = get('code');
    const level = Number(get('level'));
    if (!/^[0-9A-Za-z-]{1,20}$/.test(code)) problems.push(`line ${lineNo}: invalid code "${code}"`);
    else if (seen.has(code)) problems.push(`line ${lineNo}: duplicate code ${code}`);
    if (!Number.isInteger(level) || level < 1 || level > 5)
      problems.push(`line ${lineNo}: invalid level "${get('level')}"`);
    if (!get('name')) problems.push(`line ${lineNo}: empty name`);
    if (!get('type')) problems.push(`line ${lineNo}: empty type`);
    seen.add(code);
    units.push({ code, parentCode: get('parent_code') || null, level, type: get('type'), name: get('name') });
  }
  return { units, problems };
}
