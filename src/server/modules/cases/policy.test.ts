import { describe, expect, it } from 'vitest';
import {
  type Actor,
  type CitizenActor,
  ROLES,
  type StaffActor,
  type StaffRole,
  type SystemActor,
} from '../../platform/access.ts';
import { authorize, scopeOf } from '../../platform/authorize.ts';
import { AppError } from '../../platform/errors.ts';
import {
  type CaseAction,
  can,
  caseActions,
  casePolicy,
  contactPolicy,
  mayEver,
  personPolicy,
  quarantinePolicy,
  venuePolicy,
} from './policy.ts';

const DISTRICT = '75.731.';
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
const citizen: CitizenActor = { kind: 'citizen', personId: 'me', phone: '+84912345678', sessionId: 's' };
const system: SystemActor = { kind: 'system', name: 'testing' };

const ACTIONS = Object.keys(caseActions) as CaseAction[];

/** Expected: which actions each role may do on a case (contact, person, venue) inside its scope. */
const ALLOWED: Record<(typeof ROLES)[number], CaseAction[]> = {
  citizen: [],
  venue_manager: [],
  health_worker: [
    'cases.create',
    'cases.read',
    'cases.update',
    'cases.dashboard',
    'cases.readQuarantine',
    'cases.updateQuarantine',
  ],
  lab: [],
  vaccinator: [],
  doctor: [],
  tracer: ['cases.create', 'cases.read', 'cases.update', 'cases.venueAlert', 'cases.dashboard'],
  quarantine_officer: ['cases.readQuarantine', 'cases.updateQuarantine'],
  welfare_officer: [],
  hotline_operator: [],
  park_officer: [],
  leader: ['cases.dashboard'],
  admin: ACTIONS,
};

/** The refusal `authorize` throws (status and code), or 'ok'. */
function outcome(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (err) {
    if (err instanceof AppError) return `${err.status} ${err.code}`;
    throw err;
  }
}

describe('cases policy, table-driven by role', () => {
  it('lists every role of the platform', () => {
    expect(Object.keys(ALLOWED).sort()).toEqual([...ROLES].sort());
  });

  for (const role of ROLES.filter((r) => r !== 'citizen') as StaffRole[]) {
    for (const action of ACTIONS) {
      const allowed = ALLOWED[role].includes(action);
      it(`${role} ${allowed ? 'may' : 'may never'} ${action}: in its district ${allowed}, outside false, national ${allowed}`, () => {
        const district = staffAt(role, DISTRICT);
        expect(mayEver(district, action)).toBe(allowed);
        expect(can(district, action, { unit_path: IN })).toBe(allowed);
        expect(can(district, action, { unit_path: DISTRICT })).toBe(allowed);
        expect(can(district, action, { unit_path: OUT })).toBe(false);
        expect(can(district, action, { unit_path: HANOI })).toBe(false);
        expect(can(district, action, { unit_path: null })).toBe(false);
        const national = staffAt(role, '');
        expect(mayEver(national, action)).toBe(allowed);
        for (const unit_path of [IN, OUT, HANOI, null]) expect(can(national, action, { unit_path })).toBe(allowed);
      });
    }
  }

  it('a citizen may do no case action, anywhere (their own notices and orders are read by person, not by policy)', () => {
    for (const action of ACTIONS) {
      expect(mayEver(citizen, action)).toBe(false);
      for (const unit_path of [IN, OUT, null]) expect(can(citizen, action, { unit_path })).toBe(false);
    }
  });

  it('the system (jobs, seeders) may do every action everywhere', () => {
    for (const action of ACTIONS) {
      expect(mayEver(system, action)).toBe(true);
      for (const unit_path of [IN, HANOI, null]) expect(can(system, action, { unit_path })).toBe(true);
    }
  });

  it('a provincial admin reaches its province only', () => {
    const admin = staffAt('admin', '75.');
    for (const action of ACTIONS) {
      expect(can(admin, action, { unit_path: OUT })).toBe(true);
      expect(can(admin, action, { unit_path: HANOI })).toBe(false);
    }
  });

  it('grants add up: a national leader who traces in one district traces there only', () => {
    const actor: StaffActor = {
      ...staffAt('leader', ''),
      grants: [
        { role: 'leader', unitCode: null, unitPath: '' },
        { role: 'tracer', unitCode: 'x', unitPath: DISTRICT },
      ],
    };
    expect(can(actor, 'cases.read', { unit_path: IN })).toBe(true);
    expect(can(actor, 'cases.read', { unit_path: HANOI })).toBe(false);
    expect(scopeOf(casePolicy, actor, 'cases.read').paths).toEqual([DISTRICT]);
  });
});

describe('authorize with the cases policies: 403 for a role that never may, else one 404 for missing or out of reach', () => {
  const tracer = staffAt('tracer', DISTRICT);
  const leader = staffAt('leader', DISTRICT);
  const healthWorker = staffAt('health_worker', DISTRICT);
  const inside = { unit_path: IN };
  const outside = { unit_path: OUT };

  it('answers a role that can never do the action 403, whether or not the record exists (no existence oracle)', () => {
    for (const actor of [leader, citizen] as Actor[]) {
      // a leader sees the figures and the graph (`cases.dashboard`), nothing else
      for (const action of ACTIONS.filter((a) => actor !== leader || a !== 'cases.dashboard')) {
        expect(outcome(() => authorize(casePolicy, actor, action, inside))).toBe('403 FORBIDDEN');
        expect(outcome(() => authorize(casePolicy, actor, action, undefined))).toBe('403 FORBIDDEN');
      }
    }
    expect(outcome(() => authorize(venuePolicy, healthWorker, 'cases.venueAlert', undefined))).toBe('403 FORBIDDEN');
    for (const actor of [tracer, leader]) {
      expect(outcome(() => authorize(quarantinePolicy, actor, 'cases.updateQuarantine', undefined))).toBe(
        '403 FORBIDDEN',
      );
    }
  });

  it('answers a quarantine order missing or issued out of reach alike: 404 QUARANTINE_ORDER_NOT_FOUND', () => {
    const officer = staffAt('quarantine_officer', DISTRICT);
    for (const order of [undefined, outside, { unit_path: null }]) {
      expect(outcome(() => authorize(quarantinePolicy, officer, 'cases.updateQuarantine', order))).toBe(
        '404 QUARANTINE_ORDER_NOT_FOUND',
      );
    }
    expect(outcome(() => authorize(quarantinePolicy, officer, 'cases.updateQuarantine', inside))).toBe('ok');
    // the officer's reach is quarantine orders only: never a case
    expect(outcome(() => authorize(casePolicy, officer, 'cases.read', inside))).toBe('403 FORBIDDEN');
  });

  it('answers a missing record and one out of reach alike, with the code of what was asked for', () => {
    const cases: Array<[typeof casePolicy, string]> = [
      [casePolicy, 'CASE_NOT_FOUND'],
      [personPolicy, 'PERSON_NOT_FOUND'],
      [contactPolicy, 'CONTACT_NOT_FOUND'],
      [venuePolicy, 'VENUE_NOT_FOUND'],
    ];
    for (const [policy, code] of cases) {
      expect(outcome(() => authorize(policy, tracer, 'cases.update', undefined))).toBe(`404 ${code}`);
      expect(outcome(() => authorize(policy, tracer, 'cases.update', outside))).toBe(`404 ${code}`);
      expect(outcome(() => authorize(policy, tracer, 'cases.update', { unit_path: null }))).toBe(`404 ${code}`);
      expect(outcome(() => authorize(policy, tracer, 'cases.update', inside))).toBe('ok');
    }
  });

  it("gives lists the actor's scope: paths, national, or 403 for a role that never reads cases", () => {
    expect(scopeOf(casePolicy, tracer, 'cases.read').paths).toEqual([DISTRICT]);
    expect(scopeOf(casePolicy, staffAt('health_worker', ''), 'cases.read').paths).toBe('all');
    expect(scopeOf(casePolicy, system, 'cases.read').paths).toBe('all');
    expect(outcome(() => scopeOf(casePolicy, leader, 'cases.read'))).toBe('403 FORBIDDEN');
    expect(outcome(() => scopeOf(casePolicy, citizen, 'cases.read'))).toBe('403 FORBIDDEN');
  });
});
