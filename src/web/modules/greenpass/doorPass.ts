/**
 * The green pass verifier as the door scanner embeds it (issue 17 item 4): a `HC1:` code scanned or typed at a venue's
 * door is verified here, in the browser, exactly as the verifier page does (`trust.ts`: WebCrypto against the kept
 * trust list, revocation list and rules) — no request per code, and no check-in: a DCC names no Truyvet person.
 * The door scanner loads this file on demand (its own chunk), so the door page itself stays as small as it was.
 */
import './texts.ts';
import type { PassCheck } from '../../../greenpass/verdict.ts';
import { loadTrustMaterial, type TrustMaterial, verifyOffline } from './trust.ts';

/** the trust material is fetched at most this often while the door page stays open (else the kept copy is used) */
const REFRESH_MS = 10 * 60_000;

let loading: Promise<{ material: TrustMaterial; savedAt: string; fresh: boolean } | null> | undefined;
let loadedAt = 0;

/**
 * Fetches the trust material (and keeps it on the device) when online, at most every REFRESH_MS; offline, the copy
 * kept by an earlier visit of this page or of the verifier page. Call it when the door opens so a door that goes
 * offline later still verifies.
 */
export function prepareDoorVerifier(): Promise<{ material: TrustMaterial; savedAt: string; fresh: boolean } | null> {
  const now = Date.now();
  if (!loading || now - loadedAt > REFRESH_MS) {
    loadedAt = now;
    const attempt = loadTrustMaterial();
    loading = attempt;
    // a failed attempt (nothing kept yet) is retried at the next scan rather than remembered
    void attempt.then((m) => {
      if (m === null && loading === attempt) loading = undefined;
    });
  }
  return loading;
}

export type DoorPassOutcome = { ok: true; check: PassCheck } | { ok: false; problem: 'noTrust' };

/** Verifies one `HC1:` code offline; `noTrust` when this device has never had the trust list. */
export async function verifyAtDoor(qr: string, lang: string): Promise<DoorPassOutcome> {
  const kept = await prepareDoorVerifier();
  if (!kept) return { ok: false, problem: 'noTrust' };
  return { ok: true, check: await verifyOffline(qr.trim(), kept.material, lang) };
}
