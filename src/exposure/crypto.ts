/**
 * The Exposure Notification cryptography (Apple/Google "Exposure Notification Cryptography Specification" v1.2):
 * Temporary Exposure Keys, the Rolling Proximity Identifier Key and Associated Encrypted Metadata Key derived from
 * them by HKDF-SHA256, the Rolling Proximity Identifiers a phone broadcasts every 10-minute interval, and the
 * metadata encrypted beside them. Runs in browsers and in Node: AES goes through an `AesEngine`, by default the
 * audited pure-JavaScript @noble/ciphers (sync, everywhere); Node code may pass `nodeAes` (node-aes.ts, AES-NI
 * through node:crypto) for bulk matching.
 */
import { ctr, ecb } from '@noble/ciphers/aes.js';
import { hkdf16, hkdfInfo } from './hkdf.ts';

/** Seconds in one ENIntervalNumber. */
export const EN_INTERVAL_SECONDS = 600;
/** Intervals one Temporary Exposure Key is used for (24 h). */
export const TEK_ROLLING_PERIOD = 144;
export const KEY_BYTES = 16;
export const RPI_BYTES = 16;

/** AES-128 as matching needs it; every call is stateless. */
export interface AesEngine {
  /** AES-128-ECB without padding over whole 16-byte blocks. */
  ecb(key: Uint8Array, blocks: Uint8Array): Uint8Array;
  /** AES-128-CTR (128-bit big-endian counter starting at `iv`). */
  ctr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
}

/** Pure JavaScript AES (@noble/ciphers): the browser's engine, and the reference the fast one is tested against. */
export const portableAes: AesEngine = {
  ecb: (key, blocks) => ecb(key, { disablePadding: true }).encrypt(blocks),
  ctr: (key, iv, data) => ctr(key, iv).encrypt(data),
};

/** A Temporary Exposure Key with its validity, as phones keep and upload it. */
export interface TemporaryExposureKey {
  keyData: Uint8Array;
  rollingStartIntervalNumber: number;
  rollingPeriod: number;
}

/** ENIntervalNumber of a Unix time in seconds. */
export function enIntervalNumber(unixSeconds: number): number {
  return Math.floor(unixSeconds / EN_INTERVAL_SECONDS);
}

/** The first interval of the key period containing `interval` (keys roll at 00:00 UTC). */
export function keyPeriodStart(interval: number): number {
  return Math.floor(interval / TEK_ROLLING_PERIOD) * TEK_ROLLING_PERIOD;
}

/** A fresh key valid from the start of the UTC day of `unixSeconds` (crypto.getRandomValues: browser and Node). */
export function generateTek(
  unixSeconds: number,
  random: (n: number) => Uint8Array = randomBytes,
): TemporaryExposureKey {
  return {
    keyData: random(KEY_BYTES),
    rollingStartIntervalNumber: keyPeriodStart(enIntervalNumber(unixSeconds)),
    rollingPeriod: TEK_ROLLING_PERIOD,
  };
}

export function randomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

const RPIK_INFO = hkdfInfo('EN-RPIK');
const AEMK_INFO = hkdfInfo('EN-AEMK');

/** RPIK = HKDF(tek, NULL, "EN-RPIK", 16). */
export function deriveRpik(tek: Uint8Array): Uint8Array {
  const out = new Uint8Array(KEY_BYTES);
  hkdf16(tek, RPIK_INFO, out);
  return out;
}

/** AEMK = HKDF(tek, NULL, "EN-AEMK", 16). */
export function deriveAemk(tek: Uint8Array): Uint8Array {
  const out = new Uint8Array(KEY_BYTES);
  hkdf16(tek, AEMK_INFO, out);
  return out;
}

/** Writes RPIK(tek at `offset`) into `out` at `outOffset` (the bulk matcher's allocation-free form). */
export function deriveRpikInto(tek: Uint8Array, offset: number, out: Uint8Array, outOffset = 0): void {
  hkdf16(tek, RPIK_INFO, out, offset, outOffset);
}

/** PaddedData_j = "EN-RPI" ‖ 0x000000000000 ‖ ENIN_j (uint32 little-endian), for `count` intervals from `first`. */
export function paddedData(first: number, count: number): Uint8Array {
  const out = new Uint8Array(count * 16);
  const view = new DataView(out.buffer);
  for (let j = 0; j < count; j++) {
    out.set([0x45, 0x4e, 0x2d, 0x52, 0x50, 0x49], j * 16);
    view.setUint32(j * 16 + 12, (first + j) >>> 0, true);
  }
  return out;
}

/** The RPIs of `count` consecutive intervals from `first`, concatenated (16 bytes each). */
export function rollingProximityIdentifiers(
  rpik: Uint8Array,
  first: number,
  count: number,
  aes: AesEngine = portableAes,
): Uint8Array {
  return aes.ecb(rpik, paddedData(first, count));
}

/** AEM = AES-128-CTR(AEMK, IV = RPI, metadata); the same call decrypts. */
export function associatedEncryptedMetadata(
  aemk: Uint8Array,
  rpi: Uint8Array,
  metadata: Uint8Array,
  aes: AesEngine = portableAes,
): Uint8Array {
  return aes.ctr(aemk, rpi, metadata);
}

/**
 * The Bluetooth metadata a phone encrypts into its AEM (spec §"Associated Encrypted Metadata"): byte 0 version
 * (major in bits 7–6, minor in bits 5–4), byte 1 the transmit power in dBm (signed), bytes 2–3 reserved.
 */
export function encodeMetadata(txPowerDbm: number, version = 0x40): Uint8Array {
  return new Uint8Array([version, txPowerDbm & 0xff, 0, 0]);
}

/** The transmit power (dBm) a metadata block states. */
export function metadataTxPower(metadata: Uint8Array): number {
  const b = metadata[1] ?? 0;
  return b > 127 ? b - 256 : b;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new TypeError('not a hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** Strict standard base64 (with padding); throws on anything else. */
export function fromBase64(b64: string): Uint8Array {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(b64)) {
    throw new TypeError('not base64');
  }
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
