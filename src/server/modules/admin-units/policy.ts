/**
 * Who may change the unit tree. Reading it is public (administrative units are public facts), so a unit out of reach
 * is no secret: creating a hamlet there answers 403 (`authorizeAt`), not the 404 of a hidden record.
 */
import type { Actor } from '../../platform/access.ts';
import { can as allowed, definePolicy, type Policy } from '../../platform/authorize.ts';
import type { StaffRole } from '../../platform/roles.ts';

export const adminUnitActions = {
  /** create thôn/ấp/tổ dân phố under a commune */
  'adminUnits.createHamlet': ['health_worker'] as StaffRole[],
} as const;

export type AdminUnitAction = keyof typeof adminUnitActions;

/** The unit a change is made under; where it lies is its materialized path. */
export interface UnitResource {
  path: string;
}

/** No action is a citizen's; `admin` passes every check within its scope. */
export const adminUnitPolicy: Policy<AdminUnitAction, UnitResource> = definePolicy<AdminUnitAction, UnitResource>({
  roles: adminUnitActions,
  unitPath: (unit) => unit.path,
  notFound: 'UNIT_NOT_FOUND',
});

/** True when the actor may do `action` under this unit (pure; the policy tests read it). */
export function can(actor: Actor, action: AdminUnitAction, unit: UnitResource): boolean {
  return allowed(adminUnitPolicy, actor, action, unit);
}
