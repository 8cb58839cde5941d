/** /api/v1/audit: the audit log viewer (administrators, in their scope). */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { errors, requireStaff } from '../../platform/http.ts';
import { AuditEntry, AuditQuery } from './schemas.ts';
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
            'The audit log, newest first, filtered by person ("who viewed this person": every audited read of them ' +
            'alone or in a search or list), actor (a staff username), action (exact, or `module.` for all of a ' +
            'module) and time; `before` pages. Admins only: a person or account outside their scope is 404; ' +
            'without either, the entries in their area. This read is audited too.',
          querystring: AuditQuery,
          response: { 200: Type.Array(AuditEntry), ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.search(requireStaff(req), req.query),
    );
  };
}
