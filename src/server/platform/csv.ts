/**
 * The one CSV writer of the app (venue lists, case contact lists, testing statistics): UTF-8 with a byte-order mark
 * (so spreadsheet programs read Vietnamese right), comma-separated, CRLF line ends, RFC 4180 quoting.
 *
 * CSV injection (OWASP): a cell a spreadsheet would run as a formula — one starting with `=`, `+`, `-`, `@`, a tab or
 * a carriage return — is written with a leading apostrophe, so it is shown as the text it is. A phone `+8490…` thus
 * reads `'+8490…` in the file and `+8490…` in the sheet.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.ts';

export type CsvCell = string | number | null;

/**
 * One cell: neutralised when it could start a formula, quoted when it holds a comma, a quote, a line break — or a
 * semicolon or a tab, where a spreadsheet set to split on those would start a new cell, and a formula, mid-value
 * (`x;=HYPERLINK(…)`); quoted, the value stays one cell whatever the separator.
 */
export function csvCell(value: CsvCell): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",;\t\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole file: the header row, then the rows. */
export function toCsv(header: string[], rows: ReadonlyArray<ReadonlyArray<CsvCell>>): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/**
 * A CSV upload's bytes as text (the app's CSV inputs: lab results, organisation member lists): UTF-8 with or without a
 * BOM; anything else (UTF-16, a legacy code page) is refused with 400 CSV_ENCODING_INVALID, never guessed.
 */
export function decodeUtf8Csv(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new AppError('CSV_ENCODING_INVALID', 400);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new AppError('CSV_ENCODING_INVALID', 400);
  }
}

/**
 * Lets a plugin's routes take `text/csv` (and `application/csv`) bodies: the route gets the text `decodeUtf8Csv` made
 * of the bytes, so the app's NUL check reads one string instead of walking a buffer byte by byte.
 */
export function acceptCsvBodies(app: FastifyInstance, opts: { bodyLimit?: number } = {}): void {
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'buffer', ...opts }, (_req, body, done) => {
    try {
      done(null, decodeUtf8Csv(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
