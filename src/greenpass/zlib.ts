/**
 * zlib (RFC 1950) for HCERT with a hard ceiling on the decompressed size: a QR code holds at most ~3 KB, and a
 * "zlib bomb" of a few hundred bytes must not make a verifier allocate megabytes. The header and the Adler-32
 * trailer are checked, so "not compressed" and "compression broken" are told apart from a valid stream.
 * fflate (already the platform's compression library) does the inflating in browsers and Node alike, into a buffer
 * of fixed size that it never grows.
 */
import { inflateSync, zlibSync } from 'fflate';

/** Largest decompressed HCERT accepted (64 KiB — 20× the largest QR code's payload). */
export const MAX_DECOMPRESSED_BYTES = 64 * 1024;

export class ZlibError extends Error {}

export function zlibCompress(bytes: Uint8Array): Uint8Array {
  return zlibSync(bytes, { level: 9 });
}

/** True when the two bytes form a zlib header (deflate, a valid check value, no preset dictionary). */
export function looksZlib(bytes: Uint8Array): boolean {
  const cmf = bytes[0] ?? 0;
  const flg = bytes[1] ?? 0;
  return bytes.length >= 2 && (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && (cmf * 256 + flg) % 31 === 0 && !(flg & 0x20);
}

// One scratch buffer, one byte larger than the ceiling: inflating is synchronous, so calls never share it at once
let scratch: Uint8Array | undefined;

export function zlibDecompress(bytes: Uint8Array, maxBytes = MAX_DECOMPRESSED_BYTES): Uint8Array {
  if (!looksZlib(bytes)) throw new ZlibError('zlib: no zlib header (not compressed)');
  if (bytes.length < 7) throw new ZlibError('zlib: truncated');
  const body = bytes.subarray(2, bytes.length - 4);
  // Inflating into a fixed buffer never grows it: output past its end is dropped (typed arrays ignore writes out of
  // range), so a bomb costs at most the time to walk its input (≤ 1032 output bytes per input byte, and the input is
  // one QR code) and no memory. An output that fills the buffer to its last byte is too large.
  if (!scratch || scratch.length !== maxBytes + 1) scratch = new Uint8Array(maxBytes + 1);
  let view: Uint8Array;
  try {
    view = inflateSync(body, { out: scratch });
  } catch (err) {
    throw new ZlibError(`zlib: broken stream (${err instanceof Error ? err.message : String(err)})`);
  }
  if (view.length > maxBytes) throw new ZlibError(`zlib: decompresses to more than ${maxBytes} bytes`);
  const out = view.slice();
  const t = bytes.length - 4;
  const expected =
    (((bytes[t] as number) << 24) |
      ((bytes[t + 1] as number) << 16) |
      ((bytes[t + 2] as number) << 8) |
      (bytes[t + 3] as number)) >>>
    0;
  if (adler32(out) !== expected) throw new ZlibError('zlib: checksum mismatch');
  return out;
}

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; ) {
    const end = Math.min(i + 3800, data.length);
    for (; i < end; i++) {
      a += data[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
