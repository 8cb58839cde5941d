/**
 * Reading the audit log: who accessed a person. The answer comes from the hash-chained log itself
 * (`platform/audit.ts` `accessesTo`), and reading it is itself an audited access to that person. Where the person
 * lives (for the admin's scope) comes from the people module.
 */
import type { Actor } from '../../platform/access.ts';
import { authorize, mayEver } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { PeopleService } from '../people/index.ts';
import { auditPolicy } from './policy.ts';

/** What the audit viewer needs from other modules. */
export interface AuditDeps {
  people: Pick<PeopleService, 'placeOf'>;
}

export function auditService(ctx: PlatformContext, deps: AuditDeps) {
  return {
    /** Every recorded access to a person in the admin's scope, newest first; anyone else's is "not found". */
    async accessesTo(actor: Actor, personId: string, limit: number | undefined) {
      // a role that can never read the log learns nothing, not even whether the person exists
      if (!mayEver(auditPolicy, actor, 'audit.read')) throw new AppError('FORBIDDEN', 403);
      const person = authorize(auditPolicy, actor, 'audit.read', await deps.people.placeOf(personId));
      const rows = await ctx.audit.accessesTo(personId, { limit: limit ?? 200 });
      await ctx.audit.record({
        actor,
        action: 'audit.accessesTo',
        resourceType: 'person',
        resourceId: personId,
        unitCode: person.unitCode,
        details: { results: rows.length },
      });
      return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
    },
  };
}

export type AuditService = ReturnType<typeof auditService>;
