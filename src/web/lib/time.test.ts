/** Times read the same in Việt Nam time on every page, whatever the device's zone. */
import { beforeAll, describe, expect, it } from 'vitest';
import { formatTime as formatCaseTime, formatDateTime } from '../modules/cases/model.ts';
import { formatTime as formatCheckinTime } from '../modules/checkins/format.ts';
import { fromLocalInput, localDay, toLocalInput } from './time.ts';

const AT = '2026-12-01T13:20:00Z'; // 20:20 in Hà Nội, 13:20 in UTC

describe('times are shown in Asia/Ho_Chi_Minh', () => {
  // a phone set to another zone (Node applies a TZ change at run time)
  beforeAll(() => {
    process.env.TZ = 'America/New_York';
  });

  it('shows a check-in at 20:20 on the check-in pages and the case pages alike', () => {
    expect(formatCheckinTime(AT, 'vi')).toContain('20:20');
    expect(formatCheckinTime(AT, 'vi')).toContain('01/12/2026');
    expect(formatCaseTime(AT, 'vi')).toBe('20:20');
    expect(formatDateTime(AT, 'vi')).toContain('20:20');
    expect(formatCheckinTime(AT, 'en')).toContain('20:20');
  });

  it('turns the date over at midnight Việt Nam time, not UTC', () => {
    expect(formatCheckinTime('2026-12-01T17:30:00Z', 'vi')).toContain('02/12/2026');
  });

  it('reads a time typed in a form as Việt Nam time, and shows an instant in the form the same way', () => {
    // a phone set to New York (UTC−5): 20:20 typed is still 20:20 in Hà Nội, 13:20 UTC
    expect(fromLocalInput('2026-12-01T20:20')).toBe('2026-12-01T13:20:00.000Z');
    expect(fromLocalInput('2026-12-01T20:20:45')).toBe('2026-12-01T13:20:00.000Z');
    expect(toLocalInput(new Date(AT))).toBe('2026-12-01T20:20');
    expect(fromLocalInput(toLocalInput(new Date('2026-12-31T17:05:00Z')))).toBe('2026-12-31T17:05:00.000Z');
    expect(localDay(new Date('2026-12-31T17:05:00Z'))).toBe('2027-01-01');
  });

  it('answers null for an emptied or half-typed time, never an exception', () => {
    for (const value of ['', '2026-12-01', '2026-12-01T', '2026-12-01T20', 'hôm nay 20:20', '2026-13-45T99:99']) {
      expect(fromLocalInput(value)).toBeNull();
    }
  });
});
