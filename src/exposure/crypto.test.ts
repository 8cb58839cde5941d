import { hkdfSync, randomBytes as nodeRandom } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  associatedEncryptedMetadata,
  deriveAemk,
  deriveRpik,
  enIntervalNumber,
  fromBase64,
  fromHex,
  generateTek,
  keyPeriodStart,
  metadataTxPower,
  portableAes,
  rollingProximityIdentifiers,
  toBase64,
  toHex,
} from './crypto.ts';
import { nodeAes } from './node-aes.ts';

interface Vectors {
  key_generation_unix_seconds: number;
  tek_rolling_start_interval: number;
  tek_rolling_period: number;
  tek: string;
  rpik: string;
  aemk: string;
  ble_metadata: string;
  intervals: { en_interval_number: number; rpi: string; aem: string }[];
}
const vectors = JSON.parse(
  readFileSync(new URL('../../test/fixtures/gaen/test-vectors.json', import.meta.url), 'utf8'),
) as Vectors;

describe('Exposure Notification key schedule', () => {
  const tek = fromHex(vectors.tek);

  it('derives the published RPIK and AEMK from the TEK', () => {
    expect(toHex(deriveRpik(tek))).toBe(vectors.rpik);
    expect(toHex(deriveAemk(tek))).toBe(vectors.aemk);
  });

  it('places the key generation time in the published rolling start interval', () => {
    expect(keyPeriodStart(enIntervalNumber(vectors.key_generation_unix_seconds))).toBe(
      vectors.tek_rolling_start_interval,
    );
  });

  for (const [name, aes] of [
    ['portable AES (@noble/ciphers)', portableAes],
    ['node:crypto AES', nodeAes],
  ] as const) {
    it(`reproduces all 144 RPIs and AEMs of the vectors with ${name}`, () => {
      expect(vectors.intervals).toHaveLength(144);
      const rpik = deriveRpik(tek);
      const aemk = deriveAemk(tek);
      const rpis = rollingProximityIdentifiers(
        rpik,
        vectors.tek_rolling_start_interval,
        vectors.tek_rolling_period,
        aes,
      );
      const metadata = fromHex(vectors.ble_metadata);
      vectors.intervals.forEach((v, j) => {
        expect(v.en_interval_number).toBe(vectors.tek_rolling_start_interval + j);
        const rpi = rpis.subarray(j * 16, j * 16 + 16);
        expect(toHex(rpi)).toBe(v.rpi);
        const aem = associatedEncryptedMetadata(aemk, rpi, metadata, aes);
        expect(toHex(aem)).toBe(v.aem);
        // CTR is its own inverse: the receiver decrypts the AEM with the same call
        expect(toHex(associatedEncryptedMetadata(aemk, rpi, aem, aes))).toBe(vectors.ble_metadata);
      });
    });
  }

  it('derives keys exactly as node:crypto HKDF-SHA256 does, for random keys', () => {
    for (let i = 0; i < 200; i++) {
      const key = nodeRandom(16);
      expect(toHex(deriveRpik(key))).toBe(
        Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'EN-RPIK', 16)).toString('hex'),
      );
      expect(toHex(deriveAemk(key))).toBe(
        Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'EN-AEMK', 16)).toString('hex'),
      );
    }
  });

  it('generates 16 random bytes valid for one UTC day', () => {
    const k = generateTek(vectors.key_generation_unix_seconds + 3600);
    expect(k.keyData).toHaveLength(16);
    expect(k.rollingStartIntervalNumber).toBe(vectors.tek_rolling_start_interval);
    expect(k.rollingPeriod).toBe(144);
    expect(toHex(generateTek(0).keyData)).not.toBe(toHex(k.keyData));
  });

  it('reads the transmit power from the metadata and codes bytes strictly', () => {
    expect(metadataTxPower(fromHex(vectors.ble_metadata))).toBe(8);
    expect(metadataTxPower(new Uint8Array([0x40, 0xf4, 0, 0]))).toBe(-12);
    expect(toBase64(fromBase64('dcc0xt0aeC3nqWXaXrkxJQ=='))).toBe('dcc0xt0aeC3nqWXaXrkxJQ==');
    expect(() => fromBase64('not base64!')).toThrow();
    expect(() => fromHex('abc')).toThrow();
  });
});
