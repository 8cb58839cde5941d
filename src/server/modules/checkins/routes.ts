/** /api/v1/checkins and /api/v1/me/checkins. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { errors, requireActor, requireCitizen } from '../../platform/http.ts';
import { parseIdempotencyKey } from '../../platform/idempotency.ts';
import {
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
            'Citizen: `{venueQr}` or `{shortCode}`. The door: `{venueId, personQr}`, `{venueId, phone, otp, name?}` ' +
            '(a code from POST /checkins/door-codes) or `{venueId, nationalId?, phone?, name?}` (typed: staff and ' +
            'commune-verified venues only, otherwise 403 CHECKIN_PROOF_REQUIRED). A past `at` only through the batch ' +
            'endpoint. The answer carries `evidence`. Send `Idempotency-Key`: a retry answers 200 with the same body. ' +
            '2xx means the check-in is committed durably.',
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
            'Up to 500 check-ins (offline scanner sync, passenger or guest lists), each with its own idempotencyKey and ' +
            'result. Items may carry their scan time `at` (staff accounts and commune-verified venues, at most ' +
            'TRUYVET_CHECKIN_BACKDATE_HOURS old).',
          body: BatchBody,
          response: { 200: BatchResponse, ...errors(400, 401, 403) },
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
            'The door (venue manager or staff) has a one-time code sent by SMS to the phone of a person without a ' +
            'smartphone; the person reads it back and the door records `{venueId, phone, otp}`. The same answer ' +
            'whether or not the phone is known. Limited per phone and per venue (429 DOOR_CODE_TOO_MANY_SENDS).',
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
