/**
 * Errors are values with a code. Services throw AppError; the HTTP edge turns it into
 * `{ error: { code, message, messageVi, details } }` with the error's status. Anything else is a 500 whose
 * body never carries internals.
 */
import { type ErrorCode, errorMessages, formatMessage } from './messages.ts';

export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    public readonly status: number,
    public readonly details?: unknown,
    public readonly params: Record<string, string | number> = {},
    /** Extra top-level fields of the response body (e.g. `id` of the existing record on a 409). */
    public readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export interface ErrorBody {
  error: { code: string; message: string; messageVi: string; details?: unknown };
}

/** Builds the public error body for a code. */
export function errorBody(code: ErrorCode, details?: unknown, params?: Record<string, string | number>): ErrorBody {
  const m = errorMessages[code];
  return {
    error: {
      code,
      message: formatMessage(m.en, params),
      messageVi: formatMessage(m.vi, params),
      ...(details === undefined ? {} : { details }),
    },
  };
}

export const notFound = (code: ErrorCode = 'NOT_FOUND') => new AppError(code, 404);
export const forbidden = () => new AppError('FORBIDDEN', 403);
export const badRequest = (code: ErrorCode, details?: unknown) => new AppError(code, 400, details);
export const conflict = (code: ErrorCode, details?: unknown) => new AppError(code, 409, details);
