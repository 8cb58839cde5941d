/** /api/v1/checkins and /api/v1/me/checkins. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
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
  MyCheckin,
} from './schemas.ts';
import { checkinsService } from './service.ts';

export function checkinsRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    const service = checkinsService(ctx);
    const tags = ['checkins'];

    app.post(
      '/checkins',
      {
        schema: {
          tags,
          description:
            'Citizen: `{venueQr}` or `{shortCode}`. Venue staff: `{venueId, personQr}` or `{venueId, nationalId?, phone?, name?}`. ' +
            'Optional `at` for delayed sync. Send `Idempotency-Key`: a retry answers 200 with the same body. ' +
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
          description: `Up to 500 check-ins (offline scanner sync, passenger or guest lists), each with its own idempotencyKey and result.`,
          body: BatchBody,
          response: { 200: BatchResponse, ...errors(400, 401, 403) },
        },
      },
      async (req) => service.batch(requireActor(req), req.body.items),
    );

    app.post(
      '/checkins/:id/checkout',
      {
        schema: {
          tags,
          params: CheckinIdParams,
          body: Type.Optional(CheckoutBody),
          response: { 200: CheckoutResponse, ...errors(400, 401, 404) },
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
