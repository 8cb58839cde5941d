import { describe, expect, it } from 'vitest';
import { type CitizenActor, STAFF_ROLES, type StaffActor, type StaffRole } from '../../platform/access.ts';
import { can } from './policy.ts';

const staffAt = (role: StaffRole, unitPath: string): StaffActor => ({
  kind: 'staff',
  userId: 'u',
  username: 'u',
  displayName: '',
  sessionId: 's',
  grants: [{ role, unitCode: unitPath === '' ? null : 'x', unitPath }],
});
const COMMUNE = { path: '75.731.25993.' };
const OTHER = { path: '75.732.26080.' };

describe('admin-units policy: creating hamlets', () => {
  it.each(STAFF_ROLES)('%s: allowed in scope only when health_worker or admin', (role) => {
    const expected = role === 'health_worker' || role === 'admin';
    expect(can(staffAt(role, '75.731.25993.'), 'adminUnits.createHamlet', COMMUNE)).toBe(expected);
    expect(can(staffAt(role, '75.731.'), 'adminUnits.createHamlet', COMMUNE)).toBe(expected);
    expect(can(staffAt(role, '75.731.'), 'adminUnits.createHamlet', OTHER)).toBe(false);
    expect(can(staffAt(role, ''), 'adminUnits.createHamlet', OTHER)).toBe(expected);
  });

  it('citizens cannot create hamlets', () => {
    const c: CitizenActor = { kind: 'citizen', personId: 'p', phone: '+84912345678', sessionId: 's' };
    expect(can(c, 'adminUnits.createHamlet', COMMUNE)).toBe(false);
  });
});
