/**
 * Venues: registered by citizens (who then manage them) or by staff for someone; managed by their citizen managers
 * and by staff in the venue's jurisdiction; statistics for health staff, leaders and admins in scope. Services go
 * through `authorize`/`authorizeAt`/`scopeOf` (platform/authorize.ts) with `venuePolicy`; `can` is the pure rule.
 */
import type { Actor } from '../../platform/access.ts';
import { can as canDo, definePolicy } from '../../platform/authorize.ts';
import { venueActions } from './constants.ts';

/** The roles each action needs: plain data in `constants.ts`, which the web app reads too. */
export { venueActions };

export type VenueAction = keyof typeof venueActions;

export interface VenueResource {
  unitPath: string;
  /** person ids of the citizens managing the venue */
  managerIds: readonly string[];
}

const managesIt = (actor: { personId: string }, venue: VenueResource) => venue.managerIds.includes(actor.personId);

export const venuePolicy = definePolicy<VenueAction, VenueResource>({
  roles: venueActions,
  // a citizen registers venues (becoming their manager) and runs the venues they manage; never statistics, never
  // the commune's verification (absent here: 403)
  citizen: {
    'venues.create': () => true,
    'venues.manage': managesIt,
    'venues.read': managesIt,
    'venues.checkin': managesIt,
  },
  unitPath: (venue) => venue.unitPath,
  notFound: 'VENUE_NOT_FOUND',
});

/** True when the actor may do `action` to the venue (the pure rule). */
export function can(actor: Actor, action: VenueAction, venue: VenueResource): boolean {
  return canDo(venuePolicy, actor, action, venue);
}
