/** /api/v1/checkins and /api/v1/me/checkins. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { errors, perAccount, requireActor, requireCitizen } from '../../platform/http.ts';
import { parseIdempotencyKey } from '../../platform/idempotency.ts';
import {
  BATCH_RATE_LIMIT_PER_MINUTE,
  BatchBody,
  BatchResponse,
  CheckinBody,
  CheckinIdParams,
  CheckinResult,
  CheckoutBody,
  CheckoutResponse,
  DoorCodeBody,
  DoorCodeResponse,
  MyCheckin,
} from './schemas.ts';
import type { CheckinsService } from './service.ts';

export function checkinsRoutes(service: CheckinsService): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['checkins'];

    app.post(
      '/checkins',
      {
        schema: {
          tags,
          description:
            'Citizen: `{venueQr}` or `{shortCode}`. The door (staff, or the managers of a commune-verified venue: ' +
            'otherwise 403 VENUE_NOT_VERIFIED): `{venueId, personQr}`, `{venueId, phone, otp, name?}` (a code from ' +
            'POST /checkins/door-codes) or `{venueId, nationalId?, phone?, name?}`. A past `at` only through the ' +
            'batch endpoint. The answer carries `evidence`. Send `Idempotency-Key`: a retry answers 200 with the ' +
            'body first answered (no badge nor person), for an actor who may still act at the venue. 2xx means the ' +
            'check-in is committed durably.',
          headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
          body: CheckinBody,
          response: { 201: CheckinResult, 200: CheckinResult, ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      async (req, reply) => {
        const actor = requireActor(req);
        const result = await service.checkin(actor, req.body, parseIdempotencyKey(req.headers['idempotency-key']));
        if (result.status === 200) reply.header('idempotent-replayed', 'true');
        return reply.status(result.status).send(result.body);
      },
    );

    app.post(
      '/checkins/batch',
      {
        schema: {
          tags,
          description:
            "The door's: up to 500 check-ins (offline scanner sync, passenger or guest lists), each with its own " +
            'idempotencyKey and result; every item names the venue (`venueId`: 400 CHECKIN_BATCH_DOOR_ONLY ' +
            'otherwise), and the account must check people in at one of them (403 / 404 / 403 VENUE_NOT_VERIFIED). ' +
            'A batch repeating an idempotency key, or a person at the same venue and zone within 5 minutes, is ' +
            'refused whole (400 CHECKIN_BATCH_DUPLICATE_ITEM). Items may carry their scan time `at` (at most ' +
            `TRUYVET_CHECKIN_BACKDATE_HOURS old). At most ${BATCH_RATE_LIMIT_PER_MINUTE} requests a minute per ` +
            'account (429 RATE_LIMITED).',
          body: BatchBody,
          response: { 200: BatchResponse, ...errors(400, 401, 403, 404, 429) },
        },
        // per account, not per IP (a district's staff share one address); after the app's auth hook, so the actor is
        // known; a request without one counts by address (and is refused 401 anyway)
        config: {
          rateLimit: {
            max: BATCH_RATE_LIMIT_PER_MINUTE,
            timeWindow: '1 minute',
            keyGenerator: perAccount('checkins-batch'),
          },
        },
      },
      async (req) => service.batch(requireActor(req), req.body.items),
    );

    app.post(
      '/checkins/door-codes',
      {
        schema: {
          tags,
          description:
            'The door (staff, or the managers of a commune-verified venue: otherwise 403 VENUE_NOT_VERIFIED) has a ' +
            'one-time code sent by SMS to the Vietnamese mobile (+84; 400 DOOR_CODE_PHONE_NOT_VIETNAMESE otherwise) ' +
            'of a person without a smartphone; the person reads it back and the door records `{venueId, phone, ' +
            'otp}`. The same answer whether or not the phone is known. Limited per phone and per venue (429 ' +
            'DOOR_CODE_TOO_MANY_SENDS).',
          body: DoorCodeBody,
          response: { 202: DoorCodeResponse, ...errors(400, 401, 403, 404, 429) },
        },
      },
      async (req, reply) => reply.status(202).send(await service.sendDoorCode(requireActor(req), req.body)),
    );

    app.post(
      '/checkins/:id/checkout',
      {
        schema: {
          tags,
          description:
            "Closes a stay (the person, the venue's managers, its door staff). `at`: between the check-in and now, " +
            "never after the stay's implied end (400 CHECKOUT_AFTER_STAY_END); the person's own check-out is now " +
            '(400 CHECKOUT_BACKDATE_NOT_ALLOWED). Without `at`, a stay past its implied end closes at that end. ' +
            "Closing someone else's stay is audited.",
          params: CheckinIdParams,
          body: Type.Optional(CheckoutBody),
          response: { 200: CheckoutResponse, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.checkout(requireActor(req), req.params.id, req.body?.at),
    );

    app.get(
      '/me/checkins',
      { schema: { tags: ['me'], response: { 200: Type.Array(MyCheckin), ...errors(401, 403) } } },
      async (req) => service.mine(requireCitizen(req).personId),
    );
  };
}
