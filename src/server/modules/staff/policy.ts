/**
 * Staff management: only admins, and only inside their own scope — a provincial admin creates district and
 * commune officers of that province; national scope (unit null) needs a national admin.
 */
import { type Actor, inJurisdiction, type StaffRole } from '../../platform/access.ts';

export const staffActions = {
  'staff.manage': [] as StaffRole[],
  'staff.list': [] as StaffRole[],
} as const;

export type StaffAction = keyof typeof staffActions;

/** `unitPath` '' means national scope. */
export function can(actor: Actor, action: StaffAction, target: { unitPath: string }): boolean {
  return inJurisdiction(actor, staffActions[action], target.unitPath === '' ? '' : target.unitPath);
}
