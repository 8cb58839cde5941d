/**
 * Personal data a screen keeps on the device for the rest of the day only (the door scanner's recent results): in
 * localStorage, so a reload keeps it, under the account that saw it, and gone at the end of the day in Việt Nam time
 * (`localDay`), on sign-out and when the session ends (`clearDayStores`, called by the session) — whichever comes
 * first. A read of another day's entry removes it, another account's is not shown; `sweepDayStores` removes every stale entry
 * when the app starts, so nothing outlives its day just because its page was not opened again.
 */
import { localDay } from './time.ts';

const PREFIX = 'truyvet.today.';

interface Stored<T> {
  day: string;
  owner: string;
  value: T;
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function parse<T>(raw: string | null): Stored<T> | null {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Stored<T>;
    return typeof parsed?.day === 'string' && typeof parsed.owner === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

/** The value `owner` saved under `name` today; undefined when it is another account's, or another day's (removed). */
export function readToday<T>(name: string, owner: string, now: Date = new Date()): T | undefined {
  const store = storage();
  if (!store) return undefined;
  const stored = parse<T>(store.getItem(PREFIX + name));
  if (stored?.day !== localDay(now)) {
    store.removeItem(PREFIX + name);
    return undefined;
  }
  // another account's: not shown, and left for its own sign-out or the day's end (an account still loading must
  // not wipe what the signed-in one kept)
  return stored.owner === owner ? stored.value : undefined;
}

/** Keeps `value` for `owner` until the end of today (best effort: a full or disabled storage keeps nothing). */
export function writeToday<T>(name: string, owner: string, value: T, now: Date = new Date()): void {
  try {
    storage()?.setItem(PREFIX + name, JSON.stringify({ day: localDay(now), owner, value } satisfies Stored<T>));
  } catch {
    // nothing kept: the screen still works, only a reload forgets
  }
}

function keys(store: Storage): string[] {
  const found: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (key?.startsWith(PREFIX)) found.push(key);
  }
  return found;
}

/** Removes every entry (sign-out, session ended). */
export function clearDayStores(): void {
  const store = storage();
  if (!store) return;
  for (const key of keys(store)) store.removeItem(key);
}

/** Removes the entries of earlier days (at start). */
export function sweepDayStores(now: Date = new Date()): void {
  const store = storage();
  if (!store) return;
  const today = localDay(now);
  for (const key of keys(store)) if (parse(store.getItem(key))?.day !== today) store.removeItem(key);
}
