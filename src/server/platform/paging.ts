/**
 * Keyset paging for long lists (cases, a case's contacts, venues, quarantine orders, the dev outbox). A list answers
 * its page as the same JSON array it always did, in its own order; when more rows follow, the response carries
 * `X-Next-Cursor`, and the same request with `after=<that cursor>` returns the next page. The cursor is opaque to
 * clients: base64url of the sort key of the page's last row, so the next page starts with an index seek (`where
 * (key) > (cursor)`), not by skipping `offset` rows — page 1,000 costs what page 1 does, and rows added meanwhile
 * never shift a page.
 */
import { sql } from 'kysely';
import { Type } from 'typebox';
import { AppError } from './errors.ts';

/** The response header naming the next page's cursor (absent on the last page). */
export const NEXT_CURSOR_HEADER = 'x-next-cursor';

/** The `after` query parameter of a paged list. */
export const AfterParam = Type.String({
  minLength: 2,
  maxLength: 400,
  pattern: '^[A-Za-z0-9_-]+$',
  description: `the \`${NEXT_CURSOR_HEADER}\` header of the previous page: the page after it`,
});

/** Response options for a paged list's 200: documents the header in /openapi.json. */
export const pagedHeaders = {
  headers: {
    [NEXT_CURSOR_HEADER]: {
      type: 'string',
      description: 'present when more rows follow: pass it as `after` for the next page',
    },
  },
} as const;

export type CursorValue = string | number | null;

/** The cursor of a row's sort key. */
export function encodeCursor(key: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The sort key a cursor holds, checked against the list's key shape (`'s'` string, `'n'` number, `'s?'`/`'n?'` may
 * be null). Anything else — another list's cursor, a cursor edited by hand — is 400 `INVALID_CURSOR`.
 */
export function decodeCursor(cursor: string, shape: readonly ('s' | 'n' | 's?' | 'n?')[]): CursorValue[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('INVALID_CURSOR', 400);
  }
  const fits = (v: unknown, t: string) =>
    (t.endsWith('?') && v === null) ||
    (t.startsWith('s') && typeof v === 'string' && v.length <= 200 && !v.includes('\u0000')) ||
    (t.startsWith('n') && typeof v === 'number' && Number.isFinite(v));
  if (!Array.isArray(key) || key.length !== shape.length || !key.every((v, i) => fits(v, shape[i] as string)))
    throw new AppError('INVALID_CURSOR', 400);
  return key as CursorValue[];
}

/**
 * A page's size for `.limit()`, written into the statement instead of bound: with a bound limit, the generic plan of
 * a prepared statement assumes the query reads a tenth of the table and compiles itself with JIT (a second for 51
 * rows of a 300,000-row list, measured). Page sizes are few, so few statements.
 */
export function pageLimit(n: number) {
  if (!Number.isInteger(n) || n < 1) throw new Error('pageLimit: not a page size');
  return sql.lit(n);
}

/**
 * A page from `limit + 1` rows fetched in key order: the rows to answer, and the cursor of the last one when the
 * extra row shows that more follow.
 */
export function toPage<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => CursorValue[],
): { rows: T[]; next: string | null } {
  if (rows.length <= limit) return { rows, next: null };
  const page = rows.slice(0, limit);
  return { rows: page, next: encodeCursor(keyOf(page[page.length - 1] as T)) };
}
