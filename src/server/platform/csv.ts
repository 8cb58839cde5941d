/**
 * The one CSV writer of the app (venue lists, case contact lists, testing statistics): UTF-8 with a byte-order mark
 * (so spreadsheet programs read Vietnamese right), comma-separated, CRLF line ends, RFC 4180 quoting.
 *
 * CSV injection (OWASP): a cell a spreadsheet would run as a formula — one starting with `=`, `+`, `-`, `@`, a tab or
 * a carriage return — is written with a leading apostrophe, so it is shown as the text it is. A phone `+8490…` thus
 * reads `'+8490…` in the file and `+8490…` in the sheet.
 */
export type CsvCell = string | number | null;

/** One cell: neutralised when it could start a formula, quoted when it holds a comma, a quote or a line break. */
export function csvCell(value: CsvCell): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole file: the header row, then the rows. */
export function toCsv(header: string[], rows: ReadonlyArray<ReadonlyArray<CsvCell>>): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
