/** Check-in calls that need more than `api()`: the Idempotency-Key header on POST /checkins. */
import { ApiError, type ApiErrorBody, NetworkError } from '../../lib/api.ts';
import type { CheckinResult } from '../../lib/api-types.ts';

export type CheckinBody =
  | { venueQr: string; at?: string }
  | { shortCode: string; at?: string }
  | { venueId: string; personQr: string; at?: string }
  | { venueId: string; nationalId?: string; phone?: string; name?: string; at?: string }
  | { venueId: string; phone: string; otp: string; name?: string };

/** POST /checkins with `key`; a retry with the same key answers with the same check-in. */
export async function postCheckin(body: CheckinBody, key: string): Promise<CheckinResult> {
  let response: Response;
  try {
    response = await fetch('/api/v1/checkins', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
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
    const e = (parsed as ApiErrorBody | undefined)?.error;
    if (e && typeof e.code === 'string') throw new ApiError(response.status, e.code, e.message, e.messageVi, e.details);
    throw new ApiError(response.status, 'HTTP_ERROR', `HTTP ${response.status}`, `Lỗi HTTP ${response.status}`);
  }
  return parsed as CheckinResult;
}
