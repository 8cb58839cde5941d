/**
 * The personal QR, the one home of its format: `TV1.P.<personId>.<kid>.<sig>`, sig = HMAC over `P.<personId>`
 * (truncated, key id carried for rotation; `platform/keys.ts`). The people module makes it for a citizen or their
 * dependant (`GET /me/qr`); a door scanner reads it back (check-ins) without a database look-up of the person.
 * Parsing accepts the payload at the end of a longer text (a scanner may add a prefix), as check-ins always did.
 */
import type { SigningKeys } from '../../platform/keys.ts';

export const PERSON_QR_PURPOSE = 'person-qr';

export interface ParsedPersonQr {
  personId: string;
  kid: string;
  signature: string;
}

const PATTERN =
  /TV1\.P\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{1,16})\.([A-Za-z0-9_-]{16,64})$/;

/** Signs a personal QR for `personId` with the newest person-QR key. */
export async function makePersonQr(keys: SigningKeys, personId: string): Promise<string> {
  const { kid, signature } = await keys.sign(PERSON_QR_PURPOSE, `P.${personId}`);
  return `TV1.P.${personId}.${kid}.${signature}`;
}

/** The parts of a personal QR, or null when the text is not one; the signature is not checked here. */
export function parsePersonQr(raw: string): ParsedPersonQr | null {
  const m = PATTERN.exec(raw.trim());
  if (!m) return null;
  const [, personId, kid, signature] = m as unknown as [string, string, string, string];
  return { personId, kid, signature };
}

/** True when we signed this personal QR (with a key not retired). */
export function verifyPersonQrSignature(keys: SigningKeys, qr: ParsedPersonQr): Promise<boolean> {
  return keys.verify(PERSON_QR_PURPOSE, qr.kid, `P.${qr.personId}`, qr.signature);
}
