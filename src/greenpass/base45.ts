/**
 * Base45 (RFC 9285): the QR alphanumeric-mode encoding HCERT uses. Decoding is strict — a character outside the
 * alphabet, a dangling single character or a group worth more than its byte count can hold is an error, never a
 * silently wrong byte.
 */
export const BASE45_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE45_ALPHABET.length; i++) VALUE[BASE45_ALPHABET.charCodeAt(i)] = i;

export class Base45Error extends Error {}

export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = (bytes[i] as number) * 256 + (bytes[i + 1] as number);
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
    out += (BASE45_ALPHABET[c] as string) + (BASE45_ALPHABET[d] as string) + (BASE45_ALPHABET[e] as string);
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1] as number;
    out += (BASE45_ALPHABET[n % 45] as string) + (BASE45_ALPHABET[Math.floor(n / 45)] as string);
  }
  return out;
}

export function base45Decode(text: string): Uint8Array {
  if (text.length % 3 === 1) throw new Base45Error('base45: length leaves a single character');
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  const digit = (i: number) => {
    const code = text.charCodeAt(i);
    const v = code < 128 ? (VALUE[code] as number) : -1;
    if (v < 0) throw new Base45Error(`base45: character ${JSON.stringify(text[i])} at ${i} is not in the alphabet`);
    return v;
  };
  let i = 0;
  for (; i + 2 < text.length; i += 3) {
    const n = digit(i) + digit(i + 1) * 45 + digit(i + 2) * 2025;
    if (n > 0xffff) throw new Base45Error(`base45: group at ${i} exceeds two bytes`);
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (i < text.length) {
    const n = digit(i) + digit(i + 1) * 45;
    if (n > 0xff) throw new Base45Error(`base45: final pair at ${i} exceeds one byte`);
    out[o++] = n;
  }
  return out;
}
