/**
 * The one way the web app talks to the server: JSON over fetch with the session cookie. Errors come back as
 * ApiError carrying the server's code and both messages, so screens show the one for the current language.
 */

export interface ApiErrorBody {
  error: { code: string; message: string; messageVi: string; details?: unknown };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageVi: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Thrown when the server could not be reached at all (offline, connection refused). */
export class NetworkError extends Error {
  constructor() {
    super('network');
    this.name = 'NetworkError';
  }
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (!body || typeof body !== 'object' || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return !!error && typeof error === 'object' && 'code' in error;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Fired on window when a signed-in call gets 401: the session ended (expired, revoked or signed out elsewhere). */
export const UNAUTHENTICATED_EVENT = 'truyvet:unauthenticated';

/** What a call may add: the `Idempotency-Key` of a write the user may send again (lib/retry-key.ts). */
export interface CallOptions {
  idempotencyKey?: string;
}

/** Calls `/api/v1<path>`; resolves with the parsed JSON (undefined for 204), rejects with ApiError/NetworkError. */
export async function api<T>(method: Method, path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
  return (await request<T>(method, path, body, options)).data;
}

/**
 * A page of a paged list (`GET path`): its rows and the cursor of the next page — the `X-Next-Cursor` header, null on
 * the last page; the next page is the same path with `after=<cursor>`. The body is the rows, or an object holding
 * them as `items` (the organisation member list, `{day, items}`).
 */
export async function apiPage<T>(path: string): Promise<{ items: T[]; next: string | null }> {
  const { data, response } = await request<T[] | { items: T[] }>('GET', path);
  return { items: Array.isArray(data) ? data : data.items, next: response.headers.get('x-next-cursor') };
}

async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<{ data: T; response: Response }> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new NetworkError();
  }
  if (response.status === 204) return { data: undefined as T, response };
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/auth/')) window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
    if (isErrorBody(parsed)) {
      const e = parsed.error;
      throw new ApiError(response.status, e.code, e.message, e.messageVi, e.details);
    }
    throw new ApiError(response.status, 'HTTP_ERROR', `HTTP ${response.status}`, `Lỗi HTTP ${response.status}`);
  }
  return { data: parsed as T, response };
}

/** Builds a query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}
