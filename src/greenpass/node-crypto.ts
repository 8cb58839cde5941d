/**
 * node:crypto for HCERT verification (OpenSSL, synchronous): the server's, the CLI's and the benchmark's engine.
 * The library's only Node import — a browser bundle never reaches it unless it imports this file.
 */
import { constants, createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { type DccCrypto, keyFitsAlgorithm } from './crypto.ts';
import type { X509Info } from './der.ts';

export function nodeCrypto(): DccCrypto {
  const keys = new WeakMap<X509Info, KeyObject | null>();
  const keyOf = (info: X509Info) => {
    let k = keys.get(info);
    if (k === undefined) {
      try {
        k = createPublicKey({ key: Buffer.from(info.spki), format: 'der', type: 'spki' });
      } catch {
        k = null;
      }
      keys.set(info, k);
    }
    return k;
  };
  return {
    sha256: (data) => new Uint8Array(createHash('sha256').update(data).digest()),
    verify(alg, info, data, signature) {
      if (!keyFitsAlgorithm(alg, info)) return false;
      const key = keyOf(info);
      if (!key) return false;
      const hash = alg.hash.replace('-', '').toLowerCase();
      try {
        if (alg.kind === 'ecdsa') return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
        if (alg.kind === 'pss')
          return verify(
            hash,
            data,
            { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.hash.slice(4)) / 8 },
            signature,
          );
        return verify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      } catch {
        return false;
      }
    },
  };
}
