/** The door's recent results stay for the day only: gone at midnight Việt Nam time, on sign-out, for another account. */
import { beforeEach, describe, expect, it } from 'vitest';
import { clearDayStores, readToday, sweepDayStores, writeToday } from './day-store.ts';

class MemoryStorage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

let store: MemoryStorage;
beforeEach(() => {
  store = new MemoryStorage();
  (globalThis as { window?: unknown }).window = { localStorage: store };
});

// 23:50 on 1 December in Việt Nam (16:50 UTC), then ten minutes later: 2 December there, still 1 December in UTC
const LATE = new Date('2026-12-01T16:50:00Z');
const NEXT_DAY = new Date('2026-12-01T17:00:00Z');

describe('day store', () => {
  it('gives the value back to its account the same day, across reads (a reload)', () => {
    writeToday('door.v1', 'staff:1', [{ name: 'N. V. An' }], LATE);
    expect(readToday('door.v1', 'staff:1', LATE)).toEqual([{ name: 'N. V. An' }]);
    expect(readToday('door.v1', 'staff:1', LATE)).toEqual([{ name: 'N. V. An' }]);
  });

  it('forgets it at midnight in Việt Nam, not at midnight UTC', () => {
    writeToday('door.v1', 'staff:1', ['x'], LATE);
    expect(readToday('door.v1', 'staff:1', NEXT_DAY)).toBeUndefined();
    expect(store.length).toBe(0);
  });

  it("never shows one account's entry to another", () => {
    writeToday('door.v1', 'staff:1', ['x'], LATE);
    expect(readToday('door.v1', 'citizen:2', LATE)).toBeUndefined();
    expect(readToday('door.v1', 'staff:1', LATE)).toEqual(['x']);
  });

  it('clears everything on sign-out, and sweeps only earlier days at start', () => {
    writeToday('door.v1', 'staff:1', ['old'], new Date('2026-11-30T10:00:00Z'));
    writeToday('door.v2', 'staff:1', ['today'], LATE);
    store.setItem('truyvet.lang', 'en');
    sweepDayStores(LATE);
    expect(store.getItem('truyvet.today.door.v1')).toBeNull();
    expect(readToday('door.v2', 'staff:1', LATE)).toEqual(['today']);
    clearDayStores();
    expect(store.length).toBe(1);
    expect(store.getItem('truyvet.lang')).toBe('en');
  });
});
