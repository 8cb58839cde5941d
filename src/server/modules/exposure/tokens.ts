/**
 * Upload tokens: what a verified code is exchanged for. `<verification id>.<expiry, Unix s>.<kid>.<signature>`,
 * signed with the platform's HMAC keys (purpose `exposure-upload`), so a forged or altered token is refused before any
 * database look-up; that it uploads only once is the verification row's business (service.ts).
 */
import type { SigningKeys } from '../../platform/keys.ts';

const PURPOSE = 'exposure-upload';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function issueUploadToken(keys: SigningKeys, verificationId: string, expiresAt: Date): Promise<string> {
  const message = `${verificationId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  const { kid, signature } = await keys.sign(PURPOSE, message);
  return `${message}.${kid}.${signature}`;
}

export type TokenCheck =
  | { ok: true; verificationId: string; expiresAt: Date }
  | { ok: false; reason: 'invalid' | 'expired' };

/** Checks a token's signature, then its expiry (`now` in ms). */
export async function readUploadToken(keys: SigningKeys, token: string, now: number): Promise<TokenCheck> {
  const parts = token.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'invalid' };
  const [id, exp, kid, signature] = parts as [string, string, string, string];
  if (!UUID.test(id) || !/^[0-9]{1,12}$/.test(exp)) return { ok: false, reason: 'invalid' };
  if (!(await keys.verify(PURPOSE, kid, `${id}.${exp}`, signature))) return { ok: false, reason: 'invalid' };
  const expiresAt = new Date(Number(exp) * 1000);
  if (expiresAt.getTime() <= now) return { ok: false, reason: 'expired' };
  return { ok: true, verificationId: id, expiresAt };
}
