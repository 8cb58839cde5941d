/**
 * Cases (F0 = confirmed case) and automatic contact tracing (F1 = close contact, F2 = contact of an F1).
 * Opening a case — by a tracer, or from a `test.result.positive` event — traces it in the same transaction
 * (opener.ts group-commits cases opened at the same moment; tracing.ts finds, stores and notifies set-based):
 * contacts with their evidence, quarantine orders for new F1, exposure notices and notifications (through the
 * outbox) for F1 and F2. Tracing is idempotent (evidence rows are unique), so it can be re-run when late check-ins
 * arrive; only newly found people are notified.
 */
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { CaseStatus, ContactConfirmation, DB, FollowUp } from '../../db/types.ts';
import { type Actor, hasRole, scopeFor } from '../../platform/access.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { isNationalId, normalizePhone } from '../../platform/formats.ts';
import { findPeopleCheckedInAt, findPresentAt, findStays } from '../checkins/index.ts';
import { districtsOf, seesIdentity } from './handover.ts';
import { type CaseOpener, createCaseOpener } from './opener.ts';
import { can, caseActions } from './policy.ts';
import type { CaseView, ContactView, CreateCaseInput } from './schemas.ts';
import {
  confirmContact,
  dismissContact,
  type Evidence,
  exposureWindow,
  storeContacts,
  type TraceSummary,
  traceCases,
} from './tracing.ts';

const openers = new WeakMap<PlatformContext, CaseOpener>();

type Q = Kysely<DB> | Transaction<DB>;
const DAY = 86_400_000;
const CLOSED: CaseStatus[] = ['recovered', 'died'];
const SKEW_MS = 2 * 60_000;

export type { TraceSummary } from './tracing.ts';

export function casesService(ctx: PlatformContext) {
  const db = ctx.db;
  let opener = openers.get(ctx);
  if (!opener) {
    opener = createCaseOpener(db, ctx.audit, ctx.notifier);
    openers.set(ctx, opener);
  }
  const opens = opener;

  /** Finds, stores and notifies the contacts of one case, in the caller's transaction. */
  async function trace(trx: Transaction<DB>, caseId: string): Promise<TraceSummary> {
    const summary = (await traceCases(trx, ctx.notifier, [caseId])).get(caseId);
    if (!summary) throw new AppError('CASE_NOT_FOUND', 404);
    return summary;
  }

  /** The rule version a case was traced with (cases keep theirs when newer rules are added). */
  function ruleOf(q: Q, version: number) {
    return q.selectFrom('tracing_rules').selectAll().where('version', '=', version).executeTakeFirstOrThrow();
  }

  async function resolvePerson(
    q: Q,
    ref: { personId?: string | undefined; nationalId?: string | undefined; phone?: string | undefined },
  ) {
    let query = q
      .selectFrom('people as p')
      .leftJoin('admin_units as u', 'u.code', 'p.unit_code')
      .select(['p.id', 'p.name', 'p.unit_code', 'u.path as unit_path']);
    if (ref.personId) query = query.where('p.id', '=', ref.personId);
    else if (ref.nationalId) {
      if (!isNationalId(ref.nationalId)) throw new AppError('INVALID_NATIONAL_ID', 400);
      query = query.where('p.national_id', '=', ref.nationalId);
    } else if (ref.phone) {
      const phone = normalizePhone(ref.phone);
      if (!phone) throw new AppError('INVALID_PHONE', 400);
      query = query.where('p.phone', '=', phone).orderBy('p.created_at').limit(1);
    } else throw new AppError('PERSON_IDENTIFIER_REQUIRED', 400);
    const person = await query.executeTakeFirst();
    if (!person) throw new AppError('PERSON_NOT_FOUND', 404);
    return person;
  }

  async function loadCase(actor: Actor, id: string, action: 'cases.read' | 'cases.update') {
    const c = await db
      .selectFrom('cases as c')
      .innerJoin('people as p', 'p.id', 'c.person_id')
      .leftJoin('admin_units as u', 'u.code', 'c.unit_code')
      .selectAll('c')
      .select(['p.name as person_name', 'u.name as unit_name', 'u.path as unit_path'])
      .where('c.id', '=', id)
      .executeTakeFirst();
    if (!c || !can(actor, action, { unitPath: c.unit_path })) {
      if (c && actor.kind === 'staff' && !hasRole(actor, caseActions[action])) {
        throw new AppError('FORBIDDEN', 403);
      }
      throw new AppError('CASE_NOT_FOUND', 404);
    }
    return c;
  }

  async function toView(c: Awaited<ReturnType<typeof loadCase>>): Promise<CaseView> {
    const w = exposureWindow(c, (await ruleOf(db, c.rule_version)).lookback_days);
    const counts = await db
      .selectFrom('contacts')
      .select(['degree', sql<number>`count(distinct person_id)::int`.as('n')])
      .where('case_id', '=', c.id)
      .where('confirmation', '<>', 'dismissed')
      .groupBy('degree')
      .execute();
    return {
      id: c.id,
      displayCode: c.display_code,
      personId: c.person_id,
      personName: c.person_name,
      unitCode: c.unit_code,
      unitName: c.unit_name,
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
    const now = Date.now();
    const confirmedAt = new Date(input.confirmedAt);
    const onsetAt = input.onsetAt ? new Date(input.onsetAt) : null;
    const sampleAt = input.sampleAt ? new Date(input.sampleAt) : null;
    const isolatedAt = input.isolatedAt ? new Date(input.isolatedAt) : null;
    if (confirmedAt.getTime() > now + SKEW_MS) throw new AppError('CASE_TIME_IN_FUTURE', 400, { field: 'confirmedAt' });
    if (onsetAt && onsetAt > confirmedAt) throw new AppError('CASE_ONSET_AFTER_CONFIRMATION', 400);
    if (sampleAt && sampleAt > confirmedAt)
      throw new AppError('VALIDATION_FAILED', 400, { field: 'sampleAt', reason: 'after confirmation' });
    const person = await resolvePerson(db, input.person);
    if (!can(actor, 'cases.create', { unitPath: person.unit_path })) {
      if (actor.kind === 'staff' && !hasRole(actor, caseActions['cases.create'])) {
        throw new AppError('FORBIDDEN', 403);
      }
      throw new AppError('PERSON_NOT_FOUND', 404);
    }
    const opened = await opens.submit({
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
    trace,
    openCase,

    create: (actor: Actor, input: CreateCaseInput) => openCase(actor, input, { kind: 'tracer' }),

    async get(actor: Actor, id: string): Promise<CaseView> {
      const c = await loadCase(actor, id, 'cases.read');
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

    async list(
      actor: Actor,
      opts: {
        status?: string | undefined;
        unitCode?: string | undefined;
        q?: string | undefined;
        limit?: number | undefined;
      },
    ) {
      const scope = scopeFor(actor, caseActions['cases.read']);
      if (scope !== 'all' && scope.length === 0) throw new AppError('FORBIDDEN', 403);
      let q = db
        .selectFrom('cases as c')
        .innerJoin('people as p', 'p.id', 'c.person_id')
        .leftJoin('admin_units as u', 'u.code', 'c.unit_code')
        .select([
          'c.id',
          'c.display_code',
          'c.status',
          'c.confirmed_at',
          'c.unit_code',
          'u.name as unit_name',
          'c.person_id',
          'p.name as person_name',
          sql<number>`(select count(distinct person_id)::int from contacts k where k.case_id = c.id and k.degree = 1 and k.confirmation <> 'dismissed')`.as(
            'f1',
          ),
          sql<number>`(select count(distinct person_id)::int from contacts k where k.case_id = c.id and k.degree = 2 and k.confirmation <> 'dismissed')`.as(
            'f2',
          ),
        ]);
      if (scope !== 'all') q = q.where((eb) => eb.or(scope.map((p) => eb('u.path', 'like', `${p}%`))));
      if (opts.status) q = q.where('c.status', '=', opts.status as CaseStatus);
      if (opts.unitCode) {
        const unit = await db
          .selectFrom('admin_units')
          .select('path')
          .where('code', '=', opts.unitCode)
          .executeTakeFirst();
        if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
        q = q.where('u.path', 'like', `${unit.path}%`);
      }
      if (opts.q)
        q = q.where((eb) =>
          eb.or([eb('c.display_code', 'ilike', `%${opts.q}%`), eb('p.name', 'ilike', `%${opts.q}%`)]),
        );
      const rows = await q
        .orderBy('c.confirmed_at', 'desc')
        .limit(opts.limit ?? 100)
        .execute();
      await ctx.audit.record({
        actor,
        action: 'cases.list',
        resourceType: 'case',
        details: { results: rows.length, personIds: rows.map((r) => r.person_id) },
      });
      return rows.map((r) => ({
        id: r.id,
        displayCode: r.display_code,
        status: r.status,
        confirmedAt: r.confirmed_at?.toISOString() ?? null,
        unitCode: r.unit_code,
        unitName: r.unit_name,
        personName: r.person_name,
        f1: r.f1,
        f2: r.f2,
      }));
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
      const c = await loadCase(actor, id, 'cases.update');
      if (CLOSED.includes(c.status)) throw new AppError('CASE_CLOSED', 409);
      const onsetAt = input.onsetAt ? new Date(input.onsetAt) : undefined;
      if (onsetAt && c.confirmed_at && onsetAt > c.confirmed_at)
        throw new AppError('CASE_ONSET_AFTER_CONFIRMATION', 400);
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('cases')
          .set({
            ...(input.status ? { status: input.status } : {}),
            ...(input.status && CLOSED.includes(input.status) ? { closed_at: new Date() } : {}),
            ...(input.isolatedAt ? { isolated_at: new Date(input.isolatedAt) } : {}),
            ...(onsetAt ? { onset_at: onsetAt } : {}),
            ...(input.sourceCaseId !== undefined ? { source_case_id: input.sourceCaseId } : {}),
            ...(input.sourceNote !== undefined ? { source_note: input.sourceNote } : {}),
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .execute();
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.update',
          resourceType: 'case',
          resourceId: id,
          unitCode: c.unit_code,
          details: { status: input.status ?? null },
        });
        // a changed window (onset, isolation) can reveal more contacts
        if (onsetAt || input.isolatedAt) await trace(trx, id);
      });
      ctx.jobs.wake();
      return toView(await loadCase(actor, id, 'cases.read'));
    },

    async retrace(actor: Actor, id: string) {
      await loadCase(actor, id, 'cases.update');
      const summary = await db.transaction().execute((trx) => trace(trx, id));
      ctx.jobs.wake();
      return summary;
    },

    /** The F0's stays in the exposure window, each with how many people overlapped it (audited). */
    async venues(actor: Actor, id: string) {
      const c = await loadCase(actor, id, 'cases.read');
      const w = exposureWindow(c, (await ruleOf(db, c.rule_version)).lookback_days);
      const found = await findStays(db, c.person_id, w);
      const venueIds = [...new Set(found.map((s) => s.venue_id))];
      const venues = new Map(
        venueIds.length === 0
          ? []
          : (
              await db
                .selectFrom('venues')
                .select(['id', 'name', 'category', 'address'])
                .where('id', 'in', venueIds)
                .execute()
            ).map((v) => [v.id, v]),
      );
      const stays = found.flatMap((s) => {
        const v = venues.get(s.venue_id);
        return v ? [{ ...s, name: v.name, category: v.category, address: v.address }] : [];
      });
      const evidence = await db
        .selectFrom('contacts')
        .select(['venue_id', 'overlap_start', 'overlap_end', 'person_id'])
        .where('case_id', '=', id)
        .where('degree', '=', 1)
        .where('via_type', '=', 'venue')
        .execute();
      await ctx.audit.record({
        actor,
        action: 'cases.venues',
        resourceType: 'case',
        resourceId: id,
        unitCode: c.unit_code,
        details: { stays: stays.length },
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
          venueName: s.name,
          venueCategory: s.category,
          venueAddress: s.address,
          zoneId: s.zone_id,
          checkedInAt: s.checked_in_at.toISOString(),
          checkedOutAt: s.checked_out_at?.toISOString() ?? null,
          impliedOutAt: s.implied_out_at.toISOString(),
          overlapCount: people.size,
        };
      });
    },

    /**
     * Contacts of the case, one row per person (at their lowest degree), strongest evidence first:
     * household, then interviews (manual), then venue co-presence by overlap length, then Bluetooth.
     */
    async contacts(
      actor: Actor,
      id: string,
      opts: { degree?: 1 | 2 | undefined; via?: string | undefined; followUp?: string | undefined },
    ): Promise<ContactView[]> {
      const c = await loadCase(actor, id, 'cases.read');
      let q = db
        .selectFrom('contacts as k')
        .innerJoin('people as p', 'p.id', 'k.person_id')
        .leftJoin('admin_units as pu', 'pu.code', 'p.unit_code')
        .leftJoin('venues as v', 'v.id', 'k.venue_id')
        .leftJoin('quarantine_orders as o', (j) =>
          j.onRef('o.person_id', '=', 'k.person_id').onRef('o.case_id', '=', 'k.case_id'),
        )
        .select([
          'k.person_id',
          'k.degree',
          'k.via_type',
          'k.venue_id',
          'v.name as venue_name',
          'k.overlap_start',
          'k.overlap_end',
          'k.overlap_minutes',
          'k.through_person_id',
          'k.follow_up',
          'k.confirmation',
          'k.assigned_tracer_id',
          'p.name',
          'p.phone',
          'p.unit_code',
          'pu.path as unit_path',
          'o.kind as q_kind',
          'o.starts_on as q_starts',
          'o.ends_on as q_ends',
          'o.status as q_status',
        ])
        .where('k.case_id', '=', id);
      if (opts.degree) q = q.where('k.degree', '=', opts.degree);
      if (opts.via) q = q.where('k.via_type', '=', opts.via as 'venue');
      if (opts.followUp) q = q.where('k.follow_up', '=', opts.followUp as FollowUp);
      const rows = await q.execute();
      const rank = (r: (typeof rows)[number]) =>
        r.degree * 10_000_000 +
        ({ household: 0, manual: 1, venue: 2, ble: 3 }[r.via_type] ?? 4) * 1_000_000 -
        (r.overlap_minutes ?? 0);
      rows.sort((a, b) => rank(a) - rank(b) || (a.overlap_start?.getTime() ?? 0) - (b.overlap_start?.getTime() ?? 0));
      const byPerson = new Map<string, { row: (typeof rows)[number]; count: number }>();
      for (const r of rows) {
        const hit = byPerson.get(r.person_id);
        if (hit) hit.count++;
        else byPerson.set(r.person_id, { row: r, count: 1 });
      }
      // a person is confirmed by any confirmed evidence, "to confirm" while all of it is pending
      const confirmation = new Map<string, ContactConfirmation>();
      for (const r of rows) {
        const cur = confirmation.get(r.person_id);
        if (cur !== 'confirmed' && (r.confirmation !== 'dismissed' || !cur))
          confirmation.set(r.person_id, r.confirmation);
      }
      // contacts living outside the reader's area are shown as "someone in district D" (handover.ts)
      const hidden = [...byPerson.values()].filter(({ row }) => !seesIdentity(actor, row.unit_path));
      const districts = await districtsOf(
        db,
        hidden.map(({ row }) => row.unit_path),
      );
      await ctx.audit.record({
        actor,
        action: 'cases.contacts',
        resourceType: 'case',
        resourceId: id,
        unitCode: c.unit_code,
        details: { results: byPerson.size, personIds: [...byPerson.keys()] },
      });
      return [...byPerson.values()].map(({ row: r, count }) => ({
        personId: r.person_id,
        degree: r.degree,
        via: {
          type: r.via_type,
          ...(r.venue_id ? { venueId: r.venue_id } : {}),
          ...(r.venue_name ? { venueName: r.venue_name } : {}),
          ...(r.overlap_start ? { overlapStart: r.overlap_start.toISOString() } : {}),
          ...(r.overlap_end ? { overlapEnd: r.overlap_end.toISOString() } : {}),
          ...(r.overlap_minutes !== null ? { overlapMinutes: r.overlap_minutes } : {}),
          ...(r.through_person_id ? { throughPersonId: r.through_person_id } : {}),
        },
        evidenceCount: count,
        ...(seesIdentity(actor, r.unit_path)
          ? { name: r.name, phone: r.phone, unitCode: r.unit_code, outOfScope: false, district: null }
          : {
              name: null,
              phone: null,
              unitCode: null,
              outOfScope: true,
              district: (r.unit_path && districts.get(r.unit_path)) || null,
            }),
        followUp: r.follow_up,
        confirmation: confirmation.get(r.person_id) ?? r.confirmation,
        assignedTracerId: r.assigned_tracer_id,
        quarantine: r.q_kind
          ? { kind: r.q_kind, startsOn: r.q_starts as string, endsOn: r.q_ends as string, status: r.q_status as string }
          : null,
      }));
    },

    /** A close contact named in an interview (F1 via manual); notified and ordered like any new F1. */
    async addManualContact(
      actor: Actor,
      id: string,
      input: {
        person: { personId?: string | undefined; nationalId?: string | undefined; phone?: string | undefined };
        note?: string | undefined;
        lastContactAt?: string | undefined;
      },
    ) {
      const c = await loadCase(actor, id, 'cases.update');
      const result = await db.transaction().execute(async (trx) => {
        const person = await resolvePerson(trx, input.person);
        if (person.id === c.person_id) throw new AppError('VALIDATION_FAILED', 400, { reason: 'the case itself' });
        // someone living outside the tracer's area is handed to that area's tracers: not assigned, not identified
        const visible = seesIdentity(actor, person.unit_path);
        const at = input.lastContactAt ? new Date(input.lastContactAt) : null;
        // what the case has on this person already: whether they are known to it, and this very interview
        const stored = await trx
          .selectFrom('contacts')
          .select(['via_type', 'overlap_start', 'confirmation'])
          .where('case_id', '=', id)
          .where('person_id', '=', person.id)
          .execute();
        const existed = stored.some(
          (r) => r.via_type === 'manual' && (r.overlap_start?.getTime() ?? null) === (at?.getTime() ?? null),
        );
        const rule = await ruleOf(trx, c.rule_version);
        // stored like any evidence: a person new to the case gets the F1 message and quarantine order
        await storeContacts(
          trx,
          ctx.notifier,
          [
            {
              case_id: id,
              person_id: person.id,
              degree: 1,
              via_type: 'manual',
              venue_id: null,
              zone_id: null,
              overlap_start: at,
              overlap_end: at,
              overlap_minutes: null,
              through_person_id: null,
              note: input.note ?? null,
              assigned_tracer_id: visible && actor.kind === 'staff' ? actor.userId : null,
            },
          ],
          // told already only through confirmed evidence: a contact "to confirm" named in an interview is told now
          new Set(stored.some((r) => r.confirmation === 'confirmed') ? [`${id}|${person.id}`] : []),
          () => rule,
        );
        const inserted = existed
          ? undefined
          : await trx
              .selectFrom('contacts')
              .select('id')
              .where('case_id', '=', id)
              .where('person_id', '=', person.id)
              .where('via_type', '=', 'manual')
              .where(at ? sql<boolean>`overlap_start = ${at}` : sql<boolean>`overlap_start is null`)
              .executeTakeFirst();
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.addContact',
          resourceType: 'person',
          resourceId: person.id,
          unitCode: person.unit_code,
          details: { caseId: id },
        });
        // the new F1's own contacts become F2; notifications for everyone new
        const summary = await trace(trx, id);
        const district = visible
          ? null
          : ((await districtsOf(trx, [person.unit_path])).get(person.unit_path ?? '') ?? null);
        return { contactId: inserted?.id ?? null, personId: person.id, outOfScope: !visible, district, summary };
      });
      ctx.jobs.wake();
      return result;
    },

    async bulkUpdateContacts(
      actor: Actor,
      id: string,
      input: { personIds: string[]; followUp?: FollowUp | undefined; assignedTracerId?: string | null | undefined },
    ) {
      const c = await loadCase(actor, id, 'cases.update');
      const updated = await db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('contacts')
          .set({
            ...(input.followUp ? { follow_up: input.followUp } : {}),
            ...(input.assignedTracerId !== undefined ? { assigned_tracer_id: input.assignedTracerId } : {}),
            updated_at: new Date(),
          })
          .where('case_id', '=', id)
          .where('person_id', 'in', input.personIds)
          .executeTakeFirst();
        if (input.followUp === 'released') {
          await trx
            .updateTable('quarantine_orders')
            .set({ status: 'released' })
            .where('case_id', '=', id)
            .where('person_id', 'in', input.personIds)
            .execute();
        }
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.bulkContacts',
          resourceType: 'case',
          resourceId: id,
          unitCode: c.unit_code,
          details: { people: input.personIds.length, followUp: input.followUp ?? null },
        });
        return Number(res.numUpdatedRows ?? 0);
      });
      return { updated };
    },

    /** Everyone present at a venue in a window (market outbreak): count only (preview), or notify all (send). */
    async venueAlert(
      actor: Actor,
      venueId: string,
      input: { from: string; to: string; caseId: string },
      send: boolean,
    ) {
      const c = await loadCase(actor, input.caseId, 'cases.update');
      const venue = await db
        .selectFrom('venues as v')
        .innerJoin('admin_units as u', 'u.code', 'v.unit_code')
        .select(['v.id', 'v.name', 'u.path'])
        .where('v.id', '=', venueId)
        .executeTakeFirst();
      if (!venue || !can(actor, 'cases.venueAlert', { unitPath: venue.path }))
        throw new AppError('VENUE_NOT_FOUND', 404);
      const from = new Date(input.from);
      const to = new Date(input.to);
      if (!(to > from)) throw new AppError('VALIDATION_FAILED', 400, { field: 'to', reason: 'must be after from' });
      if (to.getTime() - from.getTime() > 14 * DAY)
        throw new AppError('VALIDATION_FAILED', 400, { field: 'to', reason: 'window longer than 14 days' });
      // present only through typed-in check-ins nobody proved (`weak`): "to confirm", not alerted
      const present = await findPresentAt(db, venueId, { from, to }, c.person_id);
      if (!send) return { people: present.length, notified: 0 };
      const result = await db.transaction().execute(async (trx) => {
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
        const before = new Set(
          (
            await trx
              .selectFrom('contacts')
              .select('person_id')
              .where('case_id', '=', c.id)
              .where('confirmation', '=', 'confirmed')
              .execute()
          ).map((r) => `${c.id}|${r.person_id}`),
        );
        const rule = await ruleOf(trx, c.rule_version);
        const fresh = await storeContacts(trx, ctx.notifier, rows, before, () => rule);
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.venueAlert',
          resourceType: 'venue',
          resourceId: venueId,
          details: { caseId: c.id, people: present.length },
        });
        return fresh.length;
      });
      ctx.jobs.wake();
      return { people: present.length, notified: result };
    },

    /** Cases and their F1 links as a graph, clusters = connected components (source links and shared contacts). */
    async graph(actor: Actor, opts: { unitCode?: string | undefined; limit?: number | undefined }) {
      const scope = scopeFor(actor, caseActions['cases.read']);
      if (scope !== 'all' && scope.length === 0) throw new AppError('FORBIDDEN', 403);
      let q = db
        .selectFrom('cases as c')
        .leftJoin('admin_units as u', 'u.code', 'c.unit_code')
        .select(['c.id', 'c.display_code', 'c.person_id', 'c.status', 'c.source_case_id']);
      if (scope !== 'all') q = q.where((eb) => eb.or(scope.map((p) => eb('u.path', 'like', `${p}%`))));
      if (opts.unitCode) {
        const unit = await db
          .selectFrom('admin_units')
          .select('path')
          .where('code', '=', opts.unitCode)
          .executeTakeFirst();
        if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
        q = q.where('u.path', 'like', `${unit.path}%`);
      }
      const limit = opts.limit ?? 10_000;
      const cases = await q.orderBy('c.confirmed_at', 'desc').limit(limit).execute();
      const caseIds = cases.map((c) => c.id);
      const links = caseIds.length
        ? await db
            .selectFrom('contacts')
            .select(['case_id', 'person_id'])
            .distinct()
            .where('case_id', 'in', caseIds)
            .where('degree', '=', 1)
            .limit(limit * 5)
            .execute()
        : [];
      // union-find over cases and people to find clusters
      const parent = new Map<string, string>();
      const find = (x: string): string => {
        let r = x;
        while (parent.get(r) && parent.get(r) !== r) r = parent.get(r) as string;
        parent.set(x, r);
        return r;
      };
      const union = (a: string, b: string) => parent.set(find(a), find(b));
      const caseByPerson = new Map(cases.map((c) => [c.person_id, c.id]));
      for (const c of cases) parent.set(c.id, c.id);
      for (const l of links) {
        const target = caseByPerson.get(l.person_id) ?? `p:${l.person_id}`;
        if (!parent.has(target)) parent.set(target, target);
        union(l.case_id, target);
      }
      for (const c of cases) if (c.source_case_id && parent.has(c.source_case_id)) union(c.id, c.source_case_id);
      const clusterIds = new Map<string, number>();
      const clusterOf = (id: string) => {
        const root = find(id);
        if (!clusterIds.has(root)) clusterIds.set(root, clusterIds.size);
        return clusterIds.get(root) as number;
      };
      const nodes: Array<{ id: string; kind: string; label: string; cluster: number; status: string }> = cases.map(
        (c) => ({
          id: c.id,
          kind: 'case',
          label: c.display_code,
          cluster: clusterOf(c.id),
          status: c.status,
        }),
      );
      const seen = new Set(nodes.map((n) => n.id));
      const edges = [];
      for (const l of links) {
        const target = caseByPerson.get(l.person_id) ?? `p:${l.person_id}`;
        if (!seen.has(target) && nodes.length < limit) {
          seen.add(target);
          nodes.push({ id: target, kind: 'contact', label: 'F1', cluster: clusterOf(target), status: 'contact' });
        }
        if (seen.has(target))
          edges.push({ source: l.case_id, target, kind: caseByPerson.has(l.person_id) ? 'case-to-case' : 'f1' });
      }
      for (const c of cases)
        if (c.source_case_id && seen.has(c.source_case_id))
          edges.push({ source: c.source_case_id, target: c.id, kind: 'source' });
      await ctx.audit.record({ actor, action: 'cases.graph', resourceType: 'case', details: { nodes: nodes.length } });
      return { nodes, edges, clusters: clusterIds.size };
    },

    async myExposures(personId: string) {
      const rows = await db
        .selectFrom('exposure_notices as n')
        .leftJoin('venues as v', 'v.id', 'n.venue_id')
        .select([
          'n.id',
          'n.kind',
          'n.degree',
          'n.venue_id',
          'v.name as venue_name',
          'n.exposure_start',
          'n.exposure_end',
          'n.created_at',
        ])
        .where('n.person_id', '=', personId)
        .orderBy('n.created_at', 'desc')
        .limit(100)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        degree: r.degree,
        venueId: r.venue_id,
        venueName: r.venue_name,
        exposureStart: r.exposure_start?.toISOString() ?? null,
        exposureEnd: r.exposure_end?.toISOString() ?? null,
        createdAt: r.created_at.toISOString(),
      }));
    },

    async myQuarantine(personId: string) {
      const rows = await db
        .selectFrom('quarantine_orders')
        .select(['id', 'kind', 'starts_on', 'ends_on', 'status'])
        .where('person_id', '=', personId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map((r) => ({ id: r.id, kind: r.kind, startsOn: r.starts_on, endsOn: r.ends_on, status: r.status }));
    },

    /**
     * A tracer confirms a contact "to confirm" (found only through weak evidence): they get their quarantine order
     * (F1) and message now, once; an F1's own contacts are traced as F2. Audited.
     */
    async confirmContact(actor: Actor, id: string, personId: string) {
      const c = await loadCase(actor, id, 'cases.update');
      const result = await db.transaction().execute(async (trx) => {
        const rule = await ruleOf(trx, c.rule_version);
        const done = await confirmContact(trx, ctx.notifier, id, personId, rule);
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.confirmContact',
          resourceType: 'person',
          resourceId: personId,
          details: { caseId: id, notified: done.notified },
        });
        if (done.notified && done.degree === 1) await trace(trx, id);
        return done;
      });
      ctx.jobs.wake();
      return { personId, confirmation: 'confirmed' as const, notified: result.notified };
    },

    /** A tracer dismisses a contact "to confirm" whose check-in was false: nobody is told. Audited. */
    async dismissContact(actor: Actor, id: string, personId: string) {
      await loadCase(actor, id, 'cases.update');
      await db.transaction().execute(async (trx) => {
        await dismissContact(trx, id, personId);
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.dismissContact',
          resourceType: 'person',
          resourceId: personId,
          details: { caseId: id },
        });
      });
      return { personId, confirmation: 'dismissed' as const, notified: false };
    },

    /** Re-traces open cases whose F0 or F1 stayed at these venues around these times (late check-ins synced). */
    async retraceForLateCheckins(items: Array<{ venueId: string; from: Date; to: Date }>) {
      const people = await findPeopleCheckedInAt(db, items);
      const ids = new Set<string>();
      if (people.length > 0) {
        const anyPerson = sql<string>`any(${people}::uuid[])`;
        const rows = await db
          .selectFrom('cases as c')
          .select('c.id')
          .where('c.status', 'not in', CLOSED)
          .where((eb) =>
            eb.or([
              eb('c.person_id', '=', anyPerson),
              eb.exists(
                eb
                  .selectFrom('contacts as t')
                  .select(sql`1`.as('one'))
                  .whereRef('t.case_id', '=', 'c.id')
                  .where('t.degree', '=', 1)
                  .where('t.person_id', '=', anyPerson),
              ),
            ]),
          )
          .execute();
        for (const r of rows) ids.add(r.id);
      }
      for (const id of ids) await db.transaction().execute((trx) => trace(trx, id));
      if (ids.size > 0) ctx.jobs.wake();
      return ids.size;
    },
  };
}

export type CasesService = ReturnType<typeof casesService>;
