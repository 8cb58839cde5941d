/** Who may change the unit tree. Reading it is public (administrative units are public facts). */
import { type Actor, inJurisdiction, type StaffRole } from '../../platform/access.ts';

export const adminUnitActions = {
  /** create thôn/ấp/tổ dân phố under a commune */
  'adminUnits.createHamlet': ['health_worker'] as StaffRole[],
} as const;

export type AdminUnitAction = keyof typeof adminUnitActions;

export function can(actor: Actor, action: AdminUnitAction, unit: { path: string }): boolean {
  return inJurisdiction(actor, adminUnitActions[action], unit.path);
}
