/**
 * Who may act on a recorded check-in. Checking in itself is an action on the venue (`venues.checkin` of the venues
 * policy: its managers, and health workers and venue-manager staff in its jurisdiction) or a citizen's own scan; a
 * check-in once written may be closed (checked out) by the person it records, by the venue's managers, and by the
 * staff who check people in there.
 */
import { definePolicy } from '../../platform/authorize.ts';
import { checkinActions } from './constants.ts';

export { checkinActions };

export type CheckinAction = keyof typeof checkinActions;

/** A check-in as the policy sees it: whose it is and where its venue lies. */
export interface CheckinResource {
  personId: string;
  /** the venue's unit path */
  unitPath: string;
  /** person ids of the citizens managing the venue */
  managerIds: readonly string[];
}

export const checkinPolicy = definePolicy<CheckinAction, CheckinResource>({
  roles: checkinActions,
  citizen: {
    'checkins.checkout': (actor, c) => c.personId === actor.personId || c.managerIds.includes(actor.personId),
  },
  unitPath: (c) => c.unitPath,
  notFound: 'CHECKIN_NOT_FOUND',
});
