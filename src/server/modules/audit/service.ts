/**
 * Reading the audit log: who accessed a person. The answer comes from the hash-chained log itself
 * (`platform/audit.ts` `accessesTo`), and reading it is itself an audited access to that person.
 */

import { type Actor, hasRole } from '../../platform/access.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { auditActions, can } from './policy.ts';

export function auditService(ctx: PlatformContext) {
  return {
    /** Every recorded access to a person in the admin's scope, newest first; anyone else's is "not found". */
    async accessesTo(actor: Actor, personId: string, limit: number | undefined) {
      if (actor.kind !== 'system' && !hasRole(actor, auditActions['audit.read'])) throw new AppError('FORBIDDEN', 403);
      const person = await ctx.db
        .selectFrom('people as p')
        .leftJoin('admin_units as u', 'u.code', 'p.unit_code')
        .select(['p.unit_code', 'u.path'])
        .where('p.id', '=', personId)
        .executeTakeFirst();
      if (!person || !can(actor, 'audit.read', { unitPath: person.path })) {
        throw new AppError('PERSON_NOT_FOUND', 404);
      }
      const rows = await ctx.audit.accessesTo(personId, { limit: limit ?? 200 });
      await ctx.audit.record({
        actor,
        action: 'audit.accessesTo',
        resourceType: 'person',
        resourceId: personId,
        unitCode: person.unit_code,
        details: { results: rows.length },
      });
      return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
    },
  };
}

export type AuditService = ReturnType<typeof auditService>;
