/**
 * Parses the administrative units CSV (`code,parent_code,level,type,name`), RFC 4180 quoting allowed.
 * Returns the rows and every problem found (line numbers are 1-based, header = line 1).
 */
export interface CsvUnit {
  code: string;
  parentCode: string | null;
  level: number;
  type: string;
  name: string;
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const REQUIRED = ['code', 'parent_code', 'level', 'type', 'name'] as const;

export function parseUnitsCsv(text: string): { units: CsvUnit[]; problems: string[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  const idx = Object.fromEntries(REQUIRED.map((c) => [c, header.indexOf(c)])) as Record<
    (typeof REQUIRED)[number],
    number
  >;
  const missing = REQUIRED.filter((c) => idx[c] < 0);
  if (missing.length > 0) return { units: [], problems: [`header lacks column(s): ${missing.join(', ')}`] };
  const units: CsvUnit[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const lineNo = i + 2;
    const cells = splitCsvLine(line);
    const get = (c: (typeof REQUIRED)[number]) => (cells[idx[c]] ?? '').trim();
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
  });
  return { units, problems };
}
