/**
 * Quarantine orders as the quarantine officer works them (issue 11, item 13): the orders issued in their area —
 * active ones by default, soonest end first — with who the person is and how to reach them, and the changes an
 * officer makes: a new end date (extended or shortened while the order is active), released (quarantine done),
 * cancelled (issued in error), or active again (a release made by mistake).
 *
 * Where an order lies is where it was issued: `quarantine_orders.unit_code`, the person's unit when they were traced.
 * The list takes `scopeOf(casePolicy, actor, 'cases.readQuarantine')` and the repository filters in SQL; a change
 * loads the order and `authorize`s it with `quarantinePolicy` (403 for a role that never may, else 404 QUARANTINE_ORDER_NOT_FOUND whether
 * missing or out of reach). The list is audited with the people it returned; a change is audited in its transaction.
 * Orders are created by tracing only (`tracing.ts`), and a tracer's `released` follow-up releases them too.
 */
import type { QuarantineStatus } from '../../db/types.ts';
import type { Actor } from '../../platform/access.ts';
import { authorize, narrowScope, scopeOf } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/formats.ts';
import { decodeCursor, toPage } from '../../platform/paging.ts';
import { localDate } from '../../platform/sms.ts';
import { casePolicy, quarantinePolicy } from './policy.ts';
import type { CasesRepo } from './repo.ts';

/** The longest an order may run, from its first day (the tracing rules allow at most 60 days too). */
export const MAX_QUARANTINE_DAYS = 60;

const DAY = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function quarantineService(ctx: PlatformContext, { repo }: { repo: CasesRepo }) {
  return {
    /**
     * Orders issued in the actor's area (optionally under one unit), soonest end first, with the person's name,
     * phone and address and the source case's display code. `status` defaults to active (`all`: every status).
     * `limit` at a time (default 500): `next` is the cursor of the page after (keyset), null on the last page.
     */
    async list(
      actor: Actor,
      opts: {
        status?: QuarantineStatus | 'all' | undefined;
        endsBy?: string | undefined;
        unitCode?: string | undefined;
        q?: string | undefined;
        limit?: number | undefined;
        after?: string | undefined;
      },
    ) {
      const after = opts.after ? (decodeCursor(opts.after, ['s', 's', 's']) as [string, string, string]) : undefined;
      // the key's shape is checked by decodeCursor; its values must be what the statement casts them to
      if (after && !(DATE.test(after[0]) && !Number.isNaN(Date.parse(after[0])) && isUuid(after[2])))
        throw new AppError('INVALID_CURSOR', 400);
      let scope = scopeOf(casePolicy, actor, 'cases.readQuarantine');
      if (opts.unitCode) {
        const path = await repo.findUnitPath(opts.unitCode);
        if (path === undefined) throw new AppError('UNIT_NOT_FOUND', 400);
        scope = narrowScope(scope, path);
      }
      const status = opts.status ?? 'active';
      const limit = opts.limit ?? 500;
      const { rows, next } = toPage(
        await repo.listQuarantineOrders(scope, {
          status: status === 'all' ? undefined : status,
          endsBy: opts.endsBy,
          q: opts.q?.trim() || undefined,
          after,
          limit: limit + 1,
        }),
        limit,
        (r) => [r.ends_on, r.name, r.id],
      );
      await ctx.audit.record({
        actor,
        action: 'cases.quarantine.list',
        resourceType: 'person',
        details: { status, results: rows.length, personIds: rows.map((r) => r.person_id) },
      });
      const items = rows.map((r) => ({
        id: r.id,
        personId: r.person_id,
        name: r.name,
        phone: r.phone,
        address: r.address,
        unitCode: r.unit_code,
        unitName: r.unit_name,
        kind: r.kind,
        startsOn: r.starts_on,
        endsOn: r.ends_on,
        status: r.status,
        caseDisplayCode: r.display_code,
      }));
      return { items, next };
    },

    /**
     * Changes one order: a new end date (only while it is — or becomes — active; between its first day and
     * MAX_QUARANTINE_DAYS after it) and/or a new status. Audited in the same transaction, naming the person.
     */
    async update(
      actor: Actor,
      id: string,
      input: { status?: QuarantineStatus | undefined; endsOn?: string | undefined },
    ) {
      const order = authorize(quarantinePolicy, actor, 'cases.updateQuarantine', await repo.findQuarantineOrder(id));
      const status = input.status ?? order.status;
      if (input.endsOn !== undefined) {
        if (status !== 'active') throw new AppError('QUARANTINE_NOT_ACTIVE', 409);
        const latest = localDate(new Date(Date.parse(`${order.starts_on}T00:00:00Z`) + MAX_QUARANTINE_DAYS * DAY));
        if (input.endsOn < order.starts_on || input.endsOn > latest) {
          throw new AppError(
            'QUARANTINE_END_INVALID',
            400,
            { startsOn: order.starts_on, latest },
            {
              startsOn: order.starts_on,
              latest,
            },
          );
        }
      }
      return ctx.db.transaction().execute(async (trx) => {
        const updated = await repo.updateQuarantineOrder(id, { status: input.status, ends_on: input.endsOn }, trx);
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.quarantine.update',
          resourceType: 'quarantine_order',
          resourceId: id,
          unitCode: order.unit_code,
          details: {
            caseId: order.case_id,
            personIds: [order.person_id],
            ...(input.status ? { status: input.status, previousStatus: order.status } : {}),
            ...(input.endsOn ? { endsOn: input.endsOn, previousEndsOn: order.ends_on } : {}),
          },
        });
        return { id: updated.id, status: updated.status, startsOn: updated.starts_on, endsOn: updated.ends_on };
      });
    },
  };
}

/**
 * The outbreak's figures for a leader's dashboard and the tracer workspace: counts only, never a name. Scoped like
 * the case list (`cases.dashboard`), narrowed to a unit on request; recorded in the audit log (no people named).
 */
export function caseStatsService(ctx: PlatformContext, { repo }: { repo: CasesRepo }) {
  return {
    async stats(actor: Actor, opts: { unitCode?: string | undefined; days?: number | undefined }) {
      let scope = scopeOf(casePolicy, actor, 'cases.dashboard');
      if (opts.unitCode) {
        const path = await repo.findUnitPath(opts.unitCode);
        if (path === undefined) throw new AppError('UNIT_NOT_FOUND', 400);
        scope = narrowScope(scope, path);
      }
      const days = opts.days ?? 14;
      const now = Date.now();
      const today = localDate(new Date(now));
      // the window is whole local days: from local midnight `days - 1` days ago until now
      const first = localDate(new Date(now - (days - 1) * DAY));
      const from = new Date(Date.parse(`${first}T00:00:00+07:00`));
      const [perDay, openCases, underQuarantine] = await Promise.all([
        repo.casesPerDay(scope, from),
        repo.countOpenCases(scope),
        repo.countUnderQuarantine(scope, today),
      ]);
      const byDay = new Map(perDay.map((r) => [r.day, r.n]));
      const casesPerDay = Array.from({ length: days }, (_, i) => {
        const day = localDate(new Date(from.getTime() + 12 * 3600_000 + i * DAY));
        return { day, cases: byDay.get(day) ?? 0 };
      });
      await ctx.audit.record({
        actor,
        action: 'cases.stats',
        resourceType: 'case',
        ...(opts.unitCode ? { unitCode: opts.unitCode } : {}),
        details: { days },
      });
      return { unitCode: opts.unitCode ?? null, days, casesPerDay, openCases, underQuarantine };
    },
  };
}

export type QuarantineService = ReturnType<typeof quarantineService>;
export type CaseStatsService = ReturnType<typeof caseStatsService>;
