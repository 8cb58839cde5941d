/**
 * Staff management: only admins, and only inside their own scope — a provincial admin creates district and
 * commune officers of that province; national scope (unit null) needs a national admin.
 */
import { type Actor, inJurisdiction } from '../../platform/access.ts';
import { staffActions } from './constants.ts';

/** The roles each action needs: plain data in `constants.ts`, which the web app reads too. */
export { staffActions };

export type StaffAction = keyof typeof staffActions;

/** `unitPath` '' means national scope. */
export function can(actor: Actor, action: StaffAction, target: { unitPath: string }): boolean {
  return inJurisdiction(actor, staffActions[action], target.unitPath === '' ? '' : target.unitPath);
}
