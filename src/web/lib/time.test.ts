/** Times read the same in Việt Nam time on every page, whatever the device's zone. */
import { beforeAll, describe, expect, it } from 'vitest';
import { formatTime as formatCaseTime, formatDateTime } from '../modules/cases/model.ts';
import { formatTime as formatCheckinTime } from '../modules/checkins/format.ts';

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
});
