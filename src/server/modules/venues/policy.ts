/**
 * Venues: registered by citizens (who then manage them) or by staff for someone; managed by their citizen managers
 * and by staff in the venue's jurisdiction; statistics for health staff, leaders and admins in scope.
 */
import { type Actor, inJurisdiction } from '../../platform/access.ts';
import { venueActions } from './constants.ts';

/** The roles each action needs: plain data in `constants.ts`, which the web app reads too. */
export { venueActions };

export type VenueAction = keyof typeof venueActions;

export interface VenueResource {
  unitPath: string;
  /** person ids of the citizens managing the venue */
  managerIds: string[];
}

export function can(actor: Actor, action: VenueAction, venue: VenueResource): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'citizen') {
    // a citizen registers venues (becoming their manager) and runs the venues they manage; no statistics
    if (action === 'venues.create') return true;
    if (action === 'venues.stats' || action === 'venues.verify') return false;
    return venue.managerIds.includes(actor.personId);
  }
  return inJurisdiction(actor, venueActions[action], venue.unitPath);
}
