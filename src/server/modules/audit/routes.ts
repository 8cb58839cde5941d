/** /api/v1/audit: the audit log viewer (administrators, in their scope). */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { errors, requireStaff } from '../../platform/http.ts';
import { PersonAccess, PersonAccessQuery } from './schemas.ts';
import type { AuditService } from './service.ts';

export function auditRoutes(service: AuditService): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/audit',
      {
        schema: {
          tags: ['audit'],
          description:
            'Who accessed a person: every audited read of them alone or in a search or list, newest first. ' +
            'Admins, for people in their scope (else 404); this read is audited too.',
          querystring: PersonAccessQuery,
          response: { 200: Type.Array(PersonAccess), ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.accessesTo(requireStaff(req), req.query.personId, req.query.limit),
    );
  };
}
