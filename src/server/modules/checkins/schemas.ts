import { type Static, Type } from 'typebox';
import { IDEMPOTENCY_KEY_CHARS, IDEMPOTENCY_KEY_MAX } from '../../platform/idempotency.ts';
import { Badge } from '../declarations/schemas.ts';
import { DoorPerson } from '../people/schemas.ts';
import { CHECKIN_EVIDENCE } from './constants.ts';

/** The value lists are plain data in `constants.ts` (the web app imports them too). */
export { BATCH_RATE_LIMIT_PER_MINUTE, CHECKIN_EVIDENCE, MAX_BATCH } from './constants.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/**
 * One body for every mode; the service works out which one it is:
 *   citizen: `{venueQr}` (scanned) or `{shortCode}` (typed)
 *   the door: `{venueId, personQr}` (scanned the citizen's QR), `{venueId, phone, otp, name?}` (the code sent to the
 *   person's phone, read back) or `{venueId, nationalId?, phone?, name?}` (typed: staff and verified venues only)
 */
export const CheckinBody = Type.Object(
  {
    venueQr: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    shortCode: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    venueId: Type.Optional(Type.String({ format: 'uuid' })),
    personQr: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    nationalId: Type.Optional(Type.String({ maxLength: 32 })),
    phone: Type.Optional(Type.String({ maxLength: 32 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    /** the one-time code sent to `phone` by POST /checkins/door-codes, read back by the person at the door */
    otp: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
    zoneId: Type.Optional(Type.String({ format: 'uuid' })),
    /**
     * original scan time: only for the door's offline queue (the batch endpoint, staff or a verified venue) and at
     * most TRUYVET_CHECKIN_BACKDATE_HOURS old; otherwise now (2 minutes of clock skew either way)
     */
    at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type CheckinInput = Static<typeof CheckinBody>;

export const CheckinResult = Type.Object({
  id: Type.String({ format: 'uuid' }),
  venueId: Type.String({ format: 'uuid' }),
  personId: Type.String({ format: 'uuid' }),
  at: Type.String({ format: 'date-time' }),
  /**
   * how the check-in proves the person was there (always present since migration 0014; only answers stored
   * before it, replayed by their idempotency key, lack it)
   */
  evidence: Type.Optional(Type.Enum(CHECKIN_EVIDENCE)),
  /**
   * the person's health declaration today (green / yellow / grey), for the door to show; for a scan from the door's
   * queue, of the scan's day
   */
  badge: Type.Optional(Badge),
  /**
   * who the door checked in, as it may see them (name masked unless the account may read the person's record, birth
   * year): only on the door's answer to a personal QR scan (`personQr`) — never for a typed or door-code check-in,
   * whose stored name would tell the door whether a national ID or a phone is known
   */
  person: Type.Optional(DoorPerson),
});
export type CheckinResult = Static<typeof CheckinResult>;

export const BatchItem = Type.Object(
  {
    ...CheckinBody.properties,
    // the Idempotency-Key header's rule
    idempotencyKey: Type.String({ minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX, pattern: IDEMPOTENCY_KEY_CHARS }),
    /**
     * a scan made at the door right now, the person still outside (the door scanner online): refused like a single
     * POST /checkins — 403 DECLARATION_REQUIRED at a venue that requires a declaration today, nothing written — and
     * never backdated. Without it (the default) the item is a replay from the door's offline queue: the person was
     * let in already, so it is recorded with the grey badge. Not part of the request an idempotency key stands for:
     * the same scan replayed later from the queue gets the same answer.
     */
    live: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const BatchBody = Type.Object(
  { items: Type.Array(BatchItem, { minItems: 1 }) },
  { additionalProperties: false },
);

export const BatchResponse = Type.Object({
  results: Type.Array(
    Type.Object({
      index: Type.Integer(),
      idempotencyKey: Type.String(),
      status: Type.Integer(),
      checkin: Type.Optional(CheckinResult),
      error: Type.Optional(
        Type.Object({
          code: Type.String(),
          message: Type.String(),
          messageVi: Type.String(),
          details: Type.Optional(Type.Unknown()),
        }),
      ),
    }),
  ),
  accepted: Type.Integer(),
  rejected: Type.Integer(),
});

export const DoorCodeBody = Type.Object(
  { venueId: Type.String({ format: 'uuid' }), phone: Type.String({ minLength: 1, maxLength: 32 }) },
  { additionalProperties: false },
);

export const DoorCodeResponse = Type.Object({ expiresInSeconds: Type.Integer() });

export const CheckinIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const CheckoutBody = Type.Object(
  { at: Type.Optional(Type.String({ format: 'date-time' })) },
  { additionalProperties: false },
);

export const CheckoutResponse = Type.Object({
  id: Type.String({ format: 'uuid' }),
  checkedInAt: Type.String(),
  checkedOutAt: Type.String(),
});

export const MyCheckin = Type.Object({
  id: Type.String({ format: 'uuid' }),
  venueId: Type.String({ format: 'uuid' }),
  venueName: Type.String(),
  venueCategory: Type.String(),
  venueAddress: Type.String(),
  zoneName: Nullable(Type.String()),
  checkedInAt: Type.String(),
  checkedOutAt: Nullable(Type.String()),
  impliedOutAt: Type.String(),
  method: Type.String(),
});
