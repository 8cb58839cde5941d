import { describe, expect, it } from 'vitest';
import type { StaffUser } from './api-types.ts';
import { areaOf, PEOPLE_UPDATE_ROLES } from './roles.ts';

const user = (grants: Array<{ role: string; unitCode: string | null }>) =>
  ({ grants: grants.map((g) => ({ ...g, unitName: g.unitCode })) }) as unknown as StaffUser;

describe('areaOf', () => {
  it('is the unit of the grants that hold the roles, when that is one unit', () => {
    expect(areaOf(user([{ role: 'health_worker', unitCode: '26734' }]), PEOPLE_UPDATE_ROLES)).toBe('26734');
    expect(
      areaOf(
        user([
          { role: 'health_worker', unitCode: '26734' },
          { role: 'venue_manager', unitCode: '731' },
        ]),
        PEOPLE_UPDATE_ROLES,
      ),
    ).toBe('26734');
  });

  it('is undefined for grants in several places, a grant without a unit, or no grant with the roles', () => {
    expect(
      areaOf(
        user([
          { role: 'health_worker', unitCode: '26734' },
          { role: 'health_worker', unitCode: '26737' },
        ]),
        PEOPLE_UPDATE_ROLES,
      ),
    ).toBeUndefined();
    expect(areaOf(user([{ role: 'admin', unitCode: null }]), PEOPLE_UPDATE_ROLES)).toBeUndefined();
    expect(areaOf(user([{ role: 'venue_manager', unitCode: '731' }]), PEOPLE_UPDATE_ROLES)).toBeUndefined();
  });
});
