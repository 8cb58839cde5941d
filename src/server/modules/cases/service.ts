/**
 * Cases (F0 = confirmed case): open, read, list, update, re-trace, and the F0's stays. Opening a case — by a tracer,
 * or from a `test.result.positive` event — traces it in the same transaction (opener.ts group-commits cases opened
 * at the same moment; tracing.ts finds, stores and notifies set-based): contacts (F1 = close contact, F2 = contact
 * of an F1) with their evidence, quarantine orders for new F1, exposure notices and notifications (through the
 * outbox) for F1 and F2. Tracing is idempotent (evidence rows are unique), so it can be re-run when late check-ins
 * arrive; only newly found people are notified.
 *
 * The case's contacts are `contacts.ts`, venue alerts `alerts.ts`, the chain graph `graph.ts`, the citizen's own
 * views `citizen.ts`, contacts handed to other areas `handover.ts`, quarantine orders and the outbreak's figures
 * `quarantine.ts`. Every operation takes `(actor, input)` and
 * authorizes through `policy.ts` before anything is read out or written.
 */
import type { CaseStatus } from '../../db/types.ts';
import type { Actor } from '../../platform/access.ts';
import { authorize, narrowScope, scopeOf, systemScope } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { decodeCursor, toPage } from '../../platform/paging.ts';
import { findPeopleCheckedInAt, findStays } from '../checkins/index.ts';
import { alertsService } from './alerts.ts';
import { citizenViews } from './citizen.ts';
import { contactsService } from './contacts.ts';
import { graphService } from './graph.ts';
import { contactTasksService } from './handover.ts';
import type { CaseOpener } from './opener.ts';
import { findPersonByRef } from './person-ref.ts';
import { casePolicy, personPolicy, requireMayEver } from './policy.ts';
import { caseStatsService, quarantineService } from './quarantine.ts';
import { type CasesRepo, CLOSED } from './repo.ts';
import type { CaseView, CreateCaseInput } from './schemas.ts';
import { exposureWindow, type Tracing } from './tracing.ts';

const DAY = 86_400_000;
const SKEW_MS = 2 * 60_000;

export type { TraceSummary } from './tracing.ts';

export interface CasesDeps {
  repo: CasesRepo;
  tracing: Tracing;
  opener: CaseOpener;
}

/**
 * The module's service: the case operations below, and the contacts, alerts, graph, citizen and hand-over services
 * composed under one name (what the routes, the jobs and other modules call).
 */
export function casesService(ctx: PlatformContext, { repo, tracing, opener }: CasesDeps) {
  const db = ctx.db;
  const contacts = contactsService(ctx, { repo, tracing });
  const alerts = alertsService(ctx, { repo, tracing });
  const graph = graphService(ctx, { repo });
  const citizen = citizenViews({ repo });
  const tasks = contactTasksService(ctx, { repo });
  const quarantine = quarantineService(ctx, { repo });
  const stats = caseStatsService(ctx, { repo });

  type LoadedCase = NonNullable<Awaited<ReturnType<CasesRepo['findById']>>>;

  async function toView(c: LoadedCase): Promise<CaseView> {
    const rule = await repo.findRule(c.rule_version);
    const w = exposureWindow(c, rule.lookback_days);
    const counts = await repo.countContacts(c.id);
    return {
      id: c.id,
      displayCode: c.display_code,
      personId: c.person_id,
      personName: c.person_name,
      unitCode: c.unit_code,
      unitName: c.unit_name,
      unitFullName: c.unit_full_name,
      status: c.status,
      confirmedAt: c.confirmed_at?.toISOString() ?? null,
      onsetAt: c.onset_at?.toISOString() ?? null,
      sampleAt: c.sample_at?.toISOString() ?? null,
      isolatedAt: c.isolated_at?.toISOString() ?? null,
      sourceCaseId: c.source_case_id,
      sourceNote: c.source_note,
      origin: c.origin,
      ruleVersion: c.rule_version,
      exposureFrom: w.from.toISOString(),
      exposureTo: w.to.toISOString(),
      // what exposureWindow() took the window from (created_at only stands in for a missing confirmation)
      exposureFromBasis: c.onset_at ? 'onset' : c.sample_at ? 'sample' : 'confirmation',
      exposureToBasis: c.isolated_at ? 'isolation' : 'confirmation',
      rule: {
        version: rule.version,
        lookbackDays: rule.lookback_days,
        minOverlapMinutes: rule.min_overlap_minutes,
        includeF2: rule.include_f2,
        f1QuarantineDays: rule.f1_quarantine_days,
        f1QuarantineKind: rule.f1_quarantine_kind,
      },
      f1: counts.find((r) => r.degree === 1)?.n ?? 0,
      f2: counts.find((r) => r.degree === 2)?.n ?? 0,
    };
  }

  /** Opens a case and traces it: validated here, then group-committed with concurrent cases by the opener. */
  async function openCase(
    actor: Actor,
    input: CreateCaseInput,
    origin: { kind: 'tracer' | 'test_result'; ref?: string },
  ): Promise<{ id: string; displayCode: string; contacts: { f1: number; f2: number } }> {
    requireMayEver(actor, 'cases.create');
    const now = Date.now();
    const confirmedAt = new Date(input.confirmedAt);
    const onsetAt = input.onsetAt ? new Date(input.onsetAt) : null;
    const sampleAt = input.sampleAt ? new Date(input.sampleAt) : null;
    const isolatedAt = input.isolatedAt ? new Date(input.isolatedAt) : null;
    if (confirmedAt.getTime() > now + SKEW_MS) throw new AppError('CASE_TIME_IN_FUTURE', 400, { field: 'confirmedAt' });
    if (onsetAt && onsetAt > confirmedAt) throw new AppError('CASE_ONSET_AFTER_CONFIRMATION', 400);
    if (sampleAt && sampleAt > confirmedAt)
      throw new AppError('VALIDATION_FAILED', 400, { field: 'sampleAt', reason: 'after confirmation' });
    // someone outside the actor's reach is "not found", like someone unknown
    const person = authorize(personPolicy, actor, 'cases.create', await findPersonByRef(repo, input.person));
    const opened = await opener.submit({
      actor,
      person,
      confirmedAt,
      onsetAt,
      sampleAt,
      isolatedAt,
      sourceCaseId: input.sourceCaseId ?? null,
      sourceNote: input.sourceNote ?? null,
      origin,
    });
    ctx.jobs.wake();
    return { id: opened.id, displayCode: opened.displayCode, contacts: opened.contacts };
  }

  return {
    openCase,

    create: (actor: Actor, input: CreateCaseInput) => openCase(actor, input, { kind: 'tracer' }),

    async get(actor: Actor, id: string): Promise<CaseView> {
      const c = authorize(casePolicy, actor, 'cases.read', await repo.findById(id));
      await ctx.audit.record({
        actor,
        action: 'cases.read',
        resourceType: 'case',
        resourceId: id,
        unitCode: c.unit_code,
        details: { personIds: [c.person_id] },
      });
      return toView(c);
    },

    /**
     * A page of the cases in the actor's jurisdiction (optionally under one unit), newest first, with F1/F2 counts;
     * `next` is the cursor of the page after it (`after`), null on the last page. Audited with the people listed.
     */
    async list(
      actor: Actor,
      opts: {
        status?: string | undefined;
        unitCode?: string | undefined;
        q?: string | undefined;
        personId?: string | undefined;
        limit?: number | undefined;
        after?: string | undefined;
      },
    ) {
      let scope = scopeOf(casePolicy, actor, 'cases.read');
      if (opts.unitCode) {
        const path = await repo.findUnitPath(opts.unitCode);
        if (path === undefined) throw new AppError('UNIT_NOT_FOUND', 400);
        scope = narrowScope(scope, path);
      }
      const after = opts.after ? (decodeCursor(opts.after, ['s', 's']) as [string, string]) : undefined;
      const limit = opts.limit ?? 100;
      const { rows, next } = toPage(
        await repo.search(scope, {
          status: opts.status as CaseStatus | undefined,
          q: opts.q,
          personId: opts.personId,
          after,
          limit: limit + 1,
        }),
        limit,
        (r) => [r.sort_key, r.id],
      );
      await ctx.audit.record({
        actor,
        action: 'cases.list',
        resourceType: 'case',
        details: { results: rows.length, personIds: rows.map((r) => r.person_id) },
      });
      const items = rows.map((r) => ({
        id: r.id,
        displayCode: r.display_code,
        status: r.status,
        confirmedAt: r.confirmed_at?.toISOString() ?? null,
        unitCode: r.unit_code,
        unitName: r.unit_name,
        unitFullName: r.unit_full_name,
        personId: r.person_id,
        personName: r.person_name,
        f1: r.f1,
        f2: r.f2,
      }));
      return { items, next };
    },

    async update(
      actor: Actor,
      id: string,
      input: {
        status?: CaseStatus | undefined;
        isolatedAt?: string | undefined;
        onsetAt?: string | undefined;
        sourceCaseId?: string | null | undefined;
        sourceNote?: string | null | undefined;
      },
    ) {
      const c = authorize(casePolicy, actor, 'cases.update', await repo.findById(id));
      if (CLOSED.includes(c.status)) throw new AppError('CASE_CLOSED', 409);
      const onsetAt = input.onsetAt ? new Date(input.onsetAt) : undefined;
      if (onsetAt && c.confirmed_at && onsetAt > c.confirmed_at)
        throw new AppError('CASE_ONSET_AFTER_CONFIRMATION', 400);
      await db.transaction().execute(async (trx) => {
        await repo.update(
          id,
          {
            ...(input.status ? { status: input.status } : {}),
            ...(input.status && CLOSED.includes(input.status) ? { closed_at: new Date() } : {}),
            ...(input.isolatedAt ? { isolated_at: new Date(input.isolatedAt) } : {}),
            ...(onsetAt ? { onset_at: onsetAt } : {}),
            ...(input.sourceCaseId !== undefined ? { source_case_id: input.sourceCaseId } : {}),
            ...(input.sourceNote !== undefined ? { source_note: input.sourceNote } : {}),
          },
          trx,
        );
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.update',
          resourceType: 'case',
          resourceId: id,
          unitCode: c.unit_code,
          // a status change (a correction back to `suspected` included) names the status it replaced
          details: { status: input.status ?? null, ...(input.status ? { previousStatus: c.status } : {}) },
        });
        // a changed window (onset, isolation) can reveal more contacts
        if (onsetAt || input.isolatedAt) await tracing.traceCase(trx, id);
      });
      ctx.jobs.wake();
      return toView(authorize(casePolicy, actor, 'cases.read', await repo.findById(id)));
    },

    /** Traces the case again: new contacts get their orders and messages. Audited in the same transaction. */
    async retrace(actor: Actor, id: string) {
      const c = authorize(casePolicy, actor, 'cases.update', await repo.findById(id));
      const summary = await db.transaction().execute(async (trx) => {
        const traced = await tracing.traceCase(trx, id);
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.retrace',
          resourceType: 'case',
          resourceId: id,
          unitCode: c.unit_code,
          details: { caseId: id, ...traced },
        });
        return traced;
      });
      ctx.jobs.wake();
      return summary;
    },

    /** The F0's stays in the exposure window, each with how many people overlapped it (audited). */
    async venues(actor: Actor, id: string) {
      const c = authorize(casePolicy, actor, 'cases.read', await repo.findById(id));
      const w = exposureWindow(c, (await repo.findRule(c.rule_version)).lookback_days);
      const found = await findStays(db, c.person_id, w);
      const venues = new Map((await repo.findVenues(found.map((s) => s.venue_id))).map((v) => [v.id, v]));
      const stays = found.flatMap((stay) => {
        const venue = venues.get(stay.venue_id);
        return venue ? [{ ...stay, venue }] : [];
      });
      const evidence = await repo.findVenueEvidence(id);
      await ctx.audit.record({
        actor,
        action: 'cases.venues',
        resourceType: 'case',
        resourceId: id,
        unitCode: c.unit_code,
        // the F0's movements: an access to the F0
        details: { stays: stays.length, personIds: [c.person_id] },
      });
      return stays.map((s) => {
        const start = s.checked_in_at.getTime();
        const end = Math.min((s.checked_out_at ?? s.implied_out_at).getTime(), start + DAY);
        const people = new Set(
          evidence
            .filter(
              (e) =>
                e.venue_id === s.venue_id &&
                e.overlap_start &&
                e.overlap_end &&
                e.overlap_start.getTime() < end &&
                e.overlap_end.getTime() > start,
            )
            .map((e) => e.person_id),
        );
        return {
          checkinId: s.id,
          venueId: s.venue_id,
          venueName: s.venue.name,
          venueCategory: s.venue.category,
          venueAddress: s.venue.address,
          zoneId: s.zone_id,
          checkedInAt: s.checked_in_at.toISOString(),
          checkedOutAt: s.checked_out_at?.toISOString() ?? null,
          impliedOutAt: s.implied_out_at.toISOString(),
          overlapCount: people.size,
        };
      });
    },

    /**
     * Re-traces open cases whose F0 or F1 stayed at these venues around these times (late check-ins synced): the
     * system's own path (the `checkins.late` job), over every case.
     */
    async retraceForLateCheckins(items: Array<{ venueId: string; from: Date; to: Date }>) {
      const people = await findPeopleCheckedInAt(db, items);
      const ids = await repo.findOpenTouching(systemScope('late check-ins re-trace every case they touch'), people);
      for (const id of ids) await db.transaction().execute((trx) => tracing.traceCase(trx, id));
      if (ids.length > 0) ctx.jobs.wake();
      return ids.length;
    },

    contacts: contacts.list,
    contactsPage: contacts.page,
    exportContacts: contacts.exportList,
    addManualContact: contacts.addManual,
    recordBleContacts: contacts.recordBle,
    bulkUpdateContacts: contacts.bulkUpdate,
    confirmContact: contacts.confirm,
    dismissContact: contacts.dismiss,
    venueAlert: alerts.venueAlert,
    graph: graph.graph,
    myExposures: citizen.myExposures,
    myQuarantine: citizen.myQuarantine,
    contactTasks: tasks.list,
    updateContactTask: tasks.update,
    quarantineOrders: quarantine.list,
    updateQuarantineOrder: quarantine.update,
    stats: stats.stats,
  };
}

export type CasesService = ReturnType<typeof casesService>;
