/**
 * The staff policy as a role × action table: every role (citizen included) and the system; a grant place inside
 * the actor's province, in its district, elsewhere, and national scope (''), for a district, provincial and national
 * grant. Only admins manage staff, and only where their scope reaches; national places need a national admin.
 */
import { describe, expect, it } from 'vitest';
import type { Actor, CitizenActor, Role, StaffActor, StaffRole } from '../../platform/access.ts';
import { ROLES } from '../../platform/access.ts';
import { mayEver, scopeOf } from '../../platform/authorize.ts';
import { can, placesOf, type StaffAction, staffActions, staffPolicy } from './policy.ts';

const staffAt = (role: StaffRole, unitPath: string): StaffActor => ({
  kind: 'staff',
  userId: 'u',
  username: 'u',
  displayName: '',
  sessionId: 's',
  grants: [{ role, unitCode: unitPath === '' ? null : 'x', unitPath }],
});
const citizen: CitizenActor = { kind: 'citizen', personId: 'p', phone: '+84912345678', sessionId: 's' };
const system: Actor = { kind: 'system', name: 'cli' };
const ACTIONS = Object.keys(staffActions) as StaffAction[];

/** Which actions each role may do in its scope. */
const ALLOWED: Record<Role, StaffAction[]> = {
  citizen: [],
  venue_manager: [],
  health_worker: [],
  lab: [],
  vaccinator: [],
  doctor: [],
  tracer: [],
  quarantine_officer: [],
  welfare_officer: [],
  hotline_operator: [],
  park_officer: [],
  leader: [],
  admin: ACTIONS,
};

describe('staff policy, role × action', () => {
  for (const role of ROLES.filter((r): r is StaffRole => r !== 'citizen')) {
    for (const action of ACTIONS) {
      const ok = ALLOWED[role].includes(action);
      it(`${role} ${ok ? 'may' : 'may not'} ${action}: in scope ${ok}, out false, national places only nationally`, () => {
        const district = staffAt(role, '75.731.');
        expect(can(district, action, { unitPath: '75.731.25993.' })).toBe(ok);
        expect(can(district, action, { unitPath: '75.731.' })).toBe(ok);
        expect(can(district, action, { unitPath: '75.732.' })).toBe(false);
        expect(can(district, action, { unitPath: '75.' })).toBe(false);
        expect(can(district, action, { unitPath: '' })).toBe(false);
        const province = staffAt(role, '75.');
        expect(can(province, action, { unitPath: '75.732.26080.' })).toBe(ok);
        expect(can(province, action, { unitPath: '01.' })).toBe(false);
        expect(can(province, action, { unitPath: '' })).toBe(false);
        const national = staffAt(role, '');
        for (const unitPath of ['', '75.', '75.731.25993.', '01.001.']) {
          expect(can(national, action, { unitPath })).toBe(ok);
        }
        expect(mayEver(staffPolicy, district, action)).toBe(ok);
        expect(mayEver(staffPolicy, national, action)).toBe(ok);
      });
    }
  }

  it('a citizen may do nothing with staff (403)', () => {
    for (const action of ACTIONS) {
      expect(ALLOWED.citizen).toEqual([]);
      expect(can(citizen, action, { unitPath: '75.' })).toBe(false);
      expect(mayEver(staffPolicy, citizen, action)).toBe(false);
      expect(() => scopeOf(staffPolicy, citizen, action)).toThrow(expect.objectContaining({ status: 403 }));
    }
  });

  it('the system (the CLI) may do everything, national places included', () => {
    for (const action of ACTIONS) {
      expect(can(system, action, { unitPath: '' })).toBe(true);
      expect(can(system, action, { unitPath: '01.' })).toBe(true);
    }
  });

  it('the staff list scope: the admin grants, national for a national admin, 403 for everyone else', () => {
    expect(scopeOf(staffPolicy, staffAt('admin', '75.'), 'staff.list').paths).toEqual(['75.']);
    expect(scopeOf(staffPolicy, staffAt('admin', ''), 'staff.list').paths).toBe('all');
    for (const role of ['tracer', 'leader', 'health_worker'] as StaffRole[]) {
      expect(() => scopeOf(staffPolicy, staffAt(role, ''), 'staff.list')).toThrow(
        expect.objectContaining({ status: 403 }),
      );
    }
  });

  it('an account is managed where each of its grants is; one without grants only nationally', () => {
    expect(placesOf([{ unit_path: '75.731.' }, { unit_path: '01.' }])).toEqual([
      { unitPath: '75.731.' },
      { unitPath: '01.' },
    ]);
    expect(placesOf([])).toEqual([{ unitPath: '' }]);
  });
});
