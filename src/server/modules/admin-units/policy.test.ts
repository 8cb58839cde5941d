/**
 * The admin-units policy as a role × action table: every role (citizen included) and the system, a grant at the
 * commune and at its district (in jurisdiction), a commune elsewhere (out of jurisdiction) and a national grant.
 */
import { describe, expect, it } from 'vitest';
import type { Actor, CitizenActor, Role, StaffActor, StaffRole } from '../../platform/access.ts';
import { ROLES } from '../../platform/access.ts';
import { mayEver, scopeOf } from '../../platform/authorize.ts';
import { type AdminUnitAction, adminUnitActions, adminUnitPolicy, can } from './policy.ts';

const staffAt = (role: StaffRole, unitPath: string): StaffActor => ({
  kind: 'staff',
  userId: 'u',
  username: 'u',
  displayName: '',
  sessionId: 's',
  grants: [{ role, unitCode: unitPath === '' ? null : 'x', unitPath }],
});
const citizen: CitizenActor = { kind: 'citizen', personId: 'p', phone: '+84912345678', sessionId: 's' };
const system: Actor = { kind: 'system', name: 'test' };

const COMMUNE = { path: '75.731.25993.' };
const ELSEWHERE = { path: '75.732.26080.' };
const HANOI = { path: '01.001.00001.' };
const ACTIONS = Object.keys(adminUnitActions) as AdminUnitAction[];

/** What each role may do under a unit in its jurisdiction. */
const ALLOWED: Record<Role, AdminUnitAction[]> = {
  citizen: [],
  venue_manager: [],
  health_worker: ['adminUnits.createHamlet'],
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

describe('admin-units policy, role × action', () => {
  for (const role of ROLES.filter((r): r is StaffRole => r !== 'citizen')) {
    for (const action of ACTIONS) {
      const allowed = ALLOWED[role].includes(action);
      it(`${role} ${allowed ? 'may' : 'may not'} ${action}: in jurisdiction ${allowed}, out false, national ${allowed}`, () => {
        for (const grant of ['75.731.25993.', '75.731.']) {
          expect(can(staffAt(role, grant), action, COMMUNE)).toBe(allowed);
          expect(can(staffAt(role, grant), action, ELSEWHERE)).toBe(false);
          expect(can(staffAt(role, grant), action, HANOI)).toBe(false);
          expect(mayEver(adminUnitPolicy, staffAt(role, grant), action)).toBe(allowed);
        }
        for (const unit of [COMMUNE, ELSEWHERE, HANOI]) expect(can(staffAt(role, ''), action, unit)).toBe(allowed);
      });
    }
  }

  it('a citizen may do nothing to the tree (403: never theirs)', () => {
    for (const action of ACTIONS) {
      expect(ALLOWED.citizen).not.toContain(action);
      expect(can(citizen, action, COMMUNE)).toBe(false);
      expect(mayEver(adminUnitPolicy, citizen, action)).toBe(false);
      expect(() => scopeOf(adminUnitPolicy, citizen, action)).toThrow(expect.objectContaining({ status: 403 }));
    }
  });

  it('the system may do everything, everywhere', () => {
    for (const action of ACTIONS)
      for (const unit of [COMMUNE, ELSEWHERE, HANOI]) expect(can(system, action, unit)).toBe(true);
  });
});
