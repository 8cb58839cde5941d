/**
 * Staff management: only admins, and only inside their own scope — a provincial admin creates district and
 * commune officers of that province; national scope (a grant without a unit) needs a national admin. An account is
 * managed by whoever has authority over every one of its grants; out of reach, it is "not found" (404).
 *
 * Services go through `platform/authorize.ts` with this policy: `authorize(…)` for a loaded account (once per grant),
 * `authorizeAt(…)` for the place of a new grant (403), `scopeOf(…)` for the staff list, which the repository filters
 * in SQL (`scoped`).
 */
import type { Actor } from '../../platform/access.ts';
import { can as allowed, definePolicy, type Policy } from '../../platform/authorize.ts';
import { staffActions } from './constants.ts';

/** The roles each action needs: plain data in `constants.ts`, which the web app reads too. */
export { staffActions };

export type StaffAction = keyof typeof staffActions;

/** The place of a grant: its unit's path, '' for national scope (which only a national grant reaches). */
export interface GrantPlace {
  unitPath: string;
}

/** The staff policy; an account out of reach is `STAFF_NOT_FOUND`. No action is a citizen's. */
export const staffPolicy: Policy<StaffAction, GrantPlace> = definePolicy<StaffAction, GrantPlace>({
  roles: staffActions,
  unitPath: (place) => (place.unitPath === '' ? null : place.unitPath),
  notFound: 'STAFF_NOT_FOUND',
});

/** True when the actor may do `action` at a grant's place (pure; the policy tests read it). */
export function can(actor: Actor, action: StaffAction, place: GrantPlace): boolean {
  return allowed(staffPolicy, actor, action, place);
}

/**
 * The places an account's management must reach: each of its grants, or national scope for an account without
 * grants (only a national admin may touch one).
 */
export function placesOf(grants: readonly { unit_path: string }[]): GrantPlace[] {
  return grants.length > 0 ? grants.map((g) => ({ unitPath: g.unit_path })) : [{ unitPath: '' }];
}
