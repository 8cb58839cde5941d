/**
 * The check-ins module's plain data. It imports nothing but other value lists, so the web app imports it at run time
 * (the door's offline queue, the evidence labels) without pulling in server code; `schemas.ts` and `policy.ts` use it.
 */
import { venueActions } from '../venues/constants.ts';

/** How a check-in proves the person was there (docs/ARCHITECTURE.md, "Venues and check-ins"). */
export const CHECKIN_EVIDENCE = ['qr_self', 'qr_personal', 'otp', 'typed_staff', 'typed_unverified'] as const;
export type CheckinEvidence = (typeof CHECKIN_EVIDENCE)[number];

/** The most items one POST /checkins/batch takes. */
export const MAX_BATCH = 500;

/**
 * POST /checkins/batch requests one account may send a minute (429 RATE_LIMITED past it). The door scanner sends
 * every live scan as a one-item batch, so this is a busy door's pace, not an offline queue's size.
 */
export const BATCH_RATE_LIMIT_PER_MINUTE = 120;

/**
 * The staff roles allowed each action on a check-in record (`policy.ts`); `admin` passes every check within its
 * scope. Checking someone out is for those who check people in at the venue (venues' `venues.checkin`).
 */
export const checkinActions = {
  'checkins.checkout': venueActions['venues.checkin'],
} as const;
