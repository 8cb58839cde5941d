/**
 * The door scanner's recent results, per venue and account, kept on the device until the end of the day (Việt Nam
 * time) or sign-out (`lib/day-store.ts`): a reload keeps them; nothing personal outlives the day.
 */
import { readToday, writeToday } from '../../lib/day-store.ts';
import type { DoorScanResult } from './DoorResult.tsx';

/** how many results a door keeps */
export const RECENT_MAX = 20;

const name = (venueId: string) => `door-results.${venueId}`;

/**
 * The list with new results on top. A result whose scan is shown already stays where it is: two syncs can report the
 * same scan (two callers of one pass, a live answer then its queue's), and a scan is one line at the door.
 */
export function withResults(list: readonly DoorScanResult[], results: readonly DoorScanResult[]): DoorScanResult[] {
  const shown = new Set(list.map((r) => r.key));
  const fresh: DoorScanResult[] = [];
  for (const r of results) {
    if (shown.has(r.key)) continue;
    shown.add(r.key);
    fresh.push(r);
  }
  return [...fresh, ...list].slice(0, RECENT_MAX);
}

export function loadRecent(venueId: string, owner: string): DoorScanResult[] {
  const value = readToday<DoorScanResult[]>(name(venueId), owner);
  return Array.isArray(value) ? value : [];
}

export function saveRecent(venueId: string, owner: string, results: readonly DoorScanResult[]): void {
  writeToday(name(venueId), owner, results.slice(0, RECENT_MAX));
}
