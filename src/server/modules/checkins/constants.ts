/**
 * The check-ins module's plain data. It imports nothing, so the web app imports it at run time (the door's offline
 * queue, the evidence labels) without pulling in server code; `schemas.ts` uses and re-exports it.
 */

/** How a check-in proves the person was there (docs/ARCHITECTURE.md, "Venues and check-ins"). */
export const CHECKIN_EVIDENCE = ['qr_self', 'qr_personal', 'otp', 'typed_staff', 'typed_unverified'] as const;
export type CheckinEvidence = (typeof CHECKIN_EVIDENCE)[number];

/** The most items one POST /checkins/batch takes. */
export const MAX_BATCH = 500;
