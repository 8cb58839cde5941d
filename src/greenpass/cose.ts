/**
 * COSE_Sign1 (RFC 9052 §4.2) and the CWT claims (RFC 8392) that carry an HCERT: parsing with every field checked,
 * the Sig_structure both signer and verifier hash, and signing with any `sign` function (the server's key store or
 * an HSM).
 */
import { CborError, type CborValue, cborDecode, cborEncode, Tagged } from './cbor.ts';

export const COSE_SIGN1_TAG = 18;
export const CWT_TAG = 61;
export const HEADER_ALG = 1;
export const HEADER_KID = 4;
export const CLAIM_ISS = 1;
export const CLAIM_EXP = 4;
export const CLAIM_IAT = 6;
export const CLAIM_HCERT = -260;

export class CoseError extends Error {}

export interface CoseSign1 {
  protectedBytes: Uint8Array;
  protectedHeader: Map<CborValue, CborValue>;
  unprotectedHeader: Map<CborValue, CborValue>;
  payload: Uint8Array;
  signature: Uint8Array;
  /** The algorithm: protected header first (where RFC 9052 wants it), else unprotected. */
  alg?: number;
  /** The key id: protected header first, else unprotected (HCERT §3.3.1: the protected one wins). */
  kid?: Uint8Array;
}

export function parseCoseSign1(bytes: Uint8Array): CoseSign1 {
  let v: CborValue;
  try {
    v = cborDecode(bytes, { maxDepth: 16 });
  } catch (err) {
    throw new CoseError(`cose: ${err instanceof CborError ? err.message : 'not CBOR'}`);
  }
  // A CWT tag (61) may wrap the COSE tag (18); both are optional
  for (let i = 0; i < 3 && v instanceof Tagged; i++) {
    if (v.tag !== COSE_SIGN1_TAG && v.tag !== CWT_TAG) throw new CoseError(`cose: unexpected tag ${v.tag}`);
    v = v.value;
  }
  if (!Array.isArray(v) || v.length !== 4) throw new CoseError('cose: not a COSE_Sign1 array of four');
  const [prot, unprot, payload, signature] = v;
  if (!(prot instanceof Uint8Array)) throw new CoseError('cose: protected header is not a byte string');
  if (!(unprot instanceof Map)) throw new CoseError('cose: unprotected header is not a map');
  if (!(payload instanceof Uint8Array)) throw new CoseError('cose: payload is not a byte string');
  if (!(signature instanceof Uint8Array)) throw new CoseError('cose: signature is not a byte string');
  let protectedHeader = new Map<CborValue, CborValue>();
  if (prot.length > 0) {
    let h: CborValue;
    try {
      h = cborDecode(prot, { maxDepth: 4 });
    } catch {
      throw new CoseError('cose: protected header is not CBOR');
    }
    if (!(h instanceof Map)) throw new CoseError('cose: protected header is not a map');
    protectedHeader = h;
  }
  const algValue = protectedHeader.get(HEADER_ALG) ?? unprot.get(HEADER_ALG);
  const kidValue = protectedHeader.has(HEADER_KID) ? protectedHeader.get(HEADER_KID) : unprot.get(HEADER_KID);
  return {
    protectedBytes: prot,
    protectedHeader,
    unprotectedHeader: unprot,
    payload,
    signature,
    alg: typeof algValue === 'number' ? algValue : undefined,
    kid: kidValue instanceof Uint8Array ? kidValue : undefined,
  };
}

/** Sig_structure = ["Signature1", protected, external_aad = h'', payload], the bytes signed. */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return cborEncode(['Signature1', protectedBytes, new Uint8Array(0), payload]);
}

/** Signs `payload` as a tagged COSE_Sign1 with `alg` and `kid` in the protected header. */
export async function signCoseSign1(
  payload: Uint8Array,
  alg: number,
  kid: Uint8Array,
  sign: (toBeSigned: Uint8Array) => Promise<Uint8Array> | Uint8Array,
): Promise<Uint8Array> {
  const protectedBytes = cborEncode(
    new Map<CborValue, CborValue>([
      [HEADER_ALG, alg],
      [HEADER_KID, kid],
    ]),
  );
  const signature = await sign(sigStructure(protectedBytes, payload));
  return cborEncode(new Tagged(COSE_SIGN1_TAG, [protectedBytes, new Map(), payload, signature]));
}

export type DccType = 'v' | 't' | 'r';

export interface HcertClaims {
  iss?: string;
  /** Seconds since the epoch. */
  iat?: number;
  exp?: number;
  /** The DCC as JSON (schema 1.x). */
  dcc: Record<string, unknown>;
  /** Which group the certificate carries, when exactly one of v/t/r is present. */
  type?: DccType;
}

/** Reads the CWT claims of an HCERT payload; throws `CoseError` when it is not a CWT with an hcert claim. */
export function parseHcertClaims(payload: Uint8Array): HcertClaims {
  let v: CborValue;
  try {
    v = cborDecode(payload, { maxDepth: 16 });
  } catch (err) {
    throw new CoseError(`cwt: ${err instanceof CborError ? err.message : 'not CBOR'}`);
  }
  if (v instanceof Tagged && v.tag === CWT_TAG) v = v.value;
  if (!(v instanceof Map)) throw new CoseError('cwt: payload is not a map of claims');
  const hcert = v.get(CLAIM_HCERT);
  if (!(hcert instanceof Map)) throw new CoseError('cwt: no hcert claim (-260)');
  const dccValue = hcert.get(1);
  if (!(dccValue instanceof Map)) throw new CoseError('cwt: hcert claim has no DCC (key 1)');
  const dcc = cborToJson(dccValue);
  if (typeof dcc !== 'object' || dcc === null || Array.isArray(dcc)) throw new CoseError('cwt: DCC is not an object');
  const num = (x: CborValue | undefined): number | undefined => {
    if (x instanceof Tagged && x.tag === 1) return num(x.value);
    if (typeof x === 'number' && Number.isFinite(x)) return x;
    if (typeof x === 'bigint') return Number(x);
    return undefined;
  };
  const iss = v.get(CLAIM_ISS);
  const groups = (['v', 't', 'r'] as const).filter((k) => k in (dcc as object));
  return {
    iss: typeof iss === 'string' ? iss : undefined,
    iat: num(v.get(CLAIM_IAT)),
    exp: num(v.get(CLAIM_EXP)),
    dcc: dcc as Record<string, unknown>,
    type: groups.length === 1 ? groups[0] : undefined,
  };
}

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** CBOR → JSON as the DCC schema sees it: text-keyed maps become objects, date tags their ISO text. */
export function cborToJson(v: CborValue): Json {
  if (v instanceof Map) {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of v) {
      if (typeof k !== 'string') throw new CoseError('cbor: DCC map key is not a text');
      out[k] = cborToJson(x);
    }
    return out;
  }
  if (Array.isArray(v)) return v.map(cborToJson);
  if (v instanceof Tagged) {
    if (v.tag === 1 && typeof v.value === 'number') return new Date(v.value * 1000).toISOString();
    return cborToJson(v.value);
  }
  if (v instanceof Uint8Array) throw new CoseError('cbor: byte string in the DCC');
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'symbol') return null;
  return v;
}
