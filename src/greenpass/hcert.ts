/**
 * HCERT end to end: `HC1:` + base45 + zlib + COSE_Sign1 + CWT + DCC. Decoding and verification report the first
 * thing wrong as a `ReasonCode` — a garbled, foreign, forged or expired code is an answer, never an exception — and
 * every step is bounded (input length, decompressed size, CBOR depth and item count), so no input can hang it.
 */
import { Base45Error, base45Decode, base45Encode } from './base45.ts';
import { type CborValue, cborEncode } from './cbor.ts';
import {
  CLAIM_EXP,
  CLAIM_HCERT,
  CLAIM_IAT,
  CLAIM_ISS,
  CoseError,
  type CoseSign1,
  type DccType,
  type HcertClaims,
  parseCoseSign1,
  parseHcertClaims,
  signCoseSign1,
  sigStructure,
} from './cose.ts';
import { COSE_ALGORITHMS, type DccCrypto, keyFitsAlgorithm } from './crypto.ts';
import type { X509Info } from './der.ts';
import { ZlibError, zlibCompress, zlibDecompress } from './zlib.ts';

export const HCERT_PREFIX = 'HC1:';
/** Longest QR text accepted: a version-40 QR code holds 4,296 alphanumeric characters. */
export const MAX_QR_LENGTH = 8192;

export const REASON_CODES = [
  'OK',
  'EMPTY',
  'TOO_LONG',
  'PREFIX',
  'BASE45',
  'COMPRESSION',
  'COSE',
  'CWT',
  'ALGORITHM',
  'UNKNOWN_KID',
  'SIGNATURE',
  'NOT_YET_VALID',
  'EXPIRED',
  'SIGNER_EXPIRED',
  'KEY_USAGE',
  'REVOKED',
  'SCHEMA',
  'RULES',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export class HcertError extends Error {
  constructor(
    readonly reason: ReasonCode,
    message: string,
  ) {
    super(message);
  }
}

/** The stages of decoding; each throws an `HcertError` with its reason. */
export function unprefix(qr: string): string {
  if (qr.length === 0) throw new HcertError('EMPTY', 'empty code');
  if (qr.length > MAX_QR_LENGTH) throw new HcertError('TOO_LONG', 'code longer than any QR code');
  if (!qr.startsWith(HCERT_PREFIX)) throw new HcertError('PREFIX', `code does not start with ${HCERT_PREFIX}`);
  return qr.slice(HCERT_PREFIX.length);
}

export function b45(text: string): Uint8Array {
  try {
    return base45Decode(text);
  } catch (err) {
    throw new HcertError('BASE45', err instanceof Base45Error ? err.message : 'base45');
  }
}

export function inflate(bytes: Uint8Array): Uint8Array {
  try {
    return zlibDecompress(bytes);
  } catch (err) {
    throw new HcertError('COMPRESSION', err instanceof ZlibError ? err.message : 'zlib');
  }
}

export function cose(bytes: Uint8Array): CoseSign1 {
  try {
    return parseCoseSign1(bytes);
  } catch (err) {
    throw new HcertError('COSE', err instanceof CoseError ? err.message : 'cose');
  }
}

export function claims(payload: Uint8Array): HcertClaims {
  try {
    return parseHcertClaims(payload);
  } catch (err) {
    throw new HcertError('CWT', err instanceof CoseError ? err.message : 'cwt');
  }
}

export interface DecodedHcert {
  cose: CoseSign1;
  claims: HcertClaims;
}

/** Decodes without verifying (throws `HcertError`). */
export function decodeHcert(qr: string): DecodedHcert {
  const c = cose(inflate(b45(unprefix(qr))));
  return { cose: c, claims: claims(c.payload) };
}

// ---- trust -----------------------------------------------------------------------------------------------------------

export interface TrustedSigner {
  kid: Uint8Array;
  certificate: X509Info;
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Signers by key id. A code without a kid is tried against every signer (a one-signer store in conformance). */
export class TrustStore {
  private readonly byKid = new Map<string, TrustedSigner[]>();
  constructor(readonly signers: TrustedSigner[]) {
    for (const s of signers) {
      const k = toBase64(s.kid);
      this.byKid.set(k, [...(this.byKid.get(k) ?? []), s]);
    }
  }
  candidates(kid: Uint8Array | undefined): TrustedSigner[] {
    return kid ? (this.byKid.get(toBase64(kid)) ?? []) : this.signers;
  }
}

/** Extended key usages of a DCC document signer (HCERT §5.1.1); the early ".0.1847" spelling is still in use. */
export const KEY_USAGE_OIDS: Record<DccType, string[]> = {
  t: ['1.3.6.1.4.1.1847.2021.1.1', '1.3.6.1.4.1.0.1847.2021.1.1'],
  v: ['1.3.6.1.4.1.1847.2021.1.2', '1.3.6.1.4.1.0.1847.2021.1.2'],
  r: ['1.3.6.1.4.1.1847.2021.1.3', '1.3.6.1.4.1.0.1847.2021.1.3'],
};
const ALL_DCC_OIDS = new Set(Object.values(KEY_USAGE_OIDS).flat());

/** A signer with none of the DCC usages may sign every type; one with some may sign only those. */
export function keyUsageAllows(extendedKeyUsages: string[], type: DccType | undefined): boolean {
  if (!extendedKeyUsages.some((o) => ALL_DCC_OIDS.has(o))) return true;
  if (!type) return false;
  return KEY_USAGE_OIDS[type].some((o) => extendedKeyUsages.includes(o));
}

/** Checks the CWT's iat/exp (and the signer's validity when given) at `at`; null when in force. */
export function expirationReason(c: HcertClaims, at: Date, signer?: X509Info): ReasonCode | null {
  const t = at.getTime() / 1000;
  if (c.iat !== undefined && c.iat > t) return 'NOT_YET_VALID';
  if (c.exp !== undefined && c.exp < t) return 'EXPIRED';
  if (signer && signer.notAfter.getTime() < at.getTime()) return 'SIGNER_EXPIRED';
  return null;
}

/** Verifies the COSE signature against the trusted signers; returns the signer that verified it. */
export async function verifySignature(
  message: CoseSign1,
  trust: TrustStore,
  crypto: DccCrypto,
  allowedAlgorithms?: ReadonlySet<number>,
): Promise<TrustedSigner> {
  const alg = message.alg === undefined ? undefined : COSE_ALGORITHMS.get(message.alg);
  if (!alg || (allowedAlgorithms && !allowedAlgorithms.has(alg.id)))
    throw new HcertError('ALGORITHM', `algorithm ${message.alg ?? 'missing'} is not accepted`);
  const candidates = trust.candidates(message.kid).filter((s) => keyFitsAlgorithm(alg, s.certificate));
  if (candidates.length === 0) throw new HcertError('UNKNOWN_KID', 'no trusted signer with this key id');
  const data = sigStructure(message.protectedBytes, message.payload);
  for (const s of candidates) if (await crypto.verify(alg, s.certificate, data, message.signature)) return s;
  throw new HcertError('SIGNATURE', 'signature does not verify');
}

export interface VerifyOptions {
  trust: TrustStore;
  crypto: DccCrypto;
  now?: Date;
  /** base64 SHA-256 of revoked UVCIs. */
  revoked?: ReadonlySet<string>;
  /** Accept only these COSE algorithms (default ES256 and PS256, as HCERT allows). */
  algorithms?: ReadonlySet<number>;
}

export type VerifyOutcome =
  | { valid: true; reason: 'OK'; claims: HcertClaims; signer: TrustedSigner }
  | { valid: false; reason: ReasonCode; detail: string; claims?: HcertClaims };

export const HCERT_ALGORITHMS: ReadonlySet<number> = new Set([-7, -37]);

/** Decode, verify the signature, the key usage, the validity period and the revocation list. Never throws. */
export async function verifyHcert(qr: unknown, options: VerifyOptions): Promise<VerifyOutcome> {
  let decoded: DecodedHcert | undefined;
  try {
    if (typeof qr !== 'string') throw new HcertError('EMPTY', 'not a text');
    decoded = decodeHcert(qr.trim());
    const signer = await verifySignature(
      decoded.cose,
      options.trust,
      options.crypto,
      options.algorithms ?? HCERT_ALGORITHMS,
    );
    const c = decoded.claims;
    if (!keyUsageAllows(signer.certificate.extendedKeyUsages, c.type))
      throw new HcertError('KEY_USAGE', 'the signer may not sign this type of certificate');
    const expired = expirationReason(c, options.now ?? new Date(), signer.certificate);
    if (expired) throw new HcertError(expired, 'outside the validity period');
    const ci = uvciOf(c);
    if (ci && options.revoked?.size && options.revoked.has(await uvciHash(options.crypto, ci)))
      throw new HcertError('REVOKED', 'the certificate has been revoked');
    return { valid: true, reason: 'OK', claims: c, signer };
  } catch (err) {
    if (err instanceof HcertError)
      return { valid: false, reason: err.reason, detail: err.message, claims: decoded?.claims };
    return {
      valid: false,
      reason: 'COSE',
      detail: err instanceof Error ? err.message : 'invalid',
      claims: decoded?.claims,
    };
  }
}

/** The certificate identifier (UVCI) of the certificate's single entry. */
export function uvciOf(c: HcertClaims): string | undefined {
  const group = c.type ? c.dcc[c.type] : undefined;
  const entry = Array.isArray(group) ? (group[0] as Record<string, unknown> | undefined) : undefined;
  return typeof entry?.ci === 'string' ? entry.ci : undefined;
}

/** base64 SHA-256 of the UVCI text (UTF-8): what the revocation list holds. */
export async function uvciHash(crypto: DccCrypto, uvci: string): Promise<string> {
  return toBase64(await crypto.sha256(new TextEncoder().encode(uvci)));
}

// ---- issuing ---------------------------------------------------------------------------------------------------------

export interface IssueInput {
  dcc: Record<string, unknown>;
  issuer: string;
  issuedAt: Date;
  expiresAt: Date;
  kid: Uint8Array;
  /** COSE algorithm id (ES256 = -7). */
  alg: number;
  sign: (toBeSigned: Uint8Array) => Promise<Uint8Array> | Uint8Array;
}

/** Builds the CWT, signs it as COSE_Sign1, compresses, base45-encodes and prefixes it: the QR text. */
export async function issueHcert(input: IssueInput): Promise<string> {
  const cwt = cborEncode(
    new Map<CborValue, CborValue>([
      [CLAIM_ISS, input.issuer],
      [CLAIM_IAT, Math.floor(input.issuedAt.getTime() / 1000)],
      [CLAIM_EXP, Math.floor(input.expiresAt.getTime() / 1000)],
      [CLAIM_HCERT, new Map<CborValue, CborValue>([[1, jsonToCbor(input.dcc)]])],
    ]),
  );
  const signed = await signCoseSign1(cwt, input.alg, input.kid, input.sign);
  return HCERT_PREFIX + base45Encode(zlibCompress(signed));
}

function jsonToCbor(v: unknown): CborValue {
  if (Array.isArray(v)) return v.map(jsonToCbor);
  if (v && typeof v === 'object')
    return new Map(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, jsonToCbor(x)]),
    );
  return v as CborValue;
}
