/**
 * A small strict CBOR (RFC 8949) codec for COSE and CWT: what HCERT needs and nothing that can be abused. Decoding
 * keeps byte strings as the exact bytes received (COSE signs them as they are), reads maps with any key type into
 * `Map`s, keeps tags as `Tagged`, and refuses — with a `CborError`, never a stack overflow or a hang — nesting deeper
 * than `maxDepth`, more than `maxItems` items, lengths beyond the input, trailing bytes and reserved encodings.
 * Encoding writes definite lengths with the shortest heads (deterministic, RFC 8949 §4.2.1 without key sorting:
 * the caller's order is kept, which is what the HCERT issuers do).
 */
export class CborError extends Error {}

export class Tagged {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

/** The simple value `undefined` (CBOR 0xf7), kept apart from a missing value. */
export const CBOR_UNDEFINED = Symbol('cbor-undefined');

export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | typeof CBOR_UNDEFINED
  | Uint8Array
  | CborValue[]
  | Map<CborValue, CborValue>
  | Tagged;

export interface DecodeOptions {
  /** Deepest nesting of arrays, maps and tags (default 32). */
  maxDepth?: number;
  /** Most data items in the whole input (default 100,000). */
  maxItems?: number;
}

const BREAK = Symbol('break');

export function cborDecode(bytes: Uint8Array, options: DecodeOptions = {}): CborValue {
  const maxDepth = options.maxDepth ?? 32;
  let itemsLeft = options.maxItems ?? 100_000;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const need = (n: number) => {
    if (n > bytes.length - pos) throw new CborError(`cbor: truncated at byte ${pos}`);
  };
  const readArg = (info: number): number | bigint => {
    if (info < 24) return info;
    switch (info) {
      case 24:
        need(1);
        return bytes[pos++] as number;
      case 25:
        need(2);
        pos += 2;
        return view.getUint16(pos - 2);
      case 26:
        need(4);
        pos += 4;
        return view.getUint32(pos - 4);
      case 27: {
        need(8);
        pos += 8;
        const big = view.getBigUint64(pos - 8);
        return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      }
      default:
        throw new CborError(`cbor: reserved additional information ${info} at byte ${pos - 1}`);
    }
  };
  const length = (info: number): number => {
    const n = readArg(info);
    if (typeof n === 'bigint' || n > bytes.length - pos) throw new CborError(`cbor: length beyond the input at ${pos}`);
    return n;
  };
  const item = (depth: number, allowBreak: boolean): CborValue | typeof BREAK => {
    if (--itemsLeft < 0) throw new CborError('cbor: too many items');
    need(1);
    const initial = bytes[pos++] as number;
    const major = initial >> 5;
    const info = initial & 31;
    if (info === 31) {
      if (major === 7) {
        if (!allowBreak) throw new CborError(`cbor: unexpected break at byte ${pos - 1}`);
        return BREAK;
      }
      return indefinite(major, depth);
    }
    switch (major) {
      case 0:
        return readArg(info);
      case 1: {
        const n = readArg(info);
        return typeof n === 'bigint' ? -1n - n : -1 - n;
      }
      case 2: {
        const n = length(info);
        pos += n;
        return bytes.slice(pos - n, pos);
      }
      case 3: {
        const n = length(info);
        pos += n;
        return utf8(bytes.subarray(pos - n, pos));
      }
      case 4: {
        if (depth >= maxDepth) throw new CborError('cbor: nesting too deep');
        const n = length(info);
        const out: CborValue[] = [];
        for (let i = 0; i < n; i++) out.push(item(depth + 1, false) as CborValue);
        return out;
      }
      case 5: {
        if (depth >= maxDepth) throw new CborError('cbor: nesting too deep');
        const n = length(info);
        const out = new Map<CborValue, CborValue>();
        for (let i = 0; i < n; i++)
          setEntry(out, item(depth + 1, false) as CborValue, item(depth + 1, false) as CborValue);
        return out;
      }
      case 6: {
        if (depth >= maxDepth) throw new CborError('cbor: nesting too deep');
        const tag = readArg(info);
        if (typeof tag === 'bigint') throw new CborError('cbor: tag too large');
        return new Tagged(tag, item(depth + 1, false) as CborValue);
      }
      default:
        return simple(info);
    }
  };
  const simple = (info: number): CborValue => {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return CBOR_UNDEFINED;
      case 25:
        need(2);
        pos += 2;
        return halfToNumber(view.getUint16(pos - 2));
      case 26:
        need(4);
        pos += 4;
        return view.getFloat32(pos - 4);
      case 27:
        need(8);
        pos += 8;
        return view.getFloat64(pos - 8);
      default:
        throw new CborError(`cbor: unsupported simple value ${info} at byte ${pos - 1}`);
    }
  };
  const indefinite = (major: number, depth: number): CborValue => {
    if (depth >= maxDepth) throw new CborError('cbor: nesting too deep');
    if (major === 2 || major === 3) {
      const parts: Uint8Array[] = [];
      for (;;) {
        const part = item(depth + 1, true);
        if (part === BREAK) break;
        if (major === 2 ? !(part instanceof Uint8Array) : typeof part !== 'string')
          throw new CborError('cbor: bad chunk in an indefinite string');
        parts.push(typeof part === 'string' ? new TextEncoder().encode(part) : (part as Uint8Array));
      }
      const joined = concat(parts);
      return major === 2 ? joined : utf8(joined);
    }
    if (major === 4) {
      const out: CborValue[] = [];
      for (;;) {
        const v = item(depth + 1, true);
        if (v === BREAK) return out;
        out.push(v);
      }
    }
    if (major === 5) {
      const out = new Map<CborValue, CborValue>();
      for (;;) {
        const k = item(depth + 1, true);
        if (k === BREAK) return out;
        setEntry(out, k, item(depth + 1, false) as CborValue);
      }
    }
    throw new CborError(`cbor: indefinite length not allowed for major type ${major}`);
  };
  const value = item(0, false) as CborValue;
  if (pos !== bytes.length) throw new CborError(`cbor: ${bytes.length - pos} trailing bytes`);
  return value;
}

function setEntry(map: Map<CborValue, CborValue>, key: CborValue, value: CborValue) {
  if (typeof key === 'object' && key !== null) throw new CborError('cbor: map key is not a number or a text');
  if (map.has(key)) throw new CborError('cbor: duplicate map key');
  map.set(key, value);
}

const decoder = new TextDecoder('utf-8', { fatal: true });
function utf8(b: Uint8Array): string {
  // most DCC texts are short ASCII: decoding them by hand avoids TextDecoder's per-call cost
  if (b.length < 64) {
    let ascii = '';
    let i = 0;
    for (; i < b.length; i++) {
      const c = b[i] as number;
      if (c >= 0x80) break;
      ascii += String.fromCharCode(c);
    }
    if (i === b.length) return ascii;
  }
  try {
    return decoder.decode(b);
  } catch {
    throw new CborError('cbor: text string is not UTF-8');
  }
}

function halfToNumber(h: number): number {
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * 2 ** -24 * mant;
  if (exp === 31) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + mant / 1024);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A growable byte buffer: encoding writes bytes in place, never through a JavaScript array. */
class ByteWriter {
  buf = new Uint8Array(256);
  len = 0;
  private ensure(n: number) {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(b: number) {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  bytes(b: Uint8Array) {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
}

const textEncoder = new TextEncoder();

/** Encodes numbers (integers as CBOR integers, others as float64), texts, bytes, arrays, Maps, plain objects, tags. */
export function cborEncode(value: CborValue | Record<string, unknown>): Uint8Array {
  const w = new ByteWriter();
  const head = (major: number, n: number | bigint) => {
    const m = major << 5;
    if (typeof n === 'bigint' || n > 0xffffffff) {
      const big = BigInt(n);
      w.byte(m | 27);
      for (let s = 56n; s >= 0n; s -= 8n) w.byte(Number((big >> s) & 0xffn));
    } else if (n < 24) w.byte(m | n);
    else if (n < 0x100) {
      w.byte(m | 24);
      w.byte(n);
    } else if (n < 0x10000) {
      w.byte(m | 25);
      w.byte(n >> 8);
      w.byte(n & 0xff);
    } else {
      w.byte(m | 26);
      w.byte((n >>> 24) & 0xff);
      w.byte((n >> 16) & 0xff);
      w.byte((n >> 8) & 0xff);
      w.byte(n & 0xff);
    }
  };
  const write = (v: unknown): void => {
    if (typeof v === 'number') {
      if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) {
        if (v >= 0) head(0, v);
        else head(1, -1 - v);
      } else {
        const b = new Uint8Array(9);
        b[0] = 0xfb;
        new DataView(b.buffer).setFloat64(1, v);
        w.bytes(b);
      }
    } else if (typeof v === 'bigint') {
      if (v >= 0n) head(0, v);
      else head(1, -1n - v);
    } else if (typeof v === 'string') {
      const b = textEncoder.encode(v);
      head(3, b.length);
      w.bytes(b);
    } else if (typeof v === 'boolean') w.byte(v ? 0xf5 : 0xf4);
    else if (v === null) w.byte(0xf6);
    else if (v === CBOR_UNDEFINED) w.byte(0xf7);
    else if (v instanceof Uint8Array) {
      head(2, v.length);
      w.bytes(v);
    } else if (Array.isArray(v)) {
      head(4, v.length);
      for (const x of v) write(x);
    } else if (v instanceof Map) {
      head(5, v.size);
      for (const [k, x] of v) {
        write(k);
        write(x);
      }
    } else if (v instanceof Tagged) {
      head(6, v.tag);
      write(v.value);
    } else if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      head(5, entries.length);
      for (const [k, x] of entries) {
        write(k);
        write(x);
      }
    } else throw new CborError(`cbor: cannot encode ${typeof v}`);
  };
  write(value);
  return w.buf.slice(0, w.len);
}
