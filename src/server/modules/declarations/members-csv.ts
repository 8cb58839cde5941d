/**
 * An organisation's member list as CSV (`national_id,phone,full_name`), read with csv-parse like the other CSV inputs
 * (lab results, administrative units): UTF-8 with or without a BOM, CRLF or LF, quoted fields. The whole file is
 * refused only when it is not such a file (wrong header, no rows, too many rows); otherwise each line is checked on
 * its own and becomes a person to add or a rejection naming its line (the header is line 1).
 */
import { parse } from 'csv-parse/sync';
import { AppError } from '../../platform/errors.ts';
import { isNationalId, normalizePhone } from '../../platform/formats.ts';
import type { ErrorCode } from '../../platform/messages.ts';

export const MEMBERS_CSV_HEADER = ['national_id', 'phone', 'full_name'] as const;
/** The most lines one file adds (larger lists are split: each line may register a person). */
export const MEMBERS_CSV_MAX_ROWS = 2000;

export interface MemberRow {
  row: number;
  nationalId?: string;
  phone?: string;
  name?: string;
}

export interface MemberRowRejection {
  row: number;
  code: ErrorCode;
}

/** Reads the file: people to add and rejected lines. Throws 400 for a file that is not a member list at all. */
export function parseMembersCsv(text: string): { rows: MemberRow[]; rejected: MemberRowRejection[] } {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch {
    throw new AppError('CSV_MALFORMED', 400);
  }
  const header = records[0]?.record;
  const headerOk =
    header !== undefined &&
    header.length === MEMBERS_CSV_HEADER.length &&
    header.every((h, i) => h.trim().toLowerCase() === MEMBERS_CSV_HEADER[i]);
  if (!headerOk) {
    const expected = MEMBERS_CSV_HEADER.join(',');
    throw new AppError('MEMBERS_CSV_HEADER_INVALID', 400, { expected }, { header: expected });
  }
  const body = records.slice(1);
  if (body.length === 0) throw new AppError('MEMBERS_CSV_EMPTY', 400);
  if (body.length > MEMBERS_CSV_MAX_ROWS)
    throw new AppError(
      'MEMBERS_CSV_TOO_MANY',
      400,
      { max: MEMBERS_CSV_MAX_ROWS, rows: body.length },
      { max: MEMBERS_CSV_MAX_ROWS },
    );
  const rows: MemberRow[] = [];
  const rejected: MemberRowRejection[] = [];
  for (const { record, info } of body) {
    // info.lines is the line the record ends on; a record spanning lines (a quoted line break) starts earlier
    const row = info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
    if (record.length !== MEMBERS_CSV_HEADER.length) {
      rejected.push({ row, code: 'MEMBER_ROW_INVALID' });
      continue;
    }
    const [rawId = '', rawPhone = '', rawName = ''] = record.map((f) => f.trim());
    if (!rawId && !rawPhone) {
      rejected.push({ row, code: 'MEMBER_ROW_INVALID' });
      continue;
    }
    if (rawId && !isNationalId(rawId)) {
      rejected.push({ row, code: 'INVALID_NATIONAL_ID' });
      continue;
    }
    const phone = rawPhone ? normalizePhone(rawPhone) : null;
    if (rawPhone && !phone) {
      rejected.push({ row, code: 'INVALID_PHONE' });
      continue;
    }
    if (rawName.length > 200) {
      rejected.push({ row, code: 'MEMBER_ROW_INVALID' });
      continue;
    }
    rows.push({
      row,
      ...(rawId ? { nationalId: rawId } : {}),
      ...(phone ? { phone } : {}),
      ...(rawName ? { name: rawName } : {}),
    });
  }
  return { rows, rejected };
}
