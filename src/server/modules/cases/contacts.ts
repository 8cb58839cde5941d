/**
 * A case's contacts: the list a tracer works from, interview contacts, bulk follow-up and tracer assignment, and
 * confirming or dismissing contacts "to confirm" (found only through weak evidence). Each operation authorizes the
 * case first (`cases.read` to list, `cases.update` to change), and every read is audited with the people returned.
 * Contacts living outside the reader's area are shown as "someone in district D" (handover.ts).
 */
import type { Transaction } from 'kysely';
import type { ContactVia, DB, FollowUp } from '../../db/types.ts';
import type { Actor } from '../../platform/access.ts';
import { authorize, scopeOf } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { foldDiacritics, normalizePhone } from '../../platform/formats.ts';
import { decodeCursor, toPage } from '../../platform/paging.ts';
import { districtsOf, seesIdentity } from './handover.ts';
import { findPersonByRef, type PersonRef } from './person-ref.ts';
import { can, casePolicy } from './policy.ts';
import { type CasesRepo, type ContactFilter, type ContactKey, likeEscape } from './repo.ts';
import type { ContactView } from './schemas.ts';
import type { Tracing } from './tracing.ts';

/** What a tracer narrows a case's contacts to, and which page. */
export interface ContactsPageInput {
  degree?: 1 | 2 | undefined;
  via?: string | undefined;
  followUp?: string | undefined;
  q?: string | undefined;
  limit?: number | undefined;
  after?: string | undefined;
}

export function contactsService(ctx: PlatformContext, { repo, tracing }: { repo: CasesRepo; tracing: Tracing }) {
  const db = ctx.db;

  type ContactRow = Awaited<ReturnType<CasesRepo['listContacts']>>[number];

  /** The contact views of these rows: identity only for people living in the reader's area (handover.ts). */
  async function toViews(actor: Actor, rows: ContactRow[]): Promise<ContactView[]> {
    const hidden = rows.filter((r) => !seesIdentity(actor, r.unit_path));
    const districts = await districtsOf(
      repo,
      hidden.map((r) => r.unit_path),
    );
    return rows.map((r) => ({
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
        ...(r.through_name && seesIdentity(actor, r.through_unit_path) ? { throughName: r.through_name } : {}),
      },
      evidenceCount: r.evidence_count,
      ...(seesIdentity(actor, r.unit_path)
        ? {
            name: r.name,
            phone: r.phone,
            unitCode: r.unit_code,
            unitFullName: r.unit_full_name,
            outOfScope: false,
            district: null,
          }
        : {
            name: null,
            phone: null,
            unitCode: null,
            unitFullName: null,
            outOfScope: true,
            district: (r.unit_path && districts.get(r.unit_path)) || null,
          }),
      followUp: r.follow_up,
      confirmation: r.confirmation,
      assignedTracerId: r.assigned_tracer_id,
      quarantine: r.q_kind
        ? { kind: r.q_kind, startsOn: r.q_starts as string, endsOn: r.q_ends as string, status: r.q_status as string }
        : null,
    }));
  }

  /** A search of a case's contacts: a phone, else a name fragment (accents ignored), among people the actor may identify. */
  function searchTerm(actor: Actor, q: string | undefined): ContactFilter['q'] {
    const text = q?.trim();
    if (!text) return undefined;
    const scope = scopeOf(casePolicy, actor, 'cases.read');
    const phone = normalizePhone(text);
    if (phone) return { phone, scope };
    return { namePattern: `%${likeEscape(foldDiacritics(text))}%`, scope };
  }

  /**
   * A page of the case's contacts, one row per person (at their strongest evidence among the rows the filters keep),
   * strongest first: F1 before F2, then household, interviews (manual), venue co-presence by overlap length,
   * Bluetooth. Without `limit`, every contact; with it, `next` is the cursor of the page after (null on the last).
   * Audited with the people returned.
   */
  async function page(actor: Actor, id: string, opts: ContactsPageInput) {
    const c = authorize(casePolicy, actor, 'cases.read', await repo.findById(id));
    const after = opts.after ? (decodeCursor(opts.after, ['n', 'n', 'n', 's', 's']) as ContactKey) : undefined;
    const found = await repo.listContacts(
      id,
      {
        degree: opts.degree,
        via: opts.via as ContactVia | undefined,
        followUp: opts.followUp as FollowUp | undefined,
        q: searchTerm(actor, opts.q),
      },
      { after, limit: opts.limit === undefined ? undefined : opts.limit + 1 },
    );
    const { rows, next } =
      opts.limit === undefined
        ? { rows: found, next: null }
        : toPage(found, opts.limit, (r) => [r.degree, r.via_rank, r.minutes_key, r.start_key, r.id]);
    await ctx.audit.record({
      actor,
      action: 'cases.contacts',
      resourceType: 'case',
      resourceId: id,
      unitCode: c.unit_code,
      details: { results: rows.length, personIds: rows.map((r) => r.person_id) },
    });
    return { items: await toViews(actor, rows), next };
  }

  return {
    page,

    /** Every contact of the case (see `page`), as a list. */
    list: async (actor: Actor, id: string, opts: Omit<ContactsPageInput, 'limit' | 'after'>) =>
      (await page(actor, id, opts)).items,

    /**
     * The F1/F2 list of a case to export (a spreadsheet, the printable page): every contact of the degree, strongest
     * first, as the reader may see them. Audited as an export, naming everyone in it (`details.personIds`).
     */
    async exportList(actor: Actor, id: string, opts: { degree?: 1 | 2 | undefined; format: 'csv' | 'json' }) {
      const c = authorize(casePolicy, actor, 'cases.read', await repo.findById(id));
      const rows = await repo.listContacts(id, { degree: opts.degree });
      await ctx.audit.record({
        actor,
        action: 'cases.exportContacts',
        resourceType: 'case',
        resourceId: id,
        unitCode: c.unit_code,
        details: {
          format: opts.format,
          degree: opts.degree ?? null,
          results: rows.length,
          personIds: rows.map((r) => r.person_id),
        },
      });
      return { displayCode: c.display_code, contacts: await toViews(actor, rows) };
    },

    /** A close contact named in an interview (F1 via manual); notified and ordered like any new F1. */
    async addManual(
      actor: Actor,
      id: string,
      input: { person: PersonRef; note?: string | undefined; lastContactAt?: string | undefined },
    ) {
      const c = authorize(casePolicy, actor, 'cases.update', await repo.findById(id));
      const result = await db.transaction().execute(async (trx) => {
        const person = await findPersonByRef(repo, input.person, trx);
        if (!person) throw new AppError('PERSON_NOT_FOUND', 404);
        if (person.id === c.person_id) throw new AppError('VALIDATION_FAILED', 400, { reason: 'the case itself' });
        // someone living outside the tracer's area is handed to that area's tracers: not assigned, not identified
        const visible = seesIdentity(actor, person.unit_path);
        const at = input.lastContactAt ? new Date(input.lastContactAt) : null;
        // what the case has on this person already: whether they are known to it, and this very interview
        const stored = await repo.findEvidenceOn(id, person.id, trx);
        const existed = stored.some(
          (r) => r.via_type === 'manual' && (r.overlap_start?.getTime() ?? null) === (at?.getTime() ?? null),
        );
        const rule = await repo.findRule(c.rule_version, trx);
        // stored like any evidence: a person new to the case gets the F1 message and quarantine order
        await tracing.storeContacts(
          trx,
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
        const inserted = existed ? undefined : await repo.findManualContactId(id, person.id, at, trx);
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.addContact',
          resourceType: 'person',
          resourceId: person.id,
          unitCode: person.unit_code,
          details: { caseId: id },
        });
        // the new F1's own contacts become F2; notifications for everyone new
        const summary = await tracing.traceCase(trx, id);
        const district = visible
          ? null
          : ((await districtsOf(repo, [person.unit_path], trx)).get(person.unit_path ?? '') ?? null);
        return { contactId: inserted ?? null, personId: person.id, outOfScope: !visible, district, summary };
      });
      ctx.jobs.wake();
      return result;
    },

    /**
     * Bluetooth contacts a citizen reported with consent (the exposure module matched their phone's sightings to keys
     * uploaded for these cases), stored in the caller's transaction as `ble` F1 evidence **to confirm**: published
     * keys are public, so a report proves nothing by itself — no quarantine order and no message until a tracer
     * confirms it (`confirm`), exactly like a weak check-in. The caller has checked the report; this is the system's
     * own write on the citizen's behalf, audited with the case.
     */
    async recordBle(
      trx: Transaction<DB>,
      actor: Actor,
      items: readonly { caseId: string; personId: string; firstSeenAt: Date; lastSeenAt: Date; minutes: number }[],
    ): Promise<void> {
      for (const item of items) {
        const c = await repo.findById(item.caseId, trx);
        if (!c) throw new AppError('CASE_NOT_FOUND', 404);
        const rule = await repo.findRule(c.rule_version, trx);
        await tracing.storeContacts(
          trx,
          [
            {
              case_id: item.caseId,
              person_id: item.personId,
              degree: 1,
              via_type: 'ble',
              venue_id: null,
              zone_id: null,
              overlap_start: item.firstSeenAt,
              overlap_end: item.lastSeenAt,
              overlap_minutes: Math.round(item.minutes),
              through_person_id: null,
              weak: true,
            },
          ],
          new Set(),
          () => rule,
        );
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.addBleContact',
          resourceType: 'person',
          resourceId: item.personId,
          unitCode: c.unit_code,
          details: { caseId: item.caseId },
        });
      }
    },

    /**
     * Sets the follow-up and/or assigned tracer of several contacts of the case; `released` releases their orders.
     * Every listed person must be a contact of the case whom the actor may follow up — one living in the actor's
     * area, the rule of a single contact's follow-up (handover.ts) — else nothing is changed: 404 CONTACT_NOT_FOUND
     * with the refused ids (`details.personIds`), whether they are no contact of the case or live elsewhere (their
     * area's tracers follow them up as contact tasks). Only orders issued in the actor's area are released.
     * Audited with the people changed.
     */
    async bulkUpdate(
      actor: Actor,
      id: string,
      input: { personIds: string[]; followUp?: FollowUp | undefined; assignedTracerId?: string | null | undefined },
    ) {
      const c = authorize(casePolicy, actor, 'cases.update', await repo.findById(id));
      const personIds = [...new Set(input.personIds)];
      const updated = await db.transaction().execute(async (trx) => {
        const mine = new Set(
          (await repo.findContactPeople(id, personIds, trx))
            .filter((p) => can(actor, 'cases.update', p))
            .map((p) => p.person_id),
        );
        const refused = personIds.filter((p) => !mine.has(p));
        if (refused.length > 0) throw new AppError('CONTACT_NOT_FOUND', 404, { personIds: refused });
        const changed = await repo.updateFollowUp(
          id,
          personIds,
          {
            ...(input.followUp ? { follow_up: input.followUp } : {}),
            ...(input.assignedTracerId !== undefined ? { assigned_tracer_id: input.assignedTracerId } : {}),
          },
          trx,
        );
        const released =
          input.followUp === 'released'
            ? await repo.releaseQuarantine(id, personIds, scopeOf(casePolicy, actor, 'cases.update'), trx)
            : 0;
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.bulkContacts',
          resourceType: 'case',
          resourceId: id,
          unitCode: c.unit_code,
          details: {
            people: personIds.length,
            personIds,
            followUp: input.followUp ?? null,
            ...(input.assignedTracerId !== undefined ? { assignedTracerId: input.assignedTracerId } : {}),
            ...(input.followUp === 'released' ? { ordersReleased: released } : {}),
          },
        });
        return changed;
      });
      return { updated };
    },

    /**
     * A tracer confirms a contact "to confirm" (found only through weak evidence): they get their quarantine order
     * (F1) and message now, once; an F1's own contacts are traced as F2. Audited.
     */
    async confirm(actor: Actor, id: string, personId: string) {
      const c = authorize(casePolicy, actor, 'cases.update', await repo.findById(id));
      const result = await db.transaction().execute(async (trx) => {
        const rule = await repo.findRule(c.rule_version, trx);
        const done = await tracing.confirmContact(trx, id, personId, rule);
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.confirmContact',
          resourceType: 'person',
          resourceId: personId,
          unitCode: c.unit_code,
          details: { caseId: id, notified: done.notified },
        });
        if (done.notified && done.degree === 1) await tracing.traceCase(trx, id);
        return done;
      });
      ctx.jobs.wake();
      return { personId, confirmation: 'confirmed' as const, notified: result.notified };
    },

    /** A tracer dismisses a contact "to confirm" whose check-in was false: nobody is told. Audited. */
    async dismiss(actor: Actor, id: string, personId: string) {
      const c = authorize(casePolicy, actor, 'cases.update', await repo.findById(id));
      await db.transaction().execute(async (trx) => {
        await tracing.dismissContact(trx, id, personId);
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.dismissContact',
          resourceType: 'person',
          resourceId: personId,
          unitCode: c.unit_code,
          details: { caseId: id },
        });
      });
      return { personId, confirmation: 'dismissed' as const, notified: false };
    },
  };
}

export type ContactsService = ReturnType<typeof contactsService>;
