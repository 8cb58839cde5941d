/**
 * Cases (F0 = confirmed case) and automatic contact tracing (F1 = close contact, F2 = contact of an F1).
 * Opening a case — by a tracer, or from a `test.result.positive` event — runs the tracing in the same transaction:
 * contacts with their evidence, quarantine orders for new F1, exposure notices and notifications (through the
 * outbox) for F1 and F2. Tracing is idempotent (evidence rows are unique), so it can be re-run when late check-ins
 * arrive; only newly found people are notified.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { CaseStatus, DB, FollowUp } from '../../db/types.ts';
import { type Actor, hasRole, scopeFor } from '../../platform/access.ts';
import { AppError } from '../../platform/errors.ts';
import { isNationalId, normalizePhone } from '../../platform/formats.ts';
import type { OutgoingMessage } from '../../platform/notify.ts';
import { findHouseholdContacts, findVenueContacts, type IndexWindow } from './finder.ts';
import { can, caseActions } from './policy.ts';
import type { CaseView, ContactView, CreateCaseInput } from './schemas.ts';

type Q = Kysely<DB> | Transaction<DB>;
const DAY = 86_400_000;
const CLOSED: CaseStatus[] = ['recovered', 'died'];
const SKEW_MS = 2 * 60_000;

export interface TraceSummary {
  f1: number;
  f2: number;
  newF1: number;
  newF2: number;
}

/** "Đồng Nai" → "Dong Nai": SMS text without diacritics (GSM-7, one segment), case kept. */
function smsText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

function localDate(d: Date): string {
  return new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

function ddmm(d: Date): string {
  const s = localDate(d);
  return `${s.slice(8, 10)}/${s.slice(5, 7)}`;
}

export function casesService(ctx: AppContext) {
  const db = ctx.db;

  /** The rule version a case was traced with (cases keep theirs when newer rules are added). */
  function ruleOf(q: Q, version: number) {
    return q.selectFrom('tracing_rules').selectAll().where('version', '=', version).executeTakeFirstOrThrow();
  }

  async function currentRule(q: Q) {
    return q.selectFrom('tracing_rules').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow();
  }

  /** The exposure window: N days before onset (or sample date, or confirmation) until isolation (or confirmation). */
  function exposureWindow(
    c: {
      onset_at: Date | null;
      sample_at: Date | null;
      confirmed_at: Date | null;
      isolated_at: Date | null;
      created_at: Date;
    },
    lookbackDays: number,
  ) {
    const anchor = c.onset_at ?? c.sample_at ?? c.confirmed_at ?? c.created_at;
    const end = c.isolated_at ?? c.confirmed_at ?? new Date();
    return { from: new Date(anchor.getTime() - lookbackDays * DAY), to: end };
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

  /** Where to send a person's messages: their phone, else their guardian's (children, elders without phones). */
  async function phoneFor(q: Q, personIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (personIds.length === 0) return out;
    const own = await q.selectFrom('people').select(['id', 'phone']).where('id', 'in', personIds).execute();
    for (const p of own) if (p.phone) out.set(p.id, p.phone);
    const missing = personIds.filter((id) => !out.has(id));
    if (missing.length > 0) {
      const guardians = await q
        .selectFrom('dependants as d')
        .innerJoin('people as g', 'g.id', 'd.guardian_id')
        .select(['d.dependant_id', 'g.phone'])
        .where('d.dependant_id', 'in', missing)
        .where('g.phone', 'is not', null)
        .execute();
      for (const g of guardians) if (g.phone && !out.has(g.dependant_id)) out.set(g.dependant_id, g.phone);
    }
    return out;
  }

  /**
   * Finds and stores the contacts of one case; notifies and orders quarantine for people found for the first time.
   * Runs inside the caller's transaction.
   */
  async function trace(trx: Transaction<DB>, caseId: string): Promise<TraceSummary> {
    const c = await trx.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
    const rule = await ruleOf(trx, c.rule_version);
    const window = exposureWindow(c, rule.lookback_days);
    const now = new Date();

    // degree 1: venue co-presence and household; manual/BLE contacts are already stored
    const venue1 = await findVenueContacts(
      trx,
      [{ personId: c.person_id, from: window.from, to: window.to }],
      rule.min_overlap_minutes,
    );
    const household1 = await findHouseholdContacts(trx, [c.person_id]);
    const rows1 = [
      ...venue1.map((e) => ({
        via_type: 'venue' as const,
        person_id: e.personId,
        venue_id: e.venueId,
        zone_id: e.zoneId,
        overlap_start: e.overlapStart,
        overlap_end: e.overlapEnd,
        overlap_minutes: e.overlapMinutes,
      })),
      ...household1.map((h) => ({
        via_type: 'household' as const,
        person_id: h.personId,
        venue_id: null,
        zone_id: null,
        overlap_start: null,
        overlap_end: null,
        overlap_minutes: null,
      })),
    ];
    const before = new Set(
      (await trx.selectFrom('contacts').select('person_id').where('case_id', '=', caseId).execute()).map(
        (r) => r.person_id,
      ),
    );
    await insertContacts(
      trx,
      c.id,
      1,
      rows1.map((r) => ({ ...r, through_person_id: null })),
      rule.version,
    );

    const f1Rows = await trx
      .selectFrom('contacts')
      .select(['person_id', 'via_type', 'venue_id', 'overlap_start', 'overlap_end'])
      .where('case_id', '=', caseId)
      .where('degree', '=', 1)
      .execute();
    const f1 = new Set(f1Rows.map((r) => r.person_id));

    // degree 2: each F1's own contacts from their first exposure until now (they are not isolated yet)
    if (rule.include_f2 && f1.size > 0) {
      const firstExposure = new Map<string, number>();
      for (const r of f1Rows) {
        const t = (r.overlap_start ?? window.from).getTime();
        firstExposure.set(r.person_id, Math.min(firstExposure.get(r.person_id) ?? t, t));
      }
      const windows: IndexWindow[] = [...firstExposure].map(([personId, t]) => ({
        personId,
        from: new Date(t),
        to: now,
      }));
      const venue2 = await findVenueContacts(trx, windows, rule.min_overlap_minutes);
      const household2 = await findHouseholdContacts(trx, [...f1]);
      const excluded = (p: string) => p === c.person_id || f1.has(p);
      const rows2 = [
        ...venue2
          .filter((e) => !excluded(e.personId))
          .map((e) => ({
            via_type: 'venue' as const,
            person_id: e.personId,
            venue_id: e.venueId,
            zone_id: e.zoneId,
            overlap_start: e.overlapStart,
            overlap_end: e.overlapEnd,
            overlap_minutes: e.overlapMinutes,
            through_person_id: e.indexPersonId,
          })),
        ...household2
          .filter((h) => !excluded(h.personId))
          .map((h) => ({
            via_type: 'household' as const,
            person_id: h.personId,
            venue_id: null,
            zone_id: null,
            overlap_start: null,
            overlap_end: null,
            overlap_minutes: null,
            through_person_id: h.indexPersonId,
          })),
      ];
      await insertContacts(trx, c.id, 2, rows2, rule.version);
    }

    // people seen for the first time in this case get notified (F1: quarantine order; F2: advisory)
    const all = await trx
      .selectFrom('contacts')
      .select(['person_id', 'degree', 'via_type', 'venue_id', 'overlap_start', 'overlap_end', 'unit_code'])
      .where('case_id', '=', caseId)
      .orderBy('degree')
      .execute();
    const fresh = new Map<string, (typeof all)[number]>();
    for (const r of all) if (!before.has(r.person_id) && !fresh.has(r.person_id)) fresh.set(r.person_id, r);
    await notifyNew(trx, c.id, [...fresh.values()], rule);
    await trx.updateTable('cases').set({ traced_at: now }).where('id', '=', caseId).execute();
    const f2 = new Set(all.filter((r) => r.degree === 2).map((r) => r.person_id));
    const freshList = [...fresh.values()];
    return {
      f1: f1.size,
      f2: f2.size,
      newF1: freshList.filter((r) => r.degree === 1).length,
      newF2: freshList.filter((r) => r.degree === 2).length,
    };
  }

  async function insertContacts(
    trx: Transaction<DB>,
    caseId: string,
    degree: 1 | 2,
    rows: Array<{
      via_type: 'venue' | 'household';
      person_id: string;
      venue_id: string | null;
      zone_id: string | null;
      overlap_start: Date | null;
      overlap_end: Date | null;
      overlap_minutes: number | null;
      through_person_id: string | null;
    }>,
    ruleVersion: number,
  ) {
    if (rows.length === 0) return;
    const units = new Map(
      (
        await trx
          .selectFrom('people')
          .select(['id', 'unit_code'])
          .where('id', 'in', [...new Set(rows.map((r) => r.person_id))])
          .execute()
      ).map((p) => [p.id, p.unit_code]),
    );
    for (let i = 0; i < rows.length; i += 2000) {
      await trx
        .insertInto('contacts')
        .values(
          rows.slice(i, i + 2000).map((r) => ({
            ...r,
            case_id: caseId,
            degree,
            rule_version: ruleVersion,
            unit_code: units.get(r.person_id) ?? null,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  async function notifyNew(
    trx: Transaction<DB>,
    caseId: string,
    fresh: Array<{
      person_id: string;
      degree: number;
      via_type: string;
      venue_id: string | null;
      overlap_start: Date | null;
      overlap_end: Date | null;
      unit_code: string | null;
    }>,
    rule: { f1_quarantine_days: number; f1_quarantine_kind: 'home' | 'facility' },
  ) {
    if (fresh.length === 0) return;
    const phones = await phoneFor(
      trx,
      fresh.map((f) => f.person_id),
    );
    const venueIds = [...new Set(fresh.map((f) => f.venue_id).filter((v): v is string => !!v))];
    const venueNames = new Map(
      venueIds.length
        ? (await trx.selectFrom('venues').select(['id', 'name']).where('id', 'in', venueIds).execute()).map((v) => [
            v.id,
            v.name,
          ])
        : [],
    );
    const today = new Date();
    const notices = [];
    const orders = [];
    const messages: OutgoingMessage[] = [];
    for (const f of fresh) {
      const kind: 'advisory' | 'venue' | 'household' | 'manual' | 'ble' =
        f.degree === 2 ? 'advisory' : (f.via_type as 'venue' | 'household' | 'manual' | 'ble');
      notices.push({
        person_id: f.person_id,
        case_id: caseId,
        degree: f.degree,
        venue_id: f.venue_id,
        exposure_start: f.overlap_start,
        exposure_end: f.overlap_end,
        kind,
      });
      const venue = f.venue_id ? venueNames.get(f.venue_id) : undefined;
      const when = f.overlap_start ? ` ngay ${ddmm(f.overlap_start)}` : '';
      const where = venue ? ` tai ${smsText(venue)}` : f.via_type === 'household' ? ' trong gia dinh' : '';
      if (f.degree === 1) {
        const lastExposure = f.overlap_end ?? today;
        const endsOn = localDate(new Date(lastExposure.getTime() + rule.f1_quarantine_days * DAY));
        orders.push({
          person_id: f.person_id,
          case_id: caseId,
          kind: rule.f1_quarantine_kind,
          starts_on: localDate(today),
          ends_on: endsOn,
          unit_code: f.unit_code,
        });
        const phone = phones.get(f.person_id);
        if (phone) {
          messages.push({
            channel: 'sms',
            to: phone,
            text: smsText(
              `Truyvet: Ban da tiep xuc gan voi ca benh (F1)${when}${where}. Vui long cach ly ${rule.f1_quarantine_kind === 'home' ? 'tai nha' : 'tap trung'} den het ngay ${endsOn.slice(8, 10)}/${endsOn.slice(5, 7)}, do than nhiet hang ngay, lien he tram y te xa/phuong. Xem chi tiet trong ung dung Truyvet.`,
            ),
          });
        }
      } else {
        const phone = phones.get(f.person_id);
        if (phone) {
          messages.push({
            channel: 'sms',
            to: phone,
            text: `Truyvet: Ban co the da tiep xuc voi nguoi tiep xuc gan ca benh (F2)${when}. Hay tu theo doi suc khoe 14 ngay, han che tiep xuc, khai bao y te neu co trieu chung.`,
          });
        }
      }
    }
    // one statement for all of the case's messages (a case can reach hundreds of people)
    if (messages.length > 0) await ctx.notifier.enqueueMany(trx, messages);
    await trx
      .insertInto('exposure_notices')
      .values(notices)
      .onConflict((oc) => oc.doNothing())
      .execute();
    if (orders.length > 0)
      await trx
        .insertInto('quarantine_orders')
        .values(orders)
        .onConflict((oc) => oc.doNothing())
        .execute();
    const notified = fresh.filter((f) => phones.has(f.person_id)).map((f) => f.person_id);
    if (notified.length > 0) {
      await trx
        .updateTable('contacts')
        .set({ follow_up: 'notified', updated_at: new Date() })
        .where('case_id', '=', caseId)
        .where('person_id', 'in', notified)
        .where('follow_up', '=', 'identified')
        .execute();
    }
  }

  async function nextDisplayCode(trx: Transaction<DB>, unitPath: string | null): Promise<string> {
    const province = unitPath ? (unitPath.split('.')[0] ?? '00') : '00';
    const row = await trx
      .insertInto('case_counters')
      .values({ province_code: province, last_number: 1 })
      .onConflict((oc) => oc.column('province_code').doUpdateSet({ last_number: sql`case_counters.last_number + 1` }))
      .returning('last_number')
      .executeTakeFirstOrThrow();
    return `BN${province}-${String(row.last_number).padStart(6, '0')}`;
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

  /** Opens a case and traces it, in one transaction. */
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
    const result = await db.transaction().execute(async (trx) => {
      const person = await resolvePerson(trx, input.person);
      if (!can(actor, 'cases.create', { unitPath: person.unit_path })) {
        if (actor.kind === 'staff' && !hasRole(actor, caseActions['cases.create'])) {
          throw new AppError('FORBIDDEN', 403);
        }
        throw new AppError('PERSON_NOT_FOUND', 404);
      }
      // serialize case creation per person (the partial unique index is the last word; this gives a clean 409).
      // NO KEY UPDATE, not UPDATE: other cases' tracing inserts contacts referencing this person, and their foreign
      // key checks take KEY SHARE locks, which UPDATE would block (two such transactions deadlock)
      await sql`select 1 from people where id = ${person.id} for no key update`.execute(trx);
      if (origin.ref) {
        const same = await trx
          .selectFrom('cases')
          .select(['id', 'display_code'])
          .where('origin', '=', origin.kind)
          .where('origin_ref', '=', origin.ref)
          .executeTakeFirst();
        if (same)
          return {
            id: same.id,
            displayCode: same.display_code,
            existing: true,
            summary: { f1: 0, f2: 0, newF1: 0, newF2: 0 },
          };
      }
      const open = await trx
        .selectFrom('cases')
        .select('id')
        .where('person_id', '=', person.id)
        .where('status', 'not in', CLOSED)
        .executeTakeFirst();
      if (open) throw new AppError('CASE_EXISTS', 409, { existingId: open.id }, {}, { id: open.id });
      const rule = await currentRule(trx);
      const created = await trx
        .insertInto('cases')
        .values({
          // the real code is allocated at the end: the province counter row stays locked only briefly
          display_code: `pending-${randomUUID()}`,
          person_id: person.id,
          unit_code: person.unit_code,
          status: 'confirmed',
          confirmed_at: confirmedAt,
          onset_at: onsetAt,
          sample_at: sampleAt,
          isolated_at: isolatedAt,
          source_case_id: input.sourceCaseId ?? null,
          source_note: input.sourceNote ?? null,
          origin: origin.kind,
          origin_ref: origin.ref ?? null,
          rule_version: rule.version,
          created_by: actor.kind === 'staff' ? actor.userId : actor.kind === 'system' ? actor.name : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const summary = await trace(trx, created.id);
      // the two serializing steps (province counter, audit chain lock) come last, so concurrent cases trace in parallel
      const displayCode = await nextDisplayCode(trx, person.unit_path);
      await trx.updateTable('cases').set({ display_code: displayCode }).where('id', '=', created.id).execute();
      await ctx.audit.append(trx, {
        actor,
        action: 'cases.create',
        resourceType: 'case',
        resourceId: created.id,
        unitCode: person.unit_code,
        details: { origin: origin.kind },
      });
      return { id: created.id, displayCode, existing: false, summary };
    });
    ctx.jobs.wake();
    return {
      id: result.id,
      displayCode: result.displayCode,
      contacts: { f1: result.summary.f1, f2: result.summary.f2 },
    };
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
          'p.name as person_name',
          sql<number>`(select count(distinct person_id)::int from contacts k where k.case_id = c.id and k.degree = 1)`.as(
            'f1',
          ),
          sql<number>`(select count(distinct person_id)::int from contacts k where k.case_id = c.id and k.degree = 2)`.as(
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
      await ctx.audit.record({ actor, action: 'cases.list', resourceType: 'case', details: { results: rows.length } });
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
      const stays = await db
        .selectFrom('checkins as k')
        .innerJoin('venues as v', 'v.id', 'k.venue_id')
        .select([
          'k.id',
          'k.venue_id',
          'v.name',
          'v.category',
          'v.address',
          'k.zone_id',
          'k.checked_in_at',
          'k.checked_out_at',
          'k.implied_out_at',
        ])
        .where('k.person_id', '=', c.person_id)
        .where('k.checked_in_at', '<', w.to)
        .where('k.checked_in_at', '>', new Date(w.from.getTime() - DAY))
        .where(sql<boolean>`coalesce(k.checked_out_at, k.implied_out_at) > ${w.from}`)
        .orderBy('k.checked_in_at')
        .execute();
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
          'k.assigned_tracer_id',
          'p.name',
          'p.phone',
          'p.unit_code',
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
      await ctx.audit.record({
        actor,
        action: 'cases.contacts',
        resourceType: 'case',
        resourceId: id,
        unitCode: c.unit_code,
        details: { results: byPerson.size },
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
        name: r.name,
        phone: r.phone,
        unitCode: r.unit_code,
        followUp: r.follow_up,
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
        const at = input.lastContactAt ? new Date(input.lastContactAt) : null;
        const inserted = await trx
          .insertInto('contacts')
          .values({
            case_id: id,
            person_id: person.id,
            degree: 1,
            via_type: 'manual',
            overlap_start: at,
            overlap_end: at,
            note: input.note ?? null,
            rule_version: c.rule_version,
            unit_code: person.unit_code,
            assigned_tracer_id: actor.kind === 'staff' ? actor.userId : null,
          })
          .onConflict((oc) => oc.doNothing())
          .returning('id')
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
        return { contactId: inserted?.id ?? null, personId: person.id, summary };
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
      const present = await db
        .selectFrom('checkins')
        .select([
          'person_id',
          sql<Date>`min(checked_in_at)`.as('first_in'),
          sql<Date>`max(coalesce(checked_out_at, implied_out_at))`.as('last_out'),
        ])
        .where('venue_id', '=', venueId)
        .where('checked_in_at', '<', to)
        .where('checked_in_at', '>', new Date(from.getTime() - DAY))
        .where(sql<boolean>`coalesce(checked_out_at, implied_out_at) > ${from}`)
        .where('person_id', '<>', c.person_id)
        .groupBy('person_id')
        .execute();
      if (!send) return { people: present.length, notified: 0 };
      const result = await db.transaction().execute(async (trx) => {
        const rows = present.map((p) => ({
          via_type: 'venue' as const,
          person_id: p.person_id,
          venue_id: venueId,
          zone_id: null,
          overlap_start: new Date(Math.max(new Date(p.first_in).getTime(), from.getTime())),
          overlap_end: new Date(Math.min(new Date(p.last_out).getTime(), to.getTime())),
          overlap_minutes: null,
          through_person_id: null,
        }));
        const before = new Set(
          (await trx.selectFrom('contacts').select('person_id').where('case_id', '=', c.id).execute()).map(
            (r) => r.person_id,
          ),
        );
        await insertContacts(trx, c.id, 1, rows, c.rule_version);
        const rule = await ruleOf(trx, c.rule_version);
        const fresh = rows.filter((r) => !before.has(r.person_id));
        await notifyNew(
          trx,
          c.id,
          fresh.map((r) => ({ ...r, degree: 1, unit_code: null })),
          rule,
        );
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

    /** Re-traces open cases whose F0 or F1 stayed at these venues around these times (late check-ins synced). */
    async retraceForLateCheckins(items: Array<{ venueId: string; from: Date; to: Date }>) {
      const ids = new Set<string>();
      for (const it of items) {
        const rows = await db
          .selectFrom('checkins as k')
          .innerJoin('cases as c', 'c.person_id', 'k.person_id')
          .select('c.id')
          .where('k.venue_id', '=', it.venueId)
          .where('k.checked_in_at', '<', it.to)
          .where('k.checked_in_at', '>', new Date(it.from.getTime() - DAY))
          .where('c.status', 'not in', CLOSED)
          .execute();
        for (const r of rows) ids.add(r.id);
        const viaF1 = await db
          .selectFrom('checkins as k')
          .innerJoin('contacts as t', 't.person_id', 'k.person_id')
          .innerJoin('cases as c', 'c.id', 't.case_id')
          .select('c.id')
          .where('t.degree', '=', 1)
          .where('k.venue_id', '=', it.venueId)
          .where('k.checked_in_at', '<', it.to)
          .where('k.checked_in_at', '>', new Date(it.from.getTime() - DAY))
          .where('c.status', 'not in', CLOSED)
          .execute();
        for (const r of viaF1) ids.add(r.id);
      }
      for (const id of ids) await db.transaction().execute((trx) => trace(trx, id));
      if (ids.size > 0) ctx.jobs.wake();
      return ids.size;
    },
  };
}
