/**
 * The lab results file (`barcode,result,ct,tested_at`), read with csv-parse: UTF-8 with or without a BOM, CRLF or LF
 * line ends, quoted fields (with commas or line breaks inside). The whole file is refused only when it cannot be read
 * as such a file at all (not UTF-8, wrong header, no rows); otherwise every line is checked on its own and either
 * becomes a result to record or a rejection naming its line number in the file (the header is line 1; a record whose
 * quoted field spans lines is named by the line it starts on).
 */
import { parse } from 'csv-parse/sync';
import { decodeUtf8Csv } from '../../platform/csv.ts';
import { AppError } from '../../platform/errors.ts';
import type { ErrorCode } from '../../platform/messages.ts';
import { normalizeBarcode } from './barcode.ts';
import { RESULTS, type ResultValue } from './constants.ts';

export const CSV_HEADER = ['barcode', 'result', 'ct', 'tested_at'] as const;

/** One line of the file that reads as a result (checked against its tube later). */
export interface ParsedResultRow {
  row: number;
  barcode: string;
  result: ResultValue;
  ct: number | null;
  testedAt: Date;
}

/** A line that cannot be recorded, and why. */
export interface RowRejection {
  row: number;
  code: ErrorCode;
}

const SKEW_MS = 2 * 60_000;

/**
 * Lines a results file may hold after its header (blank lines and the line breaks inside quoted fields count; line
 * breaks that only end the file do not): a bound on what one request parses and answers — the benchmark's file of
 * 200,000 results passes, anything larger is split by the lab.
 */
export const RESULTS_CSV_MAX_LINES = 200_000;

/**
 * The text without the line breaks that end it, and how many lines follow its first (an upper bound on the
 * records the parser would make whichever line end it detects: CRLF, LF or a lone CR).
 */
function measureLines(text: string): { body: string; lines: number } {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  const body = end === text.length ? text : text.slice(0, end);
  const count = (needle: string) => {
    let n = 0;
    for (let i = body.indexOf(needle); i !== -1; i = body.indexOf(needle, i + needle.length)) n++;
    return n;
  };
  return { body, lines: count('\n') + count('\r') - count('\r\n') };
}

/** a date and time with an offset, or without one (then Vietnam time, +07:00) */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A test time as labs write it; undefined when it is not one (or outside 1900–2100). */
export function parseTestedAt(raw: string): Date | undefined {
  const text = raw.trim();
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (year < 1900 || year > 2100) return undefined;
  const iso = `${text.replace(' ', 'T')}${m[7] ? '' : '+07:00'}`;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return undefined;
  // no rolling over: 2021-02-30 is not 2021-03-02
  const local = new Date(at.getTime() + offsetMinutes(m[7]) * 60_000);
  if (local.getUTCMonth() + 1 !== Number(m[2]) || local.getUTCDate() !== Number(m[3])) return undefined;
  return at;
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone) return 7 * 60;
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
}

/** What lab systems write for "no Ct" (a negative sample, nothing amplified). */
const NO_CT = new Set(['', '-', 'n/a', 'na', 'nd', 'undetermined', 'undet', 'none']);

/** A Ct value: empty or a "no Ct" word → null; a number 0–60 (a decimal comma accepted); undefined when invalid. */
export function parseCt(raw: string): number | null | undefined {
  const text = raw.trim().replace(',', '.');
  if (NO_CT.has(text.toLowerCase())) return null;
  if (!/^\d{1,2}(\.\d{1,3})?$/.test(text)) return undefined;
  const ct = Number(text);
  return ct >= 0 && ct <= 60 ? ct : undefined;
}

/** The result word, case-insensitive; undefined for anything else. */
export function parseResult(raw: string): ResultValue | undefined {
  const text = raw.trim().toLowerCase();
  return (RESULTS as readonly string[]).includes(text) ? (text as ResultValue) : undefined;
}

/** Line breaks inside a record's fields (only quoted fields hold them): how many lines it spans beyond its first. */
function innerLineBreaks(record: string[]): number {
  let n = 0;
  for (const field of record) {
    for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) n++;
  }
  return n;
}

/**
 * Reads the whole file (its bytes, or the text `decodeUtf8Csv` made of them): rows that read as results, and
 * rejections by line. `now` bounds the test times (a result
 * from the future is refused). Throws 400 for a file that is not a results file at all.
 */
export function parseResultsCsv(
  file: Uint8Array | string,
  now: Date,
): { rows: ParsedResultRow[]; rejected: RowRejection[]; lines: number } {
  const { body: text, lines: fileLines } = measureLines(typeof file === 'string' ? file : decodeUtf8Csv(file));
  // counted before parsing: the parser makes a record of every line, blank ones included
  if (fileLines > RESULTS_CSV_MAX_LINES) {
    throw new AppError(
      'CSV_TOO_MANY_LINES',
      400,
      { max: RESULTS_CSV_MAX_LINES, lines: fileLines },
      { max: RESULTS_CSV_MAX_LINES },
    );
  }
  const rejected: RowRejection[] = [];
  // line numbers are counted here rather than asked of the parser per record (twice as fast on large files): each
  // record spans one line plus the line breaks inside its quoted fields; blank lines come back as [''] records;
  // a record the parser skips (a broken quote) is named by the line it reports, and counting resumes after it
  const skips: Array<{ records: number; lines: number }> = [];
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      skip_records_with_error: true,
      on_skip: (err) => {
        const e = err as { lines?: unknown; records?: unknown } | undefined;
        skips.push({
          records: typeof e?.records === 'number' ? e.records : 0,
          lines: typeof e?.lines === 'number' ? e.lines : 0,
        });
      },
    }) as string[][];
  } catch {
    throw new AppError('CSV_MALFORMED', 400);
  }
  const starts: number[] = [];
  let line = 1;
  let skip = 0;
  for (let i = 0; i < records.length; i++) {
    while (skip < skips.length && (skips[skip] as { records: number }).records <= i) {
      const s = skips[skip++] as { records: number; lines: number };
      rejected.push({ row: s.lines, code: 'CSV_MALFORMED' });
      line = s.lines + 1;
    }
    starts.push(line);
    line += 1 + innerLineBreaks(records[i] as string[]);
  }
  for (; skip < skips.length; skip++)
    rejected.push({ row: (skips[skip] as { lines: number }).lines, code: 'CSV_MALFORMED' });
  const header = records[0];
  const headerOk =
    header !== undefined &&
    header.length === CSV_HEADER.length &&
    header.every((h, i) => h.trim().toLowerCase() === CSV_HEADER[i]);
  if (!headerOk || starts[0] !== 1) {
    throw new AppError('CSV_HEADER_INVALID', 400, { expected: CSV_HEADER.join(',') }, { header: CSV_HEADER.join(',') });
  }
  if (!records.slice(1).some((r) => r.length > 1 || r[0] !== '') && rejected.length === 0) {
    throw new AppError('CSV_EMPTY', 400);
  }
  const latest = now.getTime() + SKEW_MS;
  const rows: ParsedResultRow[] = [];
  let lines = 0;
  for (let i = 1; i < records.length; i++) {
    const record = records[i] as string[];
    if (record.length === 1 && record[0] === '') continue; // a blank line
    lines++;
    const row = starts[i] as number;
    const reject = (code: ErrorCode) => rejected.push({ row, code });
    if (record.length !== CSV_HEADER.length) {
      reject('CSV_COLUMNS');
      continue;
    }
    const [rawBarcode = '', rawResult = '', rawCt = '', rawTestedAt = ''] = record;
    const barcode = normalizeBarcode(rawBarcode);
    if (!barcode) {
      reject('BARCODE_INVALID');
      continue;
    }
    const result = parseResult(rawResult);
    if (!result) {
      reject('RESULT_VALUE_INVALID');
      continue;
    }
    const ct = parseCt(rawCt);
    if (ct === undefined) {
      reject('CT_INVALID');
      continue;
    }
    const testedAt = parseTestedAt(rawTestedAt);
    if (!testedAt) {
      reject('RESULT_TIME_INVALID');
      continue;
    }
    if (testedAt.getTime() > latest) {
      reject('RESULT_TIME_IN_FUTURE');
      continue;
    }
    rows.push({ row, barcode, result, ct, testedAt });
  }
  rejected.sort((a, b) => a.row - b.row);
  return { rows, rejected, lines: lines + skips.length };
}
