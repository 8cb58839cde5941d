/**
 * The audit viewer's policy as a role × action table: every role (citizen included) and the system; a person in
 * the admin's district, elsewhere in the province, in another province and without a unit; district, provincial
 * and national grants. Only admins read the log, about people their scope reaches.
 */
import { describe, expect, it } from 'vitest';
import type { Actor, CitizenActor, Role, StaffActor, StaffRole } from '../../platform/access.ts';
import { ROLES } from '../../platform/access.ts';
import { authorize, mayEver } from '../../platform/authorize.ts';
import { type AuditAction, auditActions, auditPolicy, can } from './policy.ts';

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

const IN = { unitPath: '75.731.25993.' };
const OUT = { unitPath: '75.732.26080.' };
const HANOI = { unitPath: '01.001.00001.' };
const NOWHERE = { unitPath: null };
const ACTIONS = Object.keys(auditActions) as AuditAction[];

/** Which actions each role may do about a person in its scope. */
const ALLOWED: Record<Role, AuditAction[]> = {
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

describe('audit policy, role × action', () => {
  for (const role of ROLES.filter((r): r is StaffRole => r !== 'citizen')) {
    for (const action of ACTIONS) {
      const ok = ALLOWED[role].includes(action);
      it(`${role} ${ok ? 'may' : 'may not'} ${action}: in jurisdiction ${ok}, out false, national ${ok}`, () => {
        const district = staffAt(role, '75.731.');
        expect(can(district, action, IN)).toBe(ok);
        expect(can(district, action, OUT)).toBe(false);
        expect(can(district, action, HANOI)).toBe(false);
        expect(can(district, action, NOWHERE)).toBe(false);
        expect(can(staffAt(role, '75.'), action, OUT)).toBe(ok);
        expect(can(staffAt(role, '75.'), action, HANOI)).toBe(false);
        for (const subject of [IN, OUT, HANOI, NOWHERE]) expect(can(staffAt(role, ''), action, subject)).toBe(ok);
        expect(mayEver(auditPolicy, district, action)).toBe(ok);
      });
    }
  }

  it('a citizen may not read the log, not even about themselves (403)', () => {
    for (const action of ACTIONS) {
      expect(ALLOWED.citizen).toEqual([]);
      expect(can(citizen, action, IN)).toBe(false);
      expect(mayEver(auditPolicy, citizen, action)).toBe(false);
      expect(() => authorize(auditPolicy, citizen, action, IN)).toThrow(expect.objectContaining({ status: 403 }));
    }
  });

  it('the system (the CLI) may read about anyone', () => {
    for (const action of ACTIONS)
      for (const subject of [IN, HANOI, NOWHERE]) expect(can(system, action, subject)).toBe(true);
  });

  it('an admin gets the same 404 PERSON_NOT_FOUND for a person out of scope and an unknown one', () => {
    const admin = staffAt('admin', '75.731.');
    expect(authorize(auditPolicy, admin, 'audit.read', IN)).toBe(IN);
    for (const subject of [OUT, undefined]) {
      expect(() => authorize(auditPolicy, admin, 'audit.read', subject)).toThrow(
        expect.objectContaining({ status: 404, code: 'PERSON_NOT_FOUND' }),
      );
    }
  });
});
