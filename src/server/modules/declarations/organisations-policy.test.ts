/**
 * Who keeps and reads organisations' member lists, as a role × action table: agencies are kept by the area's health
 * workers and leaders, an enterprise's list also by the park board and by its owner (a citizen), and read by the
 * statistics roles and the park board — within their jurisdiction only.
 */
import { describe, expect, it } from 'vitest';
import type { CitizenActor, Role, StaffActor, StaffRole } from '../../platform/access.ts';
import { ROLES } from '../../platform/access.ts';
import { can } from '../../platform/authorize.ts';
import { type OrganisationResource, organisationPolicy } from './policy.ts';

type OrgAction = 'organisations.agencies' | 'organisations.enterprises' | 'organisations.read';
const ACTIONS: OrgAction[] = ['organisations.agencies', 'organisations.enterprises', 'organisations.read'];

const staffAt = (role: StaffRole, unitPath: string): StaffActor => ({
  kind: 'staff',
  userId: 'u',
  username: 'u',
  displayName: '',
  sessionId: 's',
  grants: [{ role, unitCode: unitPath === '' ? null : 'x', unitPath }],
});
const owner: CitizenActor = { kind: 'citizen', personId: 'owner', phone: '+84912345678', sessionId: 's' };

const AGENCY: OrganisationResource = { unitPath: '75.731.25993.', kind: 'agency', ownerPersonId: null };
const ENTERPRISE: OrganisationResource = { unitPath: '75.731.25993.', kind: 'enterprise', ownerPersonId: 'owner' };
const ELSEWHERE: OrganisationResource = { unitPath: '75.732.26080.', kind: 'enterprise', ownerPersonId: 'x' };

const ALLOWED: Partial<Record<Role, OrgAction[]>> = {
  health_worker: ['organisations.agencies', 'organisations.enterprises', 'organisations.read'],
  leader: ['organisations.agencies', 'organisations.enterprises', 'organisations.read'],
  park_officer: ['organisations.enterprises', 'organisations.read'],
  tracer: ['organisations.read'],
  admin: ['organisations.agencies', 'organisations.enterprises', 'organisations.read'],
};

describe('organisationPolicy', () => {
  for (const role of ROLES.filter((r): r is StaffRole => r !== 'citizen')) {
    it(`${role}: ${(ALLOWED[role] ?? []).join(', ') || 'nothing'} at the district, nothing elsewhere`, () => {
      const actor = staffAt(role, '75.731.');
      for (const action of ACTIONS) {
        const expected = (ALLOWED[role] ?? []).includes(action);
        expect(can(organisationPolicy, actor, action, ENTERPRISE), action).toBe(expected);
        expect(can(organisationPolicy, actor, action, ELSEWHERE), action).toBe(false);
      }
    });
  }

  it("citizen: keeps and reads their own enterprise's list only, never an agency's", () => {
    expect(can(organisationPolicy, owner, 'organisations.enterprises', ENTERPRISE)).toBe(true);
    expect(can(organisationPolicy, owner, 'organisations.read', ENTERPRISE)).toBe(true);
    expect(can(organisationPolicy, owner, 'organisations.read', ELSEWHERE)).toBe(false);
    expect(can(organisationPolicy, owner, 'organisations.enterprises', ELSEWHERE)).toBe(false);
    expect(can(organisationPolicy, owner, 'organisations.read', { ...AGENCY, ownerPersonId: 'owner' })).toBe(false);
    expect(can(organisationPolicy, owner, 'organisations.agencies', AGENCY)).toBe(false);
  });
});
