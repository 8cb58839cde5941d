import { describe, expect, it } from 'vitest';
import type { CitizenActor, StaffActor, StaffRole } from '../../platform/access.ts';
import { STAFF_ROLES } from '../../platform/access.ts';
import { authorize, can, mayEver } from '../../platform/authorize.ts';
import { type CheckinAction, type CheckinResource, checkinActions, checkinPolicy } from './policy.ts';

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
const citizen = (personId: string): CitizenActor => ({
  kind: 'citizen',
  personId,
  phone: '+84912345678',
  sessionId: 's',
});
const checkinAt = (unitPath: string, personId = 'guest', managerIds: string[] = ['owner']): CheckinResource => ({
  personId,
  unitPath,
  managerIds,
});

const ACTIONS = Object.keys(checkinActions) as CheckinAction[];

/** Expected grants: which actions each staff role may do on a check-in at a venue inside its scope. */
const ALLOWED: Record<StaffRole, CheckinAction[]> = {
  venue_manager: ['checkins.checkout'],
  health_worker: ['checkins.checkout'],
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

describe('check-in policy, table-driven by role', () => {
  it('has an expectation for every staff role and every action', () => {
    expect(Object.keys(ALLOWED).sort()).toEqual([...STAFF_ROLES].sort());
    expect(ACTIONS).toEqual(['checkins.checkout']);
  });

  for (const role of STAFF_ROLES) {
    for (const action of ACTIONS) {
      const allowed = ALLOWED[role].includes(action);
      it(`${role} ${allowed ? 'may' : 'may not'} ${action} in scope; never out of scope; national grant ${allowed ? 'everywhere' : 'nowhere'}`, () => {
        const district = staffAt(role, '75.731.');
        expect(mayEver(checkinPolicy, district, action)).toBe(allowed);
        expect(can(checkinPolicy, district, action, checkinAt(IN))).toBe(allowed);
        expect(can(checkinPolicy, district, action, checkinAt(OUT))).toBe(false);
        expect(can(checkinPolicy, district, action, checkinAt(HANOI))).toBe(false);
        const national = staffAt(role, '');
        expect(mayEver(checkinPolicy, national, action)).toBe(allowed);
        expect(can(checkinPolicy, national, action, checkinAt(HANOI))).toBe(allowed);
        // the same rule through authorize: 403 for a role that never may, else 404 out of scope or missing
        const expected = allowed ? 'CHECKIN_NOT_FOUND' : 'FORBIDDEN';
        expect(() => authorize(checkinPolicy, district, action, checkinAt(OUT))).toThrow(
          expect.objectContaining({ code: expected }),
        );
        expect(() => authorize(checkinPolicy, district, action, undefined)).toThrow(
          expect.objectContaining({ code: expected }),
        );
      });
    }
  }

  it('admin may check out anywhere in its scope (national = everywhere), nowhere outside it', () => {
    for (const path of [IN, OUT, HANOI])
      expect(can(checkinPolicy, staffAt('admin', ''), 'checkins.checkout', checkinAt(path))).toBe(true);
    expect(can(checkinPolicy, staffAt('admin', '75.'), 'checkins.checkout', checkinAt(OUT))).toBe(true);
    expect(can(checkinPolicy, staffAt('admin', '75.'), 'checkins.checkout', checkinAt(HANOI))).toBe(false);
  });

  it('a citizen may check out their own stay and the stays at a venue they manage, nobody else’s (404, never 403)', () => {
    expect(mayEver(checkinPolicy, citizen('guest'), 'checkins.checkout')).toBe(true);
    expect(can(checkinPolicy, citizen('guest'), 'checkins.checkout', checkinAt(IN, 'guest'))).toBe(true);
    expect(can(checkinPolicy, citizen('owner'), 'checkins.checkout', checkinAt(HANOI, 'guest', ['owner']))).toBe(true);
    expect(can(checkinPolicy, citizen('stranger'), 'checkins.checkout', checkinAt(IN, 'guest', ['owner']))).toBe(false);
    expect(() => authorize(checkinPolicy, citizen('stranger'), 'checkins.checkout', checkinAt(IN))).toThrow(
      expect.objectContaining({ code: 'CHECKIN_NOT_FOUND', status: 404 }),
    );
  });

  it('the system may do everything', () => {
    for (const action of ACTIONS) {
      expect(mayEver(checkinPolicy, { kind: 'system', name: 't' }, action)).toBe(true);
      expect(can(checkinPolicy, { kind: 'system', name: 't' }, action, checkinAt(HANOI))).toBe(true);
    }
  });
});
