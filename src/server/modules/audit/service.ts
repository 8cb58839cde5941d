/**
 * Reading the audit log: who did what to whom, and when. The answers come from the hash-chained log itself
 * (`platform/audit.ts` `search`), and reading it is itself audited: about a person, as an access to that person.
 * Where a person lives (for the admin's scope) comes from the people module; which staff accounts an admin may look
 * at, from the staff module (those they manage).
 */
import type { Actor } from '../../platform/access.ts';
import { authorize, mayEver, scopeOf, systemScope } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { PeopleService } from '../people/index.ts';
import type { StaffService } from '../staff/index.ts';
import { auditPolicy } from './policy.ts';

/** What the audit viewer needs from other modules. */
export interface AuditDeps {
  people: Pick<PeopleService, 'placeOf'>;
  staff: Pick<StaffService, 'findManageable'>;
}

export interface AuditSearch {
  personId?: string | undefined;
  /** a staff username */
  actor?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  before?: number | undefined;
  limit?: number | undefined;
}

export function auditService(ctx: PlatformContext, deps: AuditDeps) {
  return {
    /**
     * Entries newest first. About a person: every access to them, when they live in the admin's scope (else 404
     * PERSON_NOT_FOUND, as for an unknown id). By an actor: their entries, when the admin manages that account (else
     * 404 STAFF_NOT_FOUND). Neither: the entries whose unit lies in the admin's scope.
     */
    async search(actor: Actor, query: AuditSearch) {
      // a role that can never read the log learns nothing, not even whether the person or account exists
      if (!mayEver(auditPolicy, actor, 'audit.read')) throw new AppError('FORBIDDEN', 403);
      const person = query.personId
        ? authorize(auditPolicy, actor, 'audit.read', await deps.people.placeOf(query.personId))
        : undefined;
      const account = query.actor ? await deps.staff.findManageable(actor, query.actor) : undefined;
      const from = query.from ? new Date(query.from) : undefined;
      const to = query.to ? new Date(query.to) : undefined;
      if (from && to && from > to) throw new AppError('VALIDATION_FAILED', 400, { field: 'to', reason: 'before from' });
      const scope =
        person || account
          ? systemScope('the person or the account asked about was authorized: all of their entries')
          : scopeOf(auditPolicy, actor, 'audit.read');
      const rows = await ctx.audit.search(
        {
          personId: query.personId,
          actorId: account?.id,
          action: query.action,
          from,
          to,
          beforeId: query.before,
          limit: query.limit ?? 200,
        },
        scope,
      );
      const filters = {
        ...(account ? { actorId: account.id } : {}),
        ...(query.action ? { filterAction: query.action } : {}),
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
        results: rows.length,
      };
      if (query.personId && person) {
        await ctx.audit.record({
          actor,
          action: 'audit.accessesTo',
          resourceType: 'person',
          resourceId: query.personId,
          unitCode: person.unitCode,
          details: filters,
        });
      } else {
        await ctx.audit.record({ actor, action: 'audit.search', details: filters });
      }
      return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
    },
  };
}

export type AuditService = ReturnType<typeof auditService>;
