import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SigningKeys } from '../../platform/keys.ts';
import { makePersonQr, parsePersonQr, verifyPersonQrSignature } from './qr.ts';

/** One fixed key: enough to see that what is made parses and verifies, and what is altered does not. */
const keys: SigningKeys = {
  async sign(purpose, message) {
    return { kid: 'k1', signature: createHmac('sha256', purpose).update(message).digest('base64url').slice(0, 22) };
  },
  async verify(purpose, kid, message, signature) {
    return kid === 'k1' && (await this.sign(purpose, message)).signature === signature;
  },
};
const ID = '0b9f6a52-3c1e-4f7d-9a1b-2c3d4e5f6a7b';

describe('personal QR', () => {
  it('is TV1.P.<personId>.<kid>.<sig>, parses back to its person and verifies', async () => {
    const qr = await makePersonQr(keys, ID);
    expect(qr).toMatch(/^TV1\.P\.0b9f6a52-3c1e-4f7d-9a1b-2c3d4e5f6a7b\.k1\.[A-Za-z0-9_-]{22}$/);
    const parsed = parsePersonQr(` ${qr}\n`);
    expect(parsed).toMatchObject({ personId: ID, kid: 'k1' });
    expect(parsed && (await verifyPersonQrSignature(keys, parsed))).toBe(true);
  });

  it('a scanner prefix is accepted; another person id with the same signature does not verify', async () => {
    const qr = await makePersonQr(keys, ID);
    expect(parsePersonQr(`https://x/q/${qr}`)?.personId).toBe(ID);
    const forged = parsePersonQr(qr.replace(ID, ID.replace(/b$/, 'c')));
    expect(forged && (await verifyPersonQrSignature(keys, forged))).toBe(false);
  });

  it('anything else is not a personal QR', () => {
    for (const raw of [
      '',
      'TV1.P.not-a-uuid.k1.AAAAAAAAAAAAAAAAAAAA',
      `TV1.V.${ID}.1.k1.AAAAAAAAAAAAAAAAAAAA`,
      `TV1.P.${ID}.k1.short`,
    ])
      expect(parsePersonQr(raw)).toBeNull();
  });
});
