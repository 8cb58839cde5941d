/**
 * Venue QR payloads, compact and signed (HMAC-SHA-256 truncated to 128 bits, key id carried for rotation):
 *   static    TV1.V.<venueId>.<version>.<kid>.<sig>   sig over "V.<venueId>.<version>"
 *   rotating  TV1.R.<venueId>.<window>.<kid>.<sig>    sig over "R.<venueId>.<window>", window = floor(minutes / N)
 * A static code is valid while its version is the venue's current one, or the previous one during the grace period
 * after a rotation. A rotating code (shown on a screen at the door) is valid in its window and the one before, so a
 * photo sent to someone elsewhere stops working within minutes. The payload may be wrapped in a URL
 * (`https://host/q/<payload>`) so a phone's own camera opens the app; parsing accepts both forms.
 */
import type { SigningKeys } from '../../platform/keys.ts';

export const VENUE_QR_PURPOSE = 'venue-qr';

export type ParsedVenueQr =
  | { kind: 'static'; venueId: string; version: number; kid: string; signature: string }
  | { kind: 'rotating'; venueId: string; window: number; kid: string; signature: string };

const PATTERN =
  /TV1\.([VR])\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d{1,12})\.([A-Za-z0-9_-]{1,16})\.([A-Za-z0-9_-]{16,64})$/;

export function parseVenueQr(raw: string): ParsedVenueQr | null {
  const m = PATTERN.exec(raw.trim());
  if (!m) return null;
  const [, type, venueId, num, kid, signature] = m as unknown as [string, string, string, string, string, string];
  const n = Number(num);
  return type === 'V'
    ? { kind: 'static', venueId, version: n, kid, signature }
    : { kind: 'rotating', venueId, window: n, kid, signature };
}

export function rotatingWindow(at: Date, minutes: number): number {
  return Math.floor(at.getTime() / 60_000 / minutes);
}

export async function makeStaticQr(
  keys: SigningKeys,
  venueId: string,
  version: number,
  publicUrl?: string,
): Promise<string> {
  const { kid, signature } = await keys.sign(VENUE_QR_PURPOSE, `V.${venueId}.${version}`);
  return wrap(`TV1.V.${venueId}.${version}.${kid}.${signature}`, publicUrl);
}

export async function makeRotatingQr(
  keys: SigningKeys,
  venueId: string,
  window: number,
  publicUrl?: string,
): Promise<string> {
  const { kid, signature } = await keys.sign(VENUE_QR_PURPOSE, `R.${venueId}.${window}`);
  return wrap(`TV1.R.${venueId}.${window}.${kid}.${signature}`, publicUrl);
}

function wrap(payload: string, publicUrl?: string): string {
  return publicUrl ? `${publicUrl}/q/${payload}` : payload;
}

export function verifyVenueQrSignature(keys: SigningKeys, qr: ParsedVenueQr): Promise<boolean> {
  const message = qr.kind === 'static' ? `V.${qr.venueId}.${qr.version}` : `R.${qr.venueId}.${qr.window}`;
  return keys.verify(VENUE_QR_PURPOSE, qr.kid, message, qr.signature);
}

/** The venue fields that decide whether one of its codes is still accepted. */
export interface VenueQrState {
  qr_mode: string;
  qr_version: number;
  qr_previous_version: number | null;
  qr_grace_until: Date | null;
  rotating_minutes: number;
}

/**
 * Whether a code whose signature checked out still admits people to its venue at `at`: a static code is the current
 * version, or the previous one within its grace period, of a venue in static mode (a venue in rotating mode accepts
 * only the code on its screen); a rotating code is of the current window or a neighbouring one.
 */
export function isVenueQrCurrent(qr: ParsedVenueQr, venue: VenueQrState, at: Date): boolean {
  if (qr.kind === 'static') {
    const current = qr.version === venue.qr_version;
    const inGrace =
      qr.version === venue.qr_previous_version && venue.qr_grace_until !== null && venue.qr_grace_until > at;
    return venue.qr_mode !== 'rotating' && (current || inGrace);
  }
  const w = rotatingWindow(at, venue.rotating_minutes);
  return venue.qr_mode === 'rotating' && qr.window >= w - 1 && qr.window <= w + 1;
}
