/**
 * The verifier's offline check: trust list, revocation list and rules fetched when online and kept on the device;
 * a code is then verified in the browser (WebCrypto) with no request at all.
 */
import {
  type BusinessRule,
  checkPass,
  fromBase64,
  type PassCheck,
  parseCertificate,
  TrustStore,
  webCrypto,
} from '../../../greenpass/index.ts';
import { api } from '../../lib/api.ts';
import type { GreenPassRevocations, GreenPassRules, GreenPassTrustList } from '../../lib/api-types.ts';
import { loadLocal, saveLocal } from './store.ts';

export interface TrustMaterial {
  trust: GreenPassTrustList;
  revocations: GreenPassRevocations;
  rules: GreenPassRules;
}

/** Fetches fresh material (and keeps it); offline, the kept copy. Null when there is neither. */
export async function loadTrustMaterial(): Promise<{
  material: TrustMaterial;
  savedAt: string;
  fresh: boolean;
} | null> {
  try {
    const [trust, revocations, rules] = await Promise.all([
      api<GreenPassTrustList>('GET', '/green-pass/trust-list'),
      api<GreenPassRevocations>('GET', '/green-pass/revocations'),
      api<GreenPassRules>('GET', '/green-pass/rules'),
    ]);
    const material = { trust, revocations, rules };
    saveLocal('trust', material);
    return { material, savedAt: new Date().toISOString(), fresh: true };
  } catch {
    const kept = loadLocal<TrustMaterial>('trust');
    return kept ? { material: kept.value, savedAt: kept.savedAt, fresh: false } : null;
  }
}

const crypto = webCrypto();
let storeCache: { source: GreenPassTrustList; store: TrustStore } | undefined;

export async function verifyOffline(qr: string, material: TrustMaterial, lang: string): Promise<PassCheck> {
  if (storeCache?.source !== material.trust) {
    const signers = [];
    for (const c of material.trust.certificates) {
      try {
        signers.push({ kid: fromBase64(c.kid), certificate: parseCertificate(fromBase64(c.certificate)) });
      } catch {
        // an unreadable certificate in the list is skipped, not fatal
      }
    }
    storeCache = { source: material.trust, store: new TrustStore(signers) };
  }
  return checkPass(qr, {
    trust: storeCache.store,
    crypto,
    revoked: new Set(material.revocations.hashes),
    rules: material.rules.rules as BusinessRule[],
    valueSets: material.rules.valueSets,
    lang,
  });
}
