import { describe, expect, it } from 'vitest';
import type { Actor, StaffRole } from '../../platform/access.ts';
import { can, mayEver } from '../../platform/authorize.ts';
import { type ExposureAction, exposureActions, exposurePolicy } from './policy.ts';

const staff = (role: StaffRole, unitPath = '75.731.'): Actor => ({
  kind: 'staff',
  userId: 'u',
  username: 'u',
  displayName: 'u',
  sessionId: 's',
  grants: [{ role, unitCode: unitPath ? (unitPath.split('.').at(-2) ?? null) : null, unitPath }],
});
const citizen: Actor = { kind: 'citizen', personId: 'p', phone: '+84912000000', sessionId: 's' };
const system: Actor = { kind: 'system', name: 'test' };

const inScope = { unitPath: '75.731.25993.' };
const outOfScope = { unitPath: '75.732.26000.' };

// role × action → may do it to a case in its district
const table: Record<string, Record<ExposureAction, boolean>> = {
  tracer: { 'exposure.issueCode': true, 'exposure.readReports': true, 'exposure.publish': false },
  health_worker: { 'exposure.issueCode': true, 'exposure.readReports': true, 'exposure.publish': false },
  admin: { 'exposure.issueCode': true, 'exposure.readReports': true, 'exposure.publish': true },
  quarantine_officer: { 'exposure.issueCode': false, 'exposure.readReports': false, 'exposure.publish': false },
  venue_manager: { 'exposure.issueCode': false, 'exposure.readReports': false, 'exposure.publish': false },
  leader: { 'exposure.issueCode': false, 'exposure.readReports': false, 'exposure.publish': false },
};

describe('exposure policy', () => {
  for (const [role, actions] of Object.entries(table)) {
    for (const [action, allowed] of Object.entries(actions) as [ExposureAction, boolean][]) {
      it(`${role} ${allowed ? 'may' : 'may not'} ${action} in its district, and never outside it`, () => {
        const actor = staff(role as StaffRole);
        expect(can(exposurePolicy, actor, action, inScope)).toBe(allowed);
        expect(mayEver(exposurePolicy, actor, action)).toBe(allowed);
        expect(can(exposurePolicy, actor, action, outOfScope)).toBe(false);
      });
    }
  }

  it('gives citizens no staff action, and the system every one', () => {
    for (const action of Object.keys(exposureActions) as ExposureAction[]) {
      expect(mayEver(exposurePolicy, citizen, action)).toBe(false);
      expect(can(exposurePolicy, system, action, outOfScope)).toBe(true);
    }
  });

  it('lets only national scope reach a case without a unit', () => {
    expect(can(exposurePolicy, staff('tracer'), 'exposure.issueCode', { unitPath: null })).toBe(false);
    expect(can(exposurePolicy, staff('tracer', ''), 'exposure.issueCode', { unitPath: null })).toBe(true);
  });
});
