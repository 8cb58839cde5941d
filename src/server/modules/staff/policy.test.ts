import { describe, expect, it } from 'vitest';
import { type CitizenActor, STAFF_ROLES, type StaffActor, type StaffRole } from '../../platform/access.ts';
import { can, type StaffAction, staffActions } from './policy.ts';

const staffAt = (role: StaffRole, unitPath: string): StaffActor => ({
  kind: 'staff',
  userId: 'u',
  username: 'u',
  displayName: '',
  sessionId: 's',
  grants: [{ role, unitCode: unitPath === '' ? null : 'x', unitPath }],
});
const ACTIONS = Object.keys(staffActions) as StaffAction[];

describe('staff policy', () => {
  it.each(STAFF_ROLES.filter((r) => r !== 'admin'))(
    '%s cannot manage or list staff anywhere, even nationally',
    (role) => {
      for (const action of ACTIONS) {
        expect(can(staffAt(role, ''), action, { unitPath: '75.731.' })).toBe(false);
        expect(can(staffAt(role, '75.731.'), action, { unitPath: '75.731.25993.' })).toBe(false);
        expect(can(staffAt(role, ''), action, { unitPath: '' })).toBe(false);
      }
    },
  );

  it('a national admin manages staff everywhere, including national grants', () => {
    for (const action of ACTIONS) {
      for (const unitPath of ['', '75.', '75.731.25993.', '01.001.']) {
        expect(can(staffAt('admin', ''), action, { unitPath })).toBe(true);
      }
    }
  });

  it('a provincial admin manages staff inside the province only, never national grants', () => {
    const admin75 = staffAt('admin', '75.');
    for (const action of ACTIONS) {
      expect(can(admin75, action, { unitPath: '75.' })).toBe(true);
      expect(can(admin75, action, { unitPath: '75.731.' })).toBe(true);
      expect(can(admin75, action, { unitPath: '01.' })).toBe(false);
      expect(can(admin75, action, { unitPath: '' })).toBe(false);
    }
  });

  it('citizens cannot manage staff; the system can', () => {
    const c: CitizenActor = { kind: 'citizen', personId: 'p', phone: '+84912345678', sessionId: 's' };
    expect(can(c, 'staff.manage', { unitPath: '75.' })).toBe(false);
    expect(can({ kind: 'system', name: 'cli' }, 'staff.manage', { unitPath: '' })).toBe(true);
  });
});
