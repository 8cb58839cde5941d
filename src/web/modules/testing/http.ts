/**
 * The testing screens' calls that need more than JSON: an `Idempotency-Key` on a queued tube, a CSV file sent as it
 * is. Same errors as `lib/api.ts` (ApiError with the server's code and both messages, NetworkError offline).
 */
import { ApiError, NetworkError, UNAUTHENTICATED_EVENT } from '../../lib/api.ts';

export async function send<T>(
  path: string,
  init: { body: string | Blob; type: string; headers?: Record<string, string> },
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': init.type, ...init.headers },
      body: init.body,
    });
  } catch {
    throw new NetworkError();
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
    const e = (parsed as { error?: { code: string; message: string; messageVi: string; details?: unknown } })?.error;
    if (e?.code) throw new ApiError(response.status, e.code, e.message, e.messageVi, e.details);
    throw new ApiError(response.status, 'HTTP_ERROR', `HTTP ${response.status}`, `Lỗi HTTP ${response.status}`);
  }
  return parsed as T;
}
