/**
 * The cryptography HCERT verification needs, behind one small interface so the same library runs in browsers
 * (WebCrypto, `webCrypto` here) and in Node (node:crypto, `nodeCrypto` in node-crypto.ts — synchronous and faster for
 * the server and the conformance CLI). COSE signatures are raw r‖s for ECDSA and RSASSA-PSS with a salt as long as
 * the hash for PS256/384/512 (RFC 8230).
 */
import type { X509Info } from './der.ts';
import { OID_EC_PUBLIC_KEY } from './der.ts';

export interface CoseAlgorithm {
  id: number;
  name: string;
  kind: 'ecdsa' | 'pss' | 'pkcs1';
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512';
  /** EC curve OID for ECDSA. */
  curve?: string;
}

const P256 = '1.2.840.10045.3.1.7';
const P384 = '1.3.132.0.34';
const P521 = '1.3.132.0.35';

/** The COSE algorithms a signer may use (IANA COSE registry); HCERT issuers use ES256 and PS256. */
export const COSE_ALGORITHMS: ReadonlyMap<number, CoseAlgorithm> = new Map(
  (
    [
      { id: -7, name: 'ES256', kind: 'ecdsa', hash: 'SHA-256', curve: P256 },
      { id: -35, name: 'ES384', kind: 'ecdsa', hash: 'SHA-384', curve: P384 },
      { id: -36, name: 'ES512', kind: 'ecdsa', hash: 'SHA-512', curve: P521 },
      { id: -37, name: 'PS256', kind: 'pss', hash: 'SHA-256' },
      { id: -38, name: 'PS384', kind: 'pss', hash: 'SHA-384' },
      { id: -39, name: 'PS512', kind: 'pss', hash: 'SHA-512' },
      { id: -257, name: 'RS256', kind: 'pkcs1', hash: 'SHA-256' },
      { id: -258, name: 'RS384', kind: 'pkcs1', hash: 'SHA-384' },
      { id: -259, name: 'RS512', kind: 'pkcs1', hash: 'SHA-512' },
    ] as CoseAlgorithm[]
  ).map((a) => [a.id, a]),
);

/** True when the certificate's key can be used with the algorithm at all (an RSA key never verifies ES256). */
export function keyFitsAlgorithm(alg: CoseAlgorithm, key: X509Info): boolean {
  // The hash comes from the algorithm and the curve from the key: some issuers label a P-384 signature "ES256"
  // (SHA-256 on P-384), which verifiers in the field accept
  if (alg.kind === 'ecdsa') return key.keyAlgorithm === OID_EC_PUBLIC_KEY;
  return key.keyAlgorithm !== OID_EC_PUBLIC_KEY;
}

export interface DccCrypto {
  sha256(data: Uint8Array): Promise<Uint8Array> | Uint8Array;
  /** Verifies a COSE signature over `data`; false (not an exception) for a bad signature or an unusable key. */
  verify(alg: CoseAlgorithm, key: X509Info, data: Uint8Array, signature: Uint8Array): Promise<boolean> | boolean;
}

const CURVE_NAMES: Record<string, string> = { [P256]: 'P-256', [P384]: 'P-384', [P521]: 'P-521' };
const COORD: Record<string, number> = { [P256]: 32, [P384]: 48, [P521]: 66 };

/** The part of WebCrypto's SubtleCrypto used here (typed structurally: the server compiles without the DOM lib). */
export interface SubtleLike {
  importKey(
    format: 'spki',
    keyData: Uint8Array,
    algorithm: object,
    extractable: boolean,
    usages: string[],
  ): Promise<unknown>;
  verify(algorithm: object, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
}

/** WebCrypto (browsers; also Node ≥ 20's globalThis.crypto). Imported keys are cached per certificate. */
export function webCrypto(
  subtle: SubtleLike = (globalThis as unknown as { crypto: { subtle: SubtleLike } }).crypto.subtle,
): DccCrypto {
  const keys = new WeakMap<X509Info, Map<number, Promise<unknown>>>();
  const importKey = (alg: CoseAlgorithm, key: X509Info) => {
    let perAlg = keys.get(key);
    if (!perAlg) {
      perAlg = new Map();
      keys.set(key, perAlg);
    }
    let k = perAlg.get(alg.id);
    if (!k) {
      const params =
        alg.kind === 'ecdsa'
          ? { name: 'ECDSA', namedCurve: CURVE_NAMES[key.curve ?? ''] ?? 'P-256' }
          : { name: alg.kind === 'pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5', hash: alg.hash };
      k = subtle.importKey('spki', key.spki, params, false, ['verify']);
      perAlg.set(alg.id, k);
    }
    return k;
  };
  return {
    async sha256(data) {
      return new Uint8Array(await subtle.digest('SHA-256', data));
    },
    async verify(alg, key, data, signature) {
      if (!keyFitsAlgorithm(alg, key)) return false;
      if (alg.kind === 'ecdsa' && signature.length !== 2 * (COORD[key.curve ?? ''] ?? 32)) return false;
      try {
        const k = await importKey(alg, key);
        const params =
          alg.kind === 'ecdsa'
            ? { name: 'ECDSA', hash: alg.hash }
            : alg.kind === 'pss'
              ? { name: 'RSA-PSS', saltLength: Number(alg.hash.slice(4)) / 8 }
              : { name: 'RSASSA-PKCS1-v1_5' };
        return await subtle.verify(params, k, signature, data);
      } catch {
        return false;
      }
    },
  };
}

/** Key identifier of a document signer: the first 8 bytes of SHA-256 over its certificate's DER. */
export async function kidOf(crypto: DccCrypto, certificateDer: Uint8Array): Promise<Uint8Array> {
  return (await crypto.sha256(certificateDer)).slice(0, 8);
}
