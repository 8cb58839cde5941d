import { describe, expect, it } from 'vitest';
import {
  type Actor,
  type CitizenActor,
  type Grant,
  hasRole,
  inJurisdiction,
  pathWithin,
  ROLES,
  STAFF_ROLES,
  type StaffActor,
  type StaffRole,
  scopeFor,
} from './access.ts';

const staff = (...grants: Array<[StaffRole, string | null, string]>): StaffActor => ({
  kind: 'staff',
  userId: 'u1',
  username: 'u1',
  displayName: '',
  sessionId: 's1',
  grants: grants.map(([role, unitCode, unitPath]): Grant => ({ role, unitCode, unitPath })),
});
const citizen: CitizenActor = { kind: 'citizen', personId: 'p1', phone: '+84912345678', sessionId: 's' };
const system: Actor = { kind: 'system', name: 'test' };

describe('pathWithin', () => {
  it.each([
    ['75.731.25993.', '75.731.', true],
    ['75.731.', '75.731.', true],
    ['75.732.26080.', '75.731.', false],
    ['75.', '75.731.', false],
    ['01.001.', '75.', false],
    ['75.731.25993.', '', true],
    [null, '', true],
    [null, '75.', false],
    [undefined, '75.', false],
    ['', '75.', false],
  ] as const)('unit %s within scope "%s" → %s', (unit, scope, expected) => {
    expect(pathWithin(unit, scope)).toBe(expected);
  });

  it('does not treat a code that merely shares a prefix as inside ("75.73" is not "75.731.")', () => {
    // paths end with '.', so 75.7310. is not inside 75.731.
    expect(pathWithin('75.7310.', '75.731.')).toBe(false);
  });
});

describe('hasRole / inJurisdiction / scopeFor', () => {
  it('admin counts for every role, anywhere in its scope', () => {
    const national = staff(['admin', null, '']);
    const provincial = staff(['admin', '75', '75.']);
    for (const role of STAFF_ROLES) {
      expect(hasRole(national, [role])).toBe(true);
      expect(inJurisdiction(national, [role], '01.001.00001.')).toBe(true);
      expect(inJurisdiction(provincial, [role], '75.731.25993.')).toBe(true);
      expect(inJurisdiction(provincial, [role], '01.001.00001.')).toBe(false);
    }
    expect(hasRole(national, [])).toBe(true);
    expect(scopeFor(national, [])).toBe('all');
    expect(scopeFor(provincial, [])).toEqual(['75.']);
  });

  it.each(STAFF_ROLES.filter((r) => r !== 'admin'))('%s holds only its own role', (role) => {
    const actor = staff([role, '731', '75.731.']);
    expect(hasRole(actor, [role])).toBe(true);
    expect(hasRole(actor, [])).toBe(false);
    for (const other of STAFF_ROLES.filter((r) => r !== role && r !== 'admin')) {
      expect(hasRole(actor, [other])).toBe(false);
      expect(inJurisdiction(actor, [other], '75.731.25993.')).toBe(false);
    }
    expect(inJurisdiction(actor, [role], '75.731.25993.')).toBe(true);
    expect(inJurisdiction(actor, [role], '75.731.')).toBe(true);
    expect(inJurisdiction(actor, [role], '75.732.26080.')).toBe(false);
    expect(inJurisdiction(actor, [role], '75.')).toBe(false);
    expect(inJurisdiction(actor, [role], null)).toBe(false);
    expect(scopeFor(actor, [role])).toEqual(['75.731.']);
    expect(scopeFor(actor, [])).toEqual([]);
  });

  it('a national grant gives scope "all"; several district grants give all their paths', () => {
    expect(scopeFor(staff(['tracer', null, '']), ['tracer'])).toBe('all');
    expect(scopeFor(staff(['tracer', '731', '75.731.'], ['tracer', '732', '75.732.']), ['tracer'])).toEqual([
      '75.731.',
      '75.732.',
    ]);
    expect(inJurisdiction(staff(['tracer', null, '']), ['tracer'], null)).toBe(true);
  });

  it('citizens hold no staff role and no jurisdiction; the system holds everything', () => {
    expect(ROLES).toContain('citizen');
    expect(STAFF_ROLES).not.toContain('citizen');
    for (const role of STAFF_ROLES) {
      expect(hasRole(citizen, [role])).toBe(false);
      expect(inJurisdiction(citizen, [role], '75.731.')).toBe(false);
      expect(hasRole(system, [role])).toBe(true);
    }
    expect(scopeFor(citizen, ['tracer'])).toEqual([]);
    expect(scopeFor(system, [])).toBe('all');
  });

  it('a grant on a unit that no longer exists matches nothing (path sentinel)', () => {
    const actor = staff(['tracer', 'gone', '\u0000']);
    expect(inJurisdiction(actor, ['tracer'], '75.731.')).toBe(false);
  });
});
