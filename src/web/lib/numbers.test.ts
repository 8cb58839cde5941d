/** Counts read in the interface's language, not the phone's: a Vietnamese page on an English phone writes 12.345. */
import { describe, expect, it } from 'vitest';
import { formatNumber } from './numbers.ts';

describe('formatNumber', () => {
  it('groups thousands as the interface language does, whatever the default locale', () => {
    expect(formatNumber(1_234_567, 'vi')).toBe('1.234.567');
    expect(formatNumber(1_234_567, 'en')).toBe('1,234,567');
    expect(formatNumber(12.5, 'vi')).toBe('12,5');
    expect(formatNumber(0, 'vi')).toBe('0');
  });
});
