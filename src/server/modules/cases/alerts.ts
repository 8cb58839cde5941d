/**
 * Venue alerts (a market outbreak): everyone present at a venue during a window, counted first (preview), then added
 * as F1 of a case and told in one action. A tracer may alert a venue in their jurisdiction for a case they may
 * update. People present only through weak check-ins (typed in with nothing proving it) are stored "to confirm":
 * no order, no message until a tracer confirms them.
 */
import type { Actor } from '../../platform/access.ts';
import { authorize } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { findPresentAt } from '../checkins/index.ts';
import { casePolicy, requireMayEver, venuePolicy } from './policy.ts';
import type { CasesRepo } from './repo.ts';
import type { Evidence, Tracing } from './tracing.ts';

const DAY = 86_400_000;

export function alertsService(ctx: PlatformContext, { repo, tracing }: { repo: CasesRepo; tracing: Tracing }) {
  const db = ctx.db;

  return {
    /**
     * Counts (send = false) or alerts (send = true) everyone present at the venue in the window. Both say how many of
     * them the case had told already (not told again) and how many are present only through weak check-ins (stored
     * "to confirm", not told); `notified` is how many were told now. Audited on send.
     */
    async venueAlert(
      actor: Actor,
      venueId: string,
      input: { from: string; to: string; caseId: string },
      send: boolean,
    ): Promise<{ people: number; notified: number; alreadyNotified: number; toConfirm: number }> {
      requireMayEver(actor, 'cases.venueAlert');
      const c = authorize(casePolicy, actor, 'cases.update', await repo.findById(input.caseId));
      authorize(venuePolicy, actor, 'cases.venueAlert', await repo.findVenue(venueId));
      const from = new Date(input.from);
      const to = new Date(input.to);
      if (!(to > from)) throw new AppError('VALIDATION_FAILED', 400, { field: 'to', reason: 'must be after from' });
      if (to.getTime() - from.getTime() > 14 * DAY)
        throw new AppError('VALIDATION_FAILED', 400, { field: 'to', reason: 'window longer than 14 days' });
      const present = await findPresentAt(db, venueId, { from, to }, c.person_id);
      const split = (told: Set<string>) => {
        const already = present.filter((p) => told.has(`${c.id}|${p.person_id}`)).length;
        return {
          alreadyNotified: already,
          toConfirm: present.filter((p) => p.weak && !told.has(`${c.id}|${p.person_id}`)).length,
        };
      };
      if (!send) return { people: present.length, notified: 0, ...split(await repo.findToldKeys(c.id)) };
      const { notified, counts } = await db.transaction().execute(async (trx) => {
        const rows: Evidence[] = present.map((p) => ({
          case_id: c.id,
          person_id: p.person_id,
          degree: 1,
          via_type: 'venue',
          venue_id: venueId,
          zone_id: null,
          overlap_start: new Date(Math.max(new Date(p.first_in).getTime(), from.getTime())),
          overlap_end: new Date(Math.min(new Date(p.last_out).getTime(), to.getTime())),
          overlap_minutes: null,
          through_person_id: null,
          weak: p.weak,
        }));
        const before = await repo.findToldKeys(c.id, trx);
        const counts = split(before);
        const rule = await repo.findRule(c.rule_version, trx);
        const fresh = await tracing.storeContacts(trx, rows, before, () => rule);
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.venueAlert',
          resourceType: 'venue',
          resourceId: venueId,
          details: { caseId: c.id, people: present.length, notified: fresh.length, ...counts },
        });
        return { notified: fresh.length, counts };
      });
      ctx.jobs.wake();
      return { people: present.length, notified, ...counts };
    },
  };
}

export type AlertsService = ReturnType<typeof alertsService>;
