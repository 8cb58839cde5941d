/**
 * Venues: registered by citizens (who then manage them) or by staff for someone; managed by their citizen managers
 * and by staff in the venue's jurisdiction; statistics for health staff, leaders and admins in scope.
 */
import { type Actor, inJurisdiction, type StaffRole } from '../../platform/access.ts';

export const venueActions = {
  'venues.create': ['health_worker', 'venue_manager'] as StaffRole[],
  'venues.manage': ['health_worker', 'venue_manager'] as StaffRole[],
  'venues.read': ['health_worker', 'venue_manager', 'tracer', 'leader'] as StaffRole[],
  'venues.stats': ['health_worker', 'tracer', 'leader'] as StaffRole[],
  /** check people in at the venue (staff scanning) */
  'venues.checkin': ['health_worker', 'venue_manager'] as StaffRole[],
  /** confirm for the commune that a citizen-run venue is real and its managers may type people in */
  'venues.verify': ['health_worker'] as StaffRole[],
} as const;

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
