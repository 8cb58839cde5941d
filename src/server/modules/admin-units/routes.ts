/** /api/v1/admin-units: read the tree (public), search by name, create hamlets (commune staff). */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { errors, requireStaff } from '../../platform/http.ts';
import {
  CreateHamletBody,
  UnitCodeParams,
  UnitDetail,
  UnitSearchQuery,
  UnitSearchResult,
  UnitSummary,
} from './schemas.ts';
import type { AdminUnitsService } from './service.ts';

export function adminUnitsRoutes(service: AdminUnitsService): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['admin-units'];

    app.get(
      '/admin-units',
      {
        config: { public: true },
        schema: { tags, querystring: UnitSearchQuery, response: { 200: Type.Array(UnitSearchResult), ...errors(400) } },
      },
      async (req) => service.search(req.query),
    );

    app.get(
      '/admin-units/:code',
      {
        config: { public: true },
        schema: { tags, params: UnitCodeParams, response: { 200: UnitDetail, ...errors(404) } },
      },
      async (req) => service.get(req.params.code),
    );

    app.post(
      '/admin-units',
      { schema: { tags, body: CreateHamletBody, response: { 201: UnitSummary, ...errors(400, 401, 403, 404) } } },
      async (req, reply) => reply.status(201).send(await service.createHamlet(requireStaff(req), req.body)),
    );
  };
}
