/**
 * HKDF-SHA256 (RFC 5869) as the Exposure Notification key schedule uses it: a 16-byte Temporary Exposure Key as
 * input keying material, no salt, a short ASCII info ("EN-RPIK", "EN-AEMK") and 16 bytes of output.
 *
 * Why not a library call: a phone matches every published diagnosis key, up to a million a day, and derives one
 * RPIK for each. A general HKDF (node:crypto's `hkdfSync`, or an HMAC object per call) costs 7–30 µs a key, more
 * than the 144 AES blocks that follow. This one precomputes the HMAC pads of the empty salt once and runs exactly the
 * six SHA-256 compressions the derivation needs, with no allocation: about 1 µs. It is checked against node:crypto's
 * HKDF on random keys and against the published test vectors (`crypto.test.ts`). Plain integer arithmetic, no
 * table look-ups indexed by secret data, so its timing does not depend on the key.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** SHA-256's message schedule: extends the 16 words in `w[0..16)` to all 64. */
function expand(w: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15] as number;
    const y = w[i - 2] as number;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
  }
}

/** SHA-256's 64 rounds: `out` = `state` after absorbing the block whose full schedule is `w`. */
function rounds(state: Int32Array, w: Int32Array, out: Int32Array): void {
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let e = state[4] as number;
  let f = state[5] as number;
  let g = state[6] as number;
  let h = state[7] as number;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  out[0] = ((state[0] as number) + a) | 0;
  out[1] = ((state[1] as number) + b) | 0;
  out[2] = ((state[2] as number) + c) | 0;
  out[3] = ((state[3] as number) + d) | 0;
  out[4] = ((state[4] as number) + e) | 0;
  out[5] = ((state[5] as number) + f) | 0;
  out[6] = ((state[6] as number) + g) | 0;
  out[7] = ((state[7] as number) + h) | 0;
}

/** The state after one block of `pad` bytes XOR the (≤ 32-byte, zero-extended) key words (HMAC's key blocks). */
function padState(keyWords: Int32Array, pad: number, out: Int32Array, w: Int32Array): void {
  const p = pad * 0x01010101;
  for (let i = 0; i < 16; i++) w[i] = (keyWords[i] ?? 0) ^ p;
  expand(w);
  rounds(IV, w, out);
}

/** Writes the padding of a message of `(64 + 32)` bytes after the 8 digest words in `w[0..8)`. */
function padDigestBlock(w: Int32Array): void {
  w[8] = 0x80000000 | 0;
  for (let i = 9; i < 15; i++) w[i] = 0;
  w[15] = (64 + 32) * 8;
}

const w = new Int32Array(64);
// HMAC with the empty salt (HashLen zero bytes): the key blocks are constant, so their states are computed once
const zeroKey = new Int32Array(16);
const extractInner = new Int32Array(8);
const extractOuter = new Int32Array(8);
padState(zeroKey, 0x36, extractInner, w);
padState(zeroKey, 0x5c, extractOuter, w);

const inner = new Int32Array(8);
const prk = new Int32Array(16);
const expandInner = new Int32Array(8);
const expandOuter = new Int32Array(8);
const okm = new Int32Array(8);

/**
 * A short info string with HKDF-Expand's block counter 0x01, padded as the last SHA-256 block of `HMAC(prk, info‖1)`:
 * its whole message schedule, which is the same for every key.
 */
export interface HkdfInfo {
  readonly schedule: Int32Array;
}

/** Prepares an info string (ASCII, at most 54 bytes) for `hkdf16`. */
export function hkdfInfo(info: string): HkdfInfo {
  const bytes = new TextEncoder().encode(info);
  if (bytes.length > 54) throw new RangeError('HKDF info longer than 54 bytes');
  const msg = new Uint8Array(64);
  msg.set(bytes);
  msg[bytes.length] = 0x01;
  msg[bytes.length + 1] = 0x80;
  const bits = (64 + bytes.length + 1) * 8;
  msg[62] = bits >>> 8;
  msg[63] = bits & 0xff;
  const schedule = new Int32Array(64);
  schedule.set(bigEndianWords(msg, 0, 16));
  expand(schedule);
  return { schedule };
}

function bigEndianWords(bytes: Uint8Array, offset: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const o = offset + i * 4;
    out[i] =
      ((bytes[o] as number) << 24) |
      ((bytes[o + 1] as number) << 16) |
      ((bytes[o + 2] as number) << 8) |
      (bytes[o + 3] as number);
  }
  return out;
}

/**
 * HKDF-SHA256(ikm = 16 bytes at `ikm[offset…]`, salt = none, info) → 16 bytes written to `out[outOffset…]`.
 * Not re-entrant across threads of one realm (there are none in JavaScript); safe to call in any order.
 */
export function hkdf16(ikm: Uint8Array, info: HkdfInfo, out: Uint8Array, offset = 0, outOffset = 0): void {
  // Extract: PRK = HMAC(zeros, ikm) — the message block is ikm ‖ 0x80 ‖ zeros ‖ bit length (64 + 16) * 8
  for (let i = 0; i < 4; i++) {
    const o = offset + i * 4;
    w[i] =
      ((ikm[o] as number) << 24) |
      ((ikm[o + 1] as number) << 16) |
      ((ikm[o + 2] as number) << 8) |
      (ikm[o + 3] as number);
  }
  w[4] = 0x80000000 | 0;
  for (let i = 5; i < 15; i++) w[i] = 0;
  w[15] = (64 + 16) * 8;
  expand(w);
  rounds(extractInner, w, inner);
  for (let i = 0; i < 8; i++) w[i] = inner[i] as number;
  padDigestBlock(w);
  expand(w);
  rounds(extractOuter, w, prk);
  for (let i = 8; i < 16; i++) prk[i] = 0;
  // Expand, first block only: OKM = HMAC(PRK, info ‖ 0x01)[0..16)
  padState(prk, 0x36, expandInner, w);
  padState(prk, 0x5c, expandOuter, w);
  rounds(expandInner, info.schedule, inner);
  for (let i = 0; i < 8; i++) w[i] = inner[i] as number;
  padDigestBlock(w);
  expand(w);
  rounds(expandOuter, w, okm);
  for (let i = 0; i < 4; i++) {
    const v = okm[i] as number;
    const o = outOffset + i * 4;
    out[o] = v >>> 24;
    out[o + 1] = (v >>> 16) & 0xff;
    out[o + 2] = (v >>> 8) & 0xff;
    out[o + 3] = v & 0xff;
  }
}
