/** Counts read in the interface's language, not the phone's: a Vietnamese page on an English phone writes 12.345. */
import { describe, expect, it } from 'vitest';
import { formatNumber, formatPercent } from './numbers.ts';

describe('formatNumber', () => {
  it('groups thousands as the interface language does, whatever the default locale', () => {
    expect(formatNumber(1_234_567, 'vi')).toBe('1.234.567');
    expect(formatNumber(1_234_567, 'en')).toBe('1,234,567');
    expect(formatNumber(12.5, 'vi')).toBe('12,5');
    expect(formatNumber(0, 'vi')).toBe('0');
  });

  it('writes a share as a percentage with at most one decimal, and a dash when it is unknown', () => {
    expect(formatPercent(1 / 3, 'vi')).toBe('33,3%');
    expect(formatPercent(1 / 3, 'en')).toBe('33.3%');
    expect(formatPercent(1, 'vi')).toBe('100%');
    expect(formatPercent(0, 'en')).toBe('0%');
    expect(formatPercent(null, 'vi')).toBe('—');
  });
});
