/** The door's results: new ones on top, each scan once even when two syncs report it. */
import { describe, expect, it } from 'vitest';
import type { DoorScanResult } from './DoorResult.tsx';
import { RECENT_MAX, withResults } from './recent.ts';

const result = (key: string, label = key): DoorScanResult => ({ key, at: '2026-12-06T10:00:00Z', ok: true, label });

describe('withResults', () => {
  it('puts new results on top, in their order', () => {
    expect(withResults([result('a')], [result('c'), result('b')]).map((r) => r.key)).toEqual(['c', 'b', 'a']);
  });

  it('shows a scan reported again (two callers of one sync, a live answer and its replay) once, where it was', () => {
    const list = withResults([], [result('x', 'first answer'), result('y')]);
    const again = withResults(list, [result('z'), result('x', 'second answer'), result('z')]);
    expect(again.map((r) => r.key)).toEqual(['z', 'x', 'y']);
    expect(again.find((r) => r.key === 'x')?.label).toBe('first answer');
  });

  it(`keeps the newest ${RECENT_MAX}`, () => {
    const many = Array.from({ length: RECENT_MAX + 5 }, (_, i) => result(`k${i}`));
    const kept = withResults([result('old')], many);
    expect(kept).toHaveLength(RECENT_MAX);
    expect(kept[0]?.key).toBe('k0');
    expect(kept.some((r) => r.key === 'old')).toBe(false);
  });
});
