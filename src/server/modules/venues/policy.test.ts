import { describe, expect, it } from 'vitest';
import type { CitizenActor, StaffActor, StaffRole } from '../../platform/access.ts';
import { STAFF_ROLES } from '../../platform/access.ts';
import { authorize, authorizeAt, can, mayEver, scopeOf } from '../../platform/authorize.ts';
import { type VenueAction, type VenueResource, venueActions, venuePolicy } from './policy.ts';

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
const venueAt = (unitPath: string, managerIds: string[] = ['owner']): VenueResource => ({ unitPath, managerIds });

const ACTIONS = Object.keys(venueActions) as VenueAction[];
const DOOR: VenueAction[] = ['venues.create', 'venues.manage', 'venues.read', 'venues.checkin'];

/** Expected grants: which actions each staff role may do on a venue inside its scope. */
const ALLOWED: Record<StaffRole, VenueAction[]> = {
  health_worker: ACTIONS,
  venue_manager: DOOR,
  tracer: ['venues.read', 'venues.stats'],
  leader: ['venues.read', 'venues.stats'],
  lab: [],
  vaccinator: [],
  doctor: [],
  quarantine_officer: [],
  welfare_officer: [],
  hotline_operator: [],
  park_officer: [],
  admin: ACTIONS,
};

/** What a citizen may do: to a venue they manage, and to one they do not (both anywhere: no jurisdiction). */
const CITIZEN: Record<VenueAction, { manager: boolean; other: boolean }> = {
  'venues.create': { manager: true, other: true },
  'venues.manage': { manager: true, other: false },
  'venues.read': { manager: true, other: false },
  'venues.checkin': { manager: true, other: false },
  'venues.stats': { manager: false, other: false },
  'venues.verify': { manager: false, other: false },
};

describe('venue policy, table-driven by role', () => {
  it('has an expectation for every staff role and every action', () => {
    expect(Object.keys(ALLOWED).sort()).toEqual([...STAFF_ROLES].sort());
    expect(Object.keys(CITIZEN).sort()).toEqual([...ACTIONS].sort());
  });

  for (const role of STAFF_ROLES) {
    for (const action of ACTIONS) {
      const allowed = ALLOWED[role].includes(action);
      it(`${role} ${allowed ? 'may' : 'may not'} ${action} in scope; never out of scope; national grant ${allowed ? 'everywhere' : 'nowhere'}`, () => {
        const district = staffAt(role, '75.731.');
        expect(mayEver(venuePolicy, district, action)).toBe(allowed);
        expect(can(venuePolicy, district, action, venueAt(IN))).toBe(allowed);
        expect(can(venuePolicy, district, action, venueAt(OUT))).toBe(false);
        expect(can(venuePolicy, district, action, venueAt(HANOI))).toBe(false);
        // managing a venue as a citizen gives a staff account nothing
        expect(can(venuePolicy, { ...district, userId: 'owner' }, action, venueAt(OUT, ['owner']))).toBe(false);
        const national = staffAt(role, '');
        expect(mayEver(venuePolicy, national, action)).toBe(allowed);
        expect(can(venuePolicy, national, action, venueAt(HANOI))).toBe(allowed);
        // a loaded venue: 403 for a role that never may, else 404 out of scope or missing (no existence oracle)
        const refusal = allowed ? 'VENUE_NOT_FOUND' : 'FORBIDDEN';
        expect(() => authorize(venuePolicy, district, action, venueAt(OUT))).toThrow(
          expect.objectContaining({ code: refusal }),
        );
        expect(() => authorize(venuePolicy, district, action, undefined)).toThrow(
          expect.objectContaining({ code: refusal }),
        );
        if (allowed) expect(authorize(venuePolicy, district, action, venueAt(IN))).toEqual(venueAt(IN));
        // a place (registration, statistics of a unit): in scope or 403
        if (allowed) expect(() => authorizeAt(venuePolicy, district, action, venueAt(IN))).not.toThrow();
        expect(() => authorizeAt(venuePolicy, district, action, venueAt(OUT))).toThrow(
          expect.objectContaining({ code: 'FORBIDDEN' }),
        );
        // lists: the grant's paths, national = all, a role that never may = 403
        if (allowed) {
          expect(scopeOf(venuePolicy, district, action).paths).toEqual(['75.731.']);
          expect(scopeOf(venuePolicy, national, action).paths).toBe('all');
        } else {
          expect(() => scopeOf(venuePolicy, district, action)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
        }
      });
    }
  }

  it('admin may do everything in its scope (national = everywhere), nothing outside it', () => {
    for (const action of ACTIONS) {
      for (const path of [IN, OUT, HANOI])
        expect(can(venuePolicy, staffAt('admin', ''), action, venueAt(path))).toBe(true);
      expect(can(venuePolicy, staffAt('admin', '75.'), action, venueAt(OUT))).toBe(true);
      expect(can(venuePolicy, staffAt('admin', '75.'), action, venueAt(HANOI))).toBe(false);
    }
  });

  for (const action of ACTIONS) {
    const rule = CITIZEN[action];
    it(`a citizen ${rule.manager ? 'may' : 'may not'} ${action} at a venue they manage, ${rule.other ? 'and may' : 'and may not'} elsewhere`, () => {
      const owner = citizen('owner');
      expect(mayEver(venuePolicy, owner, action)).toBe(rule.manager || rule.other);
      for (const path of [IN, HANOI]) {
        expect(can(venuePolicy, owner, action, venueAt(path, ['owner']))).toBe(rule.manager);
        expect(can(venuePolicy, owner, action, venueAt(path, ['someone-else']))).toBe(rule.other);
      }
      // a venue they do not manage is "not found" when the action is ever theirs, else 403; lists are staff's
      const refusal = rule.manager || rule.other ? 'VENUE_NOT_FOUND' : 'FORBIDDEN';
      if (!rule.other) {
        expect(() => authorize(venuePolicy, owner, action, venueAt(IN, ['someone-else']))).toThrow(
          expect.objectContaining({ code: refusal }),
        );
      }
      expect(() => scopeOf(venuePolicy, owner, action)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    });
  }

  it('the system may do everything, everywhere', () => {
    const system = { kind: 'system', name: 't' } as const;
    for (const action of ACTIONS) {
      expect(mayEver(venuePolicy, system, action)).toBe(true);
      expect(can(venuePolicy, system, action, venueAt(HANOI, []))).toBe(true);
      expect(scopeOf(venuePolicy, system, action).paths).toBe('all');
    }
  });
});
