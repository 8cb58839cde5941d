/**
 * The people policies as role × action tables: every role (citizen included) and the system; a person inside the
 * jurisdiction, outside it, in another province and with no unit; a district grant and a national one. What the
 * services answer follows from these: 403 when `mayEver` is false, else 404 for a person `can` refuses.
 */
import { describe, expect, it } from 'vitest';
import type { Actor, CitizenActor, Role, StaffActor, StaffRole } from '../../platform/access.ts';
import { ROLES } from '../../platform/access.ts';
import { can as allowed, authorize, mayEver, scopeOf } from '../../platform/authorize.ts';
import {
  can,
  doorPersonShown,
  doorPersonView,
  doorReadReach,
  doorShownFor,
  householdPolicy,
  type PeopleAction,
  peopleActions,
  peoplePolicy,
  peopleUnitPolicy,
} from './policy.ts';

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
const me: CitizenActor = { kind: 'citizen', personId: 'me', phone: '+84912345678', sessionId: 's' };
const system: Actor = { kind: 'system', name: 'test' };

const ACTIONS = Object.keys(peopleActions) as PeopleAction[];

/** Which actions each role may do on a person inside its scope (a citizen: on themselves and their dependants). */
const ALLOWED: Record<Role, PeopleAction[]> = {
  citizen: ['people.read', 'people.update'],
  venue_manager: [],
  leader: [],
  health_worker: ['people.read', 'people.create', 'people.update', 'households.manage'],
  tracer: ['people.read', 'people.create', 'people.update'],
  lab: ['people.read', 'people.create'],
  vaccinator: ['people.read', 'people.create'],
  doctor: ['people.read', 'people.create'],
  quarantine_officer: ['people.read', 'people.create'],
  welfare_officer: ['people.read', 'people.create', 'households.manage'],
  hotline_operator: ['people.read', 'people.create'],
  park_officer: [],
  admin: ACTIONS,
};

describe('people policy, role × action', () => {
  for (const role of ROLES.filter((r): r is StaffRole => r !== 'citizen')) {
    for (const action of ACTIONS) {
      const ok = ALLOWED[role].includes(action);
      it(`${role} ${ok ? 'may' : 'may not'} ${action}: in jurisdiction ${ok}, out false, national ${ok}`, () => {
        const district = staffAt(role, '75.731.');
        expect(can(district, action, { id: 'p', unitPath: IN })).toBe(ok);
        expect(can(district, action, { id: 'p', unitPath: OUT })).toBe(false);
        expect(can(district, action, { id: 'p', unitPath: HANOI })).toBe(false);
        expect(can(district, action, { id: 'p', unitPath: null })).toBe(false);
        expect(mayEver(peoplePolicy, district, action)).toBe(ok);
        const national = staffAt(role, '');
        for (const unitPath of [IN, OUT, HANOI, null]) expect(can(national, action, { id: 'p', unitPath })).toBe(ok);
        // households: the same roles, by the household's unit
        expect(allowed(householdPolicy, district, action, { unitPath: IN })).toBe(ok);
        expect(allowed(householdPolicy, district, action, { unitPath: OUT })).toBe(false);
        expect(allowed(householdPolicy, national, action, { unitPath: HANOI })).toBe(ok);
      });
    }
  }

  it('a provincial admin does everything inside its province and nothing outside', () => {
    for (const action of ACTIONS) {
      expect(can(staffAt('admin', '75.'), action, { id: 'p', unitPath: OUT })).toBe(true);
      expect(can(staffAt('admin', '75.'), action, { id: 'p', unitPath: HANOI })).toBe(false);
      expect(can(staffAt('admin', '75.'), action, { id: 'p', unitPath: null })).toBe(false);
    }
  });

  for (const action of ACTIONS) {
    const ok = ALLOWED.citizen.includes(action);
    it(`a citizen ${ok ? 'may' : 'may not'} ${action} for themselves and their dependants, never for anyone else`, () => {
      expect(can(me, action, { id: 'me', unitPath: IN })).toBe(ok);
      expect(can(me, action, { id: 'me', unitPath: null })).toBe(ok);
      expect(can(me, action, { id: 'kid', unitPath: null, guardianIds: ['me'] })).toBe(ok);
      expect(can(me, action, { id: 'other', unitPath: IN })).toBe(false);
      expect(can(me, action, { id: 'other', unitPath: IN, guardianIds: ['someone-else'] })).toBe(false);
      expect(mayEver(peoplePolicy, me, action)).toBe(ok);
      expect(mayEver(householdPolicy, me, action)).toBe(false);
    });
  }

  it('the system may do everything, everywhere', () => {
    for (const action of ACTIONS) {
      for (const unitPath of [IN, HANOI, null]) expect(can(system, action, { id: 'p', unitPath })).toBe(true);
      expect(mayEver(peoplePolicy, system, action)).toBe(true);
    }
  });
});

describe('people search scope (scopeOf people.read)', () => {
  it('is the grant paths of the reading roles; national for a national grant or the system', () => {
    expect(scopeOf(peoplePolicy, staffAt('tracer', '75.731.'), 'people.read').paths).toEqual(['75.731.']);
    expect(scopeOf(peoplePolicy, staffAt('health_worker', ''), 'people.read').paths).toBe('all');
    expect(scopeOf(peoplePolicy, system, 'people.read').paths).toBe('all');
    const both: StaffActor = {
      ...staffAt('lab', '75.731.'),
      grants: [
        { role: 'lab', unitCode: 'x', unitPath: '75.731.' },
        { role: 'leader', unitCode: null, unitPath: '' },
      ],
    };
    // a national grant of a role that cannot read people widens nothing
    expect(scopeOf(peoplePolicy, both, 'people.read').paths).toEqual(['75.731.']);
  });

  it.each(['leader', 'venue_manager'] as StaffRole[])('refuses a %s (403), even national', (role) => {
    expect(() => scopeOf(peoplePolicy, staffAt(role, ''), 'people.read')).toThrow(
      expect.objectContaining({ status: 403 }),
    );
  });

  it('refuses a citizen (403): citizens never search people', () => {
    expect(() => scopeOf(peoplePolicy, me, 'people.read')).toThrow(expect.objectContaining({ status: 403 }));
  });
});

describe('the national-ID claims list (scopeOf people.update, its unitCode through peopleUnitPolicy)', () => {
  it('is for those who may verify, in their area: health workers and tracers; not lab, welfare or leaders', () => {
    expect(scopeOf(peoplePolicy, staffAt('health_worker', '75.731.'), 'people.update').paths).toEqual(['75.731.']);
    expect(scopeOf(peoplePolicy, staffAt('tracer', ''), 'people.update').paths).toBe('all');
    for (const role of ['lab', 'welfare_officer', 'leader', 'venue_manager'] as StaffRole[])
      expect(() => scopeOf(peoplePolicy, staffAt(role, '75.731.'), 'people.update')).toThrow(
        expect.objectContaining({ status: 403 }),
      );
    expect(() => scopeOf(peoplePolicy, me, 'people.update')).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('narrows to a unit inside the area; a unit above or beside it is not found (404), whoever asks', () => {
    const worker = staffAt('health_worker', '75.731.');
    expect(allowed(peopleUnitPolicy, worker, 'people.update', { unitPath: IN })).toBe(true);
    expect(allowed(peopleUnitPolicy, worker, 'people.update', { unitPath: '75.' })).toBe(false);
    expect(allowed(peopleUnitPolicy, worker, 'people.update', { unitPath: OUT })).toBe(false);
    expect(() => authorize(peopleUnitPolicy, worker, 'people.update', { unitPath: OUT })).toThrow(
      expect.objectContaining({ status: 404, code: 'UNIT_NOT_FOUND' }),
    );
    expect(() => authorize(peopleUnitPolicy, me, 'people.update', { unitPath: IN })).toThrow(
      expect.objectContaining({ status: 403 }),
    );
  });
});

describe('doorPersonView: what a door is shown of the person whose personal QR it scanned', () => {
  const an = { id: 'an', name: ' Nguyễn Văn An ', birth_year: 1990, birth_date: null, unit_path: IN };
  const masked = { name: 'N. V. An', nameMasked: true, birthYear: 1990 };
  const full = { name: 'Nguyễn Văn An', nameMasked: false, birthYear: 1990 };

  it.each<[string, Actor, object]>([
    ['a health worker whose area holds the person: the full name', staffAt('health_worker', '75.731.'), full],
    ['a national grant that may read people: the full name', staffAt('tracer', ''), full],
    ['a venue_manager role (never reads people): masked', staffAt('venue_manager', '75.731.'), masked],
    ["another district's health worker: masked", staffAt('health_worker', '75.732.'), masked],
    ["a venue's citizen manager scanning someone else: masked", me, masked],
    ['the citizen scanning their own QR: the full name', { ...me, personId: 'an' }, full],
  ])('%s', (_, actor, shown) => {
    expect(doorPersonView(actor, an)).toEqual(shown);
  });

  it('gives no name for someone who never gave one, and the birth year from the birth date when only that is known', () => {
    const nameless = { id: 'x', name: '  ', birth_year: null, birth_date: '1962-03-04', unit_path: null };
    expect(doorPersonView(staffAt('venue_manager', ''), nameless)).toEqual({
      name: null,
      nameMasked: false,
      birthYear: 1962,
    });
  });
});

describe("doorReadReach: the door's rule as data (what the check-in statement decides with) agrees with `can`", () => {
  const paths = [IN, OUT, HANOI, null];
  const actors: Array<[string, Actor]> = [
    ...ROLES.filter((r): r is StaffRole => r !== 'citizen').flatMap(
      (role): Array<[string, Actor]> => [
        [`${role} in the district`, staffAt(role, '75.731.')],
        [`${role} nationally`, staffAt(role, '')],
      ],
    ),
    [
      'a staff account with two grants',
      {
        ...staffAt('venue_manager', '75.731.'),
        grants: [
          { role: 'venue_manager', unitCode: 'x', unitPath: '75.731.' },
          { role: 'health_worker', unitCode: 'y', unitPath: '75.732.' },
        ],
      },
    ],
    ['a citizen', me],
    ['the system', system],
  ];
  for (const [label, actor] of actors) {
    it(label, () => {
      const reach = doorReadReach(actor);
      for (const unitPath of paths) {
        for (const id of ['an', 'me']) {
          const person = { id, name: 'Nguyễn Văn An', birth_year: 1990, birth_date: null, unit_path: unitPath };
          const shown = doorShownFor(reach, person);
          expect(shown).toBe(can(actor, 'people.read', { id, unitPath }) ? 'full' : 'masked');
          expect(doorPersonShown(person, shown)).toEqual(doorPersonView(actor, person));
        }
      }
      expect(doorShownFor(reach, { id: 'an', name: ' ', birth_year: null, birth_date: null, unit_path: IN })).toBe(
        'no-name',
      );
    });
  }
});
