/**
 * What a scanned or typed code is. Venue QR: `TV1.V.<uuid>.<n>.<kid>.<sig>` (static) or `TV1.R.…` (the rotating
 * door screen), possibly wrapped in a URL `…/q/<payload>`; short code `XXXX-XXXX` (no 0/O/1/I) for typing;
 * personal QR `TV1.P.<uuid>.<kid>.<sig>`. The server verifies signatures; this only sorts the input.
 */

const VENUE_QR =
  /TV1\.[VR]\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.\d{1,12}\.[A-Za-z0-9_-]{1,16}\.[A-Za-z0-9_-]{16,64}$/;
const PERSON_QR = /TV1\.P\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[A-Za-z0-9_.-]+$/;
const SHORT_CODE = /^[A-HJ-NP-Z2-9]{4}-?[A-HJ-NP-Z2-9]{4}$/;

export type VenueCode = { kind: 'qr'; venueQr: string } | { kind: 'short'; shortCode: string };

/** A venue QR (the bare payload, URL wrapper removed) or a short code, or null when it is neither. */
export function parseVenueCode(raw: string): VenueCode | null {
  let text = raw.trim();
  try {
    text = decodeURIComponent(text);
  } catch {
    // not URL-encoded
  }
  const qr = VENUE_QR.exec(text);
  if (qr) return { kind: 'qr', venueQr: qr[0] };
  const compact = text.toUpperCase().replace(/\s+/g, '');
  if (SHORT_CODE.test(compact)) {
    const plain = compact.replace('-', '');
    return { kind: 'short', shortCode: `${plain.slice(0, 4)}-${plain.slice(4)}` };
  }
  return null;
}

/** The personal QR payload in `raw`, or null. */
export function parsePersonQr(raw: string): string | null {
  const m = PERSON_QR.exec(raw.trim());
  return m ? m[0] : null;
}

export function isPersonQr(raw: string): boolean {
  return parsePersonQr(raw) !== null;
}

/** A fresh idempotency key (the one implementation is lib/retry-key.ts). */
export { newKey } from '../../lib/retry-key.ts';
