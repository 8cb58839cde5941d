/**
 * What the green pass pages keep on the device so they work offline: the citizen's own passes (their own data, on
 * their own phone — the service worker caches no API answer) and the verifier's trust material (public: signer
 * certificates, revocation list, rules). Storage may be unavailable (private mode): then nothing is kept.
 */
const PREFIX = 'truyvet.greenpass.';

export function saveLocal<T>(key: string, value: T): void {
  try {
    window.localStorage.setItem(PREFIX + key, JSON.stringify({ savedAt: new Date().toISOString(), value }));
  } catch {
    // full or unavailable: the page still works online
  }
}

export function loadLocal<T>(key: string): { savedAt: string; value: T } | null {
  try {
    const raw = window.localStorage.getItem(PREFIX + key);
    return raw ? (JSON.parse(raw) as { savedAt: string; value: T }) : null;
  } catch {
    return null;
  }
}
