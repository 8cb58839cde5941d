import { describe, expect, it } from 'vitest';
import type { CitizenActor, StaffActor, StaffRole } from '../../platform/access.ts';
import { ROLES } from '../../platform/access.ts';
import { can, type PeopleAction, peopleActions } from './policy.ts';

const IN = '75.731.25993.';
const OUT = '75.732.26080.';
const HANOI = '01.001.00001.';

const staffAt = (role: StaffRole, unitPath: string): StaffActor => ({
  kind: 'staff',
  userId: 'u',
  username: 'u',
  displayName: '',
  sessionId: 's',
  grants: [{ role, unitCode: unitPath === '' ? null : 'x', unitPath }],
});

const ACTIONS = Object.keys(peopleActions) as PeopleAction[];

/** Expected grants: which actions each role may do on a person inside its scope. */
const ALLOWED: Record<(typeof ROLES)[number], PeopleAction[]> = {
  citizen: [],
  venue_manager: [],
  leader: [],
  health_worker: ['people.read', 'people.create', 'people.update', 'households.manage'],
  tracer: ['people.read', 'people.create', 'people.update'],
  lab: ['people.read', 'people.create'],
  vaccinator: ['people.read', 'people.create'],
  quarantine_officer: ['people.read', 'people.create'],
  welfare_officer: ['people.read', 'people.create', 'households.manage'],
  hotline_operator: ['people.read', 'people.create'],
  admin: ACTIONS,
};

describe('people policy, table-driven by role', () => {
  for (const role of ROLES.filter((r) => r !== 'citizen') as StaffRole[]) {
    for (const action of ACTIONS) {
      const allowed = ALLOWED[role].includes(action);
      it(`${role} ${allowed ? 'may' : 'may not'} ${action} in scope; never out of scope; national grant ${allowed ? 'everywhere' : 'nowhere'}`, () => {
        const district = staffAt(role, '75.731.');
        expect(can(district, action, { id: 'p', unitPath: IN })).toBe(allowed);
        expect(can(district, action, { id: 'p', unitPath: OUT })).toBe(false);
        expect(can(district, action, { id: 'p', unitPath: HANOI })).toBe(false);
        expect(can(district, action, { id: 'p', unitPath: null })).toBe(false);
        const national = staffAt(role, '');
        expect(can(national, action, { id: 'p', unitPath: HANOI })).toBe(allowed);
        expect(can(national, action, { id: 'p', unitPath: null })).toBe(allowed);
      });
    }
  }

  it('admin is allowed every action everywhere (national), and everything inside its province', () => {
    for (const action of ACTIONS) {
      for (const path of [IN, OUT, HANOI, null])
        expect(can(staffAt('admin', ''), action, { id: 'p', unitPath: path })).toBe(true);
      expect(can(staffAt('admin', '75.'), action, { id: 'p', unitPath: OUT })).toBe(true);
      expect(can(staffAt('admin', '75.'), action, { id: 'p', unitPath: HANOI })).toBe(false);
    }
  });

  it('leader and venue_manager cannot read people, even with national scope', () => {
    for (const role of ['leader', 'venue_manager'] as StaffRole[]) {
      expect(can(staffAt(role, ''), 'people.read', { id: 'p', unitPath: IN })).toBe(false);
    }
  });

  it('citizens may read and update only themselves and their dependants', () => {
    const me: CitizenActor = { kind: 'citizen', personId: 'me', phone: '+84912345678', sessionId: 's' };
    for (const action of ACTIONS) {
      const readOrUpdate = action === 'people.read' || action === 'people.update';
      expect(can(me, action, { id: 'me', unitPath: IN })).toBe(readOrUpdate);
      expect(can(me, action, { id: 'kid', unitPath: null, guardianIds: ['me'] })).toBe(readOrUpdate);
      expect(can(me, action, { id: 'other', unitPath: IN })).toBe(false);
      expect(can(me, action, { id: 'other', unitPath: IN, guardianIds: ['someone-else'] })).toBe(false);
    }
  });

  it('the system may do everything', () => {
    for (const action of ACTIONS)
      expect(can({ kind: 'system', name: 't' }, action, { id: 'p', unitPath: null })).toBe(true);
  });
});
