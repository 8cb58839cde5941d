/**
 * Vaccination use cases: registration (a citizen for themself or a dependant; staff for anyone in their area, people
 * found or registered through the people module), planning (sites, lots, sessions, invitations by priority through
 * the outbox), the site's work (check-in by personal QR or national ID, screening, dose recording with the rule
 * checks, a doctor's override, voiding, AEFI), corrections with a photo and doses given elsewhere, the citizen's
 * record with the next due dose, statistics, and the green pass's read (`dosesForCertificate`).
 *
 * Every write is one transaction with its audit row and its `vaccination.record-changed` event; a dose also updates
 * its lot's stock and the coverage counters there, so statistics never scan doses and never drift from them. Doses
 * recorded at a site go through the dose writer (writer.ts): what arrives together shares one transaction and one
 * commit, decided dose by dose exactly as one at a time.
 */
import { sql, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor, CitizenActor, StaffActor } from '../../platform/access.ts';
import { grantsFor, pathWithin } from '../../platform/access.ts';
import {
  type AccessScope,
  authorize,
  authorizeAt,
  can,
  mayEver,
  narrowScope,
  scopeOf,
  systemScope,
} from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { isNationalId, isUuid, normalizePhone } from '../../platform/formats.ts';
import { requestHash } from '../../platform/idempotency.ts';
import { routeOf } from '../../platform/request-context.ts';
import { localDate, smsText } from '../../platform/sms.ts';
import type { PeopleService } from '../people/index.ts';
import { parsePersonQr, verifyPersonQrSignature } from '../people/index.ts';
import {
  APPROVE_REASONS,
  type CorrectionField,
  EVIDENCE_MAX_BYTES,
  REJECT_REASONS,
  REVIEWER_ROLES,
  type VOID_REASONS,
} from './constants.ts';
import { correctionPolicy, dosePolicy, sitePolicy, subjectPolicy, unitPolicy } from './policy.ts';
import { PERSON_LOCK, type ProductRow, type VaccinationRepo } from './repo.ts';
import {
  ageBand,
  communeOf,
  doseViolations,
  effectiveBirthYear,
  imageMatches,
  nextDue,
  type PriorDose,
  type ProductRule,
  screeningOutcome,
} from './rules.ts';
import {
  type CertificateDose,
  type CorrectionBody,
  type CorrectionView,
  type DoseBody,
  type DoseCreated,
  type DoseView,
  RECORD_CHANGED,
  type RegistrationBody,
  type RegistrationView,
  type StatsQuery,
  type Subject,
} from './schemas.ts';
import { coverageDeltas, createDoseWriter } from './writer.ts';

export interface VaccinationDeps {
  people: PeopleService;
  repo: VaccinationRepo;
}

const DAY_MS = 86_400_000;
/** The most requests (corrections, declared doses) one person may have waiting for a decision. */
const MAX_PENDING_REQUESTS = 10;
/** The longest period the statistics count doses per day over. */
const MAX_STATS_DAYS = 366;
/** Clock skew a device may have: a dose "given" up to this far in the future is accepted as now. */
const FUTURE_SKEW_MS = 5 * 60_000;

/** A lot number as stored and looked up: the ends trimmed, inner spaces single ("LOT 42"). */
export const lotNumberOf = (input: string) => input.trim().replace(/\s+/g, ' ');

const actorKey = (actor: Actor) =>
  actor.kind === 'staff'
    ? `staff:${actor.userId}`
    : actor.kind === 'citizen'
      ? `citizen:${actor.personId}`
      : `system:${actor.name}`;

type RegistrationRow = {
  id: string;
  person_id: string;
  name: string;
  priority_group: string;
  status: 'waiting' | 'invited' | 'done' | 'cancelled';
  site_id: string | null;
  session_id: string | null;
  session_day: string | null;
  site_name: string | null;
  has_phone: boolean;
  created_at: Date;
};

function toRegistrationView(r: RegistrationRow): RegistrationView {
  return {
    id: r.id,
    personId: r.person_id,
    name: r.name,
    priorityGroup: r.priority_group,
    status: r.status,
    siteId: r.site_id,
    sessionId: r.session_id,
    sessionDay: r.session_day,
    siteName: r.site_name,
    hasPhone: r.has_phone,
    createdAt: r.created_at.toISOString(),
  };
}

/** Decodes a `data:image/…;base64,` photo: type-checked against its bytes and size-limited. */
export function decodeEvidence(dataUrl: string): { contentType: string; bytes: Buffer } {
  const m = /^data:(image\/(?:jpeg|png|webp));base64,([A-Za-z0-9+/=\s]+)$/.exec(dataUrl);
  if (!m?.[1] || !m[2]) throw new AppError('VACCINATION_EVIDENCE_INVALID', 400);
  const bytes = Buffer.from(m[2], 'base64');
  if (bytes.length > EVIDENCE_MAX_BYTES) throw new AppError('VACCINATION_EVIDENCE_TOO_LARGE', 400);
  if (bytes.length < 8 || !imageMatches(m[1], bytes)) throw new AppError('VACCINATION_EVIDENCE_INVALID', 400);
  return { contentType: m[1], bytes };
}

export function vaccinationService(ctx: PlatformContext, deps: VaccinationDeps) {
  const { db } = ctx;
  const { repo, people } = deps;
  const doseWriter = createDoseWriter(ctx, repo, () => products());

  // products change only by migration or an admin: a short cache keeps them off the dose path.
  // Inside a transaction the refill must read through it (`q`): the outer `db` would wait for the transaction's own
  // connection — for ever on PGlite, whose one connection the transaction holds (a stale cache once wedged a server).
  let productCache: { at: number; map: Map<string, ProductRow> } | undefined;
  async function products(q?: Transaction<DB>): Promise<Map<string, ProductRow>> {
    if (productCache && Date.now() - productCache.at < 30_000) return productCache.map;
    const map = new Map((await repo.products(q)).map((p) => [p.code, p]));
    productCache = { at: Date.now(), map };
    return map;
  }
  async function productOr400(code: string) {
    const p = (await products()).get(code);
    if (!p) throw new AppError('VACCINATION_PRODUCT_UNKNOWN', 400, { product: code });
    return p;
  }

  /** A subject as the policy sees it (a citizen actor's guardianship looked up only when it matters). */
  async function subjectResource(actor: Actor, personId: string, q?: Transaction<DB>) {
    const row = await repo.personById(personId, q);
    if (!row) return { row, resource: undefined };
    const guardian =
      actor.kind === 'citizen' && row.id !== actor.personId && (await repo.isGuardian(actor.personId, row.id, q));
    return {
      row,
      resource: {
        personId: row.id,
        unitPath: row.unit_path,
        guardianIds: guardian ? [(actor as CitizenActor).personId] : [],
      },
    };
  }

  async function loadSubject(
    actor: Actor,
    personId: string,
    action: 'vaccination.register' | 'vaccination.read' | 'vaccination.record' | 'vaccination.request',
    q?: Transaction<DB>,
  ) {
    const { row, resource } = await subjectResource(actor, personId, q);
    authorize(subjectPolicy, actor, action, resource);
    if (!row) throw new AppError('PERSON_NOT_FOUND', 404);
    return row;
  }

  async function loadSite(actor: Actor, siteId: string, action: 'vaccination.record' | 'vaccination.plan') {
    const site = await repo.siteById(siteId);
    authorize(sitePolicy, actor, action, site && { unitPath: site.unit_path });
    if (!site) throw new AppError('VACCINATION_SITE_NOT_FOUND', 404);
    return site;
  }

  /** The unit a staff member registers a new person in: their first grant that may register, with a unit. */
  function staffUnit(actor: StaffActor): string {
    const grant = grantsFor(actor, ['health_worker', 'vaccinator', 'doctor', 'hotline_operator']).find(
      (g) => g.unitCode,
    );
    if (!grant?.unitCode) throw new AppError('UNIT_NOT_FOUND', 400, { field: 'subject' });
    return grant.unitCode;
  }

  async function resolveSubject(actor: Actor, subject: Subject | undefined): Promise<string> {
    if (!mayEver(subjectPolicy, actor, 'vaccination.register')) throw new AppError('FORBIDDEN', 403);
    if (!subject) {
      if (actor.kind !== 'citizen') throw new AppError('VALIDATION_FAILED', 400, { field: 'subject' });
      return actor.personId;
    }
    if ('personId' in subject) return subject.personId;
    // a citizen names only a dependant, by id: never someone by national ID or phone
    if (actor.kind !== 'staff') throw new AppError('PERSON_NOT_FOUND', 404);
    const nationalId = 'nationalId' in subject ? subject.nationalId.trim() : undefined;
    if (nationalId !== undefined && !isNationalId(nationalId)) throw new AppError('INVALID_NATIONAL_ID', 400);
    const phone = 'phone' in subject ? normalizePhone(subject.phone) : undefined;
    if ('phone' in subject && !phone) throw new AppError('INVALID_PHONE', 400);
    const found = await people.findOrRegister(
      actor,
      { nationalId, phone: phone ?? undefined, name: subject.name },
      staffUnit(actor),
      { via: 'vaccination' },
    );
    return found.id;
  }

  /**
   * The birth year and date a registration's subject brings: none in the future, and a date whose year is not the
   * year given beside it is a 400.
   */
  function birthOf(subject: Subject | undefined): { birthYear?: number; birthDate?: string } {
    const birthDate = subject?.birthDate;
    const year = subject?.birthYear ?? (birthDate ? Number(birthDate.slice(0, 4)) : undefined);
    if (year === undefined) return {};
    const today = localDate(new Date());
    const bad = (field: string) => new AppError('VALIDATION_FAILED', 400, { field: `subject.${field}` });
    if (birthDate !== undefined && (birthDate > today || Number(birthDate.slice(0, 4)) !== year))
      throw bad('birthDate');
    if (year > Number(today.slice(0, 4))) throw bad('birthYear');
    return { birthYear: year, ...(birthDate !== undefined ? { birthDate } : {}) };
  }

  /**
   * Completes a registered person's record with the birth year / date the registration brought, where the record has
   * none (a recorded value is never changed here: the people module's own pages change it). Written through the
   * people module: as the citizen themself (their own record or a dependant's), or — staff, who may register people
   * without the right to edit their records (vaccinators, hotline operators) — on the system's behalf, named after
   * them; only data the record lacks is added. Answers the fields filled.
   */
  async function completeBirth(
    actor: Actor,
    person: { id: string; birth_year: number | null; birth_date: string | null },
    birth: { birthYear?: number; birthDate?: string },
  ): Promise<string[]> {
    const year = person.birth_year ?? birth.birthYear ?? null;
    const fill = {
      ...(person.birth_year === null && birth.birthYear !== undefined ? { birthYear: birth.birthYear } : {}),
      // a date of another year than the recorded one is not this person's: left out, like a differing year
      ...(person.birth_date === null && birth.birthDate !== undefined && Number(birth.birthDate.slice(0, 4)) === year
        ? { birthDate: birth.birthDate }
        : {}),
    };
    if (Object.keys(fill).length === 0) return [];
    const writer: Actor = actor.kind === 'citizen' ? actor : { kind: 'system', name: `vaccination:${actorKey(actor)}` };
    await people.update(writer, person.id, fill);
    return Object.keys(fill);
  }

  function toDoseView(d: Awaited<ReturnType<VaccinationRepo['dosesOf']>>[number]): DoseView {
    return {
      id: d.id,
      product: d.product_code,
      productName: d.product_name,
      doseNumber: d.dose_number,
      givenAt: d.given_at.toISOString(),
      site: d.site_name ?? d.place,
      siteId: d.site_id,
      lot: d.lot_number,
      country: d.country,
      source: d.source,
      status: d.status,
      overridden: d.override_reason !== null,
    };
  }

  function toCorrectionView(c: Awaited<ReturnType<VaccinationRepo['correctionsOf']>>[number]): CorrectionView {
    return {
      id: c.id,
      doseId: c.dose_id,
      personId: c.person_id,
      personName: c.name,
      field: c.field as CorrectionField,
      oldValue: c.old_value,
      proposedValue: c.proposed_value,
      hasEvidence: c.evidence_id !== null,
      status: c.status,
      reason: c.reason,
      reasonNote: c.reason_note,
      siteName: c.site_name,
      createdAt: c.created_at.toISOString(),
    };
  }

  const valid = (doses: Awaited<ReturnType<VaccinationRepo['dosesOf']>>): PriorDose[] =>
    doses
      .filter((d) => d.status === 'valid')
      .map((d) => ({ productCode: d.product_code, doseNumber: d.dose_number, givenAt: d.given_at }));

  /** Re-reads a person's doses inside `trx` and returns the coverage key and valid history. */
  async function coverageState(trx: Transaction<DB>, personId: string) {
    const doses = await repo.dosesOf(personId, trx);
    const validRows = doses.filter((d) => d.status === 'valid');
    const first = validRows[0];
    return {
      doses,
      history: valid(doses),
      key: first && {
        communeCode: first.commune_code ?? '-',
        unitPath: first.unit_path,
        ageBand: first.age_band,
        priorityGroup: first.priority_group,
      },
    };
  }

  /**
   * A person's requests waiting for a decision (corrections and doses declared as given elsewhere, each with a photo
   * of up to 2 MB) are capped: a script cannot fill the database, and a real person never has this many open.
   * Counted under the person's lock.
   */
  async function refuseTooManyPending(trx: Transaction<DB>, personId: string) {
    if ((await repo.pendingRequests(trx, personId)) >= MAX_PENDING_REQUESTS) {
      throw new AppError(
        'VACCINATION_TOO_MANY_PENDING',
        409,
        { max: MAX_PENDING_REQUESTS },
        { max: MAX_PENDING_REQUESTS },
      );
    }
  }

  async function lockPerson(trx: Transaction<DB>, personId: string) {
    await sql`select pg_advisory_xact_lock(${PERSON_LOCK}, hashtext(${personId}))`.execute(trx);
  }

  /** Applies the coverage change of a write to a person's doses made in `trx` since `before` was read. */
  async function applyCoverage(
    trx: Transaction<DB>,
    personId: string,
    before: Awaited<ReturnType<typeof coverageState>>,
  ) {
    const after = await coverageState(trx, personId);
    await repo.addCoverage(trx, coverageDeltas(await products(trx), before, after));
  }

  async function priorityOf(personId: string, q?: Transaction<DB>) {
    return (await repo.priorityGroupOf(personId, q)) ?? 'general';
  }

  /**
   * A decision's reason: a code of the fixed list for the decision is kept as that code (`other` with the note, if
   * any); anything else — words, or a word that is not on the list, such as "verified" or a code of the other
   * decision's list — is kept as `other` with that text as its note (then the note after it). Only a blank reason is
   * refused (400 `VACCINATION_REASON_INVALID`, with the list): a caller that does not know the list is not turned away.
   */
  function decisionReason(body: { approve: boolean; reason: string; note?: string | undefined }) {
    const reasons: readonly string[] = body.approve ? APPROVE_REASONS : REJECT_REASONS;
    const reason = body.reason.trim();
    const note = body.note?.trim() || null;
    if (!reason) throw new AppError('VACCINATION_REASON_INVALID', 400, { allowed: reasons });
    if (reasons.includes(reason)) return { reason, note };
    return { reason: 'other', note: (note ? `${reason} — ${note}` : reason).slice(0, 500) };
  }

  /** Staff whose grant (of a reviewer role, or admin) is at district level or above and holds `path`. */
  function districtReviewer(actor: Actor, path: string | null): boolean {
    if (actor.kind === 'system') return true;
    if (actor.kind !== 'staff') return false;
    return grantsFor(actor, REVIEWER_ROLES).some(
      (g) => pathWithin(path, g.unitPath) && g.unitPath.split('.').filter(Boolean).length <= 2,
    );
  }

  async function record(actor: Actor, personId: string) {
    const person = await loadSubject(actor, personId, 'vaccination.read');
    const [doses, registration, corrections, map] = await Promise.all([
      repo.dosesOf(personId),
      repo.latestRegistration(personId),
      repo.correctionsOf(personId),
      products(),
    ]);
    const due = nextDue(map, valid(doses));
    await ctx.audit.record({
      actor,
      action: 'vaccination.read',
      resourceType: 'person',
      resourceId: personId,
      unitCode: person.unit_code,
    });
    return {
      personId,
      name: person.name,
      items: doses.filter((d) => d.status !== 'rejected').map(toDoseView),
      nextDue: due && {
        doseNumber: due.doseNumber,
        product: due.productCode,
        earliest: due.earliest.toISOString(),
        recommended: due.recommended.toISOString(),
        booster: due.booster,
      },
      registration: registration ? toRegistrationView(registration) : null,
      corrections: corrections.map(toCorrectionView),
    };
  }

  function statsScope(actor: Actor, unitPath: string | undefined): AccessScope {
    const scope = scopeOf(unitPolicy, actor, 'vaccination.stats');
    return unitPath ? narrowScope(scope, unitPath) : scope;
  }

  async function statsUnit(actor: Actor, unitCode: string | undefined): Promise<AccessScope> {
    if (!unitCode) return statsScope(actor, undefined);
    const unit = await repo.unitByCode(unitCode);
    authorize(unitPolicy, actor, 'vaccination.stats', unit && { unitPath: unit.path });
    return statsScope(actor, unit?.path);
  }

  function lotView(l: Awaited<ReturnType<VaccinationRepo['listLots']>>[number], today: string) {
    return {
      id: l.id,
      siteId: l.site_id,
      siteName: l.site_name,
      product: l.product_code,
      lotNumber: l.lot_number,
      expiresOn: l.expires_on,
      quantity: l.quantity,
      used: l.used,
      remaining: l.quantity - l.used,
      expired: l.expires_on < today,
    };
  }

  return {
    // ——— products, groups, checklist ———
    async listProducts() {
      return {
        items: [...(await products()).values()]
          .filter((p) => p.active)
          .map(({ active: _a, ...p }) => ({ ...p, mixWith: [...p.mixWith], boosterProducts: [...p.boosterProducts] })),
      };
    },

    async listPriorityGroups() {
      return {
        items: (await repo.priorityGroups()).map((g) => ({
          code: g.code,
          rank: g.rank,
          nameVi: g.name_vi,
          nameEn: g.name_en,
        })),
      };
    },

    async setPriorityGroup(
      actor: Actor,
      body: { code: string; rank: number; nameVi: string; nameEn: string; active?: boolean | undefined },
    ) {
      authorizeAt(unitPolicy, actor, 'vaccination.configure', { unitPath: null });
      await db.transaction().execute(async (trx) => {
        await repo.upsertPriorityGroup(trx, {
          code: body.code,
          rank: body.rank,
          name_vi: body.nameVi,
          name_en: body.nameEn,
          active: body.active ?? true,
        });
        await ctx.audit.append(trx, { actor, action: 'vaccination.configure', details: { priorityGroup: body.code } });
      });
      return { id: body.code };
    },

    async setCdcContact(actor: Actor, body: { districtCode: string; phone: string }) {
      const unit = await repo.unitByCode(body.districtCode);
      if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
      authorizeAt(unitPolicy, actor, 'vaccination.configure', { unitPath: unit.path });
      const phone = normalizePhone(body.phone);
      if (!phone) throw new AppError('INVALID_PHONE', 400);
      await db.transaction().execute(async (trx) => {
        await repo.setCdcPhone(trx, unit.code, phone);
        await ctx.audit.append(trx, {
          actor,
          action: 'vaccination.configure',
          unitCode: unit.code,
          details: { cdc: true },
        });
      });
    },

    async checklist() {
      const c = await repo.latestChecklist();
      if (!c) throw new AppError('NOT_FOUND', 404);
      return {
        version: c.version,
        questions: c.questions as { id: string; outcome: 'defer' | 'refer'; vi: string; en: string }[],
      };
    },

    // ——— registration ———
    async register(actor: Actor, body: RegistrationBody): Promise<{ id: string }> {
      // codes are lower-case snake case ('health_workers'): "Health workers" or "health-workers" names the same group
      const group = await repo.priorityGroup(
        body.priorityGroup
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_'),
      );
      if (!group?.active) throw new AppError('VACCINATION_PRIORITY_GROUP_UNKNOWN', 400);
      const birth = birthOf(body.subject);
      const personId = await resolveSubject(actor, body.subject);
      const person = await loadSubject(actor, personId, 'vaccination.register');
      if (body.siteId) {
        const site = await repo.siteById(body.siteId);
        if (!site) throw new AppError('VACCINATION_SITE_NOT_FOUND', 404);
      }
      // the data a dose needs, completed now (kept when the answer is 409: the person is registered already, and the
      // record is the more complete for it)
      const filled = await completeBirth(actor, person, birth);
      const hasPhone = person.phone !== null || (await repo.guardianPhone(personId)) !== null;
      return db.transaction().execute(async (trx) => {
        await lockPerson(trx, personId);
        const open = await repo.openRegistration(personId, trx);
        if (open) throw new AppError('VACCINATION_ALREADY_REGISTERED', 409, { id: open.id }, {}, { id: open.id });
        const { id } = await repo.createRegistration(trx, {
          person_id: personId,
          priority_group: group.code,
          priority_rank: group.rank,
          site_id: body.siteId ?? null,
          unit_code: person.unit_code,
          unit_path: person.unit_path,
          has_phone: hasPhone,
          registered_by: actorKey(actor),
        });
        await ctx.audit.append(trx, {
          actor,
          action: 'vaccination.register',
          resourceType: 'person',
          resourceId: personId,
          unitCode: person.unit_code,
          details: { registrationId: id, priorityGroup: group.code, ...(filled.length > 0 ? { filled } : {}) },
        });
        return { id };
      });
    },

    async listRegistrations(
      actor: Actor,
      query: {
        status?: string | undefined;
        sessionId?: string | undefined;
        withoutPhone?: boolean | undefined;
        limit?: number | undefined;
      },
    ) {
      const scope = scopeOf(subjectPolicy, actor, 'vaccination.read');
      const rows = await repo.listRegistrations(scope, { ...query, limit: query.limit ?? 100 });
      await ctx.audit.record({
        actor,
        action: 'vaccination.registrations.list',
        details: { count: rows.length, personIds: rows.map((r) => r.person_id) },
      });
      return { items: rows.map(toRegistrationView) };
    },

    // ——— planning ———
    async createSite(actor: Actor, body: { name: string; unitCode: string; address?: string | undefined }) {
      const unit = await repo.unitByCode(body.unitCode);
      if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
      authorizeAt(sitePolicy, actor, 'vaccination.plan', { unitPath: unit.path });
      return db.transaction().execute(async (trx) => {
        const { id } = await repo.createSite(trx, {
          name: body.name.trim(),
          unit_code: unit.code,
          unit_path: unit.path,
          address: body.address ?? null,
        });
        await ctx.audit.append(trx, {
          actor,
          action: 'vaccination.site.create',
          resourceType: 'vaccination_site',
          resourceId: id,
          unitCode: unit.code,
        });
        return { id };
      });
    },

    async listSites(actor: Actor) {
      const rows = await repo.listSites(scopeOf(sitePolicy, actor, 'vaccination.plan'));
      return {
        items: rows.map((s) => ({
          id: s.id,
          name: s.name,
          unitCode: s.unit_code,
          unitName: s.unit_name,
          address: s.address,
        })),
      };
    },

    async createLot(
      actor: Actor,
      body: { product: string; lotNumber: string; expiresOn: string; siteId: string; quantity: number },
    ) {
      await productOr400(body.product);
      const site = await loadSite(actor, body.siteId, 'vaccination.plan');
      const lotNumber = lotNumberOf(body.lotNumber);
      // a lot already past its expiry is recorded as it is (a delivery entered late, stock to account for): it shows
      // as expired and no dose is recorded from it (VACCINATION_LOT_EXPIRED at the dose)
      const expired = body.expiresOn < localDate(new Date());
      return db.transaction().execute(async (trx) => {
        const existing = await repo.lotAtSite(trx, site.id, lotNumber);
        if (existing) throw new AppError('ALREADY_EXISTS', 409, undefined, {}, { id: existing.id });
        const { id } = await repo.createLot(trx, {
          site_id: site.id,
          product_code: body.product,
          lot_number: lotNumber,
          expires_on: body.expiresOn,
          quantity: body.quantity,
        });
        await ctx.audit.append(trx, {
          actor,
          action: 'vaccination.lot.create',
          resourceType: 'vaccine_lot',
          resourceId: id,
          unitCode: site.unit_code,
          ...(expired ? { details: { expired: true } } : {}),
        });
        return { id, expired };
      });
    },

    async listLots(actor: Actor, siteId: string | undefined) {
      const rows = await repo.listLots(scopeOf(sitePolicy, actor, 'vaccination.plan'), siteId);
      const today = localDate(new Date());
      return { items: rows.map((l) => lotView(l, today)) };
    },

    async createSession(actor: Actor, body: { siteId: string; day: string; capacity: number; product: string }) {
      await productOr400(body.product);
      const site = await loadSite(actor, body.siteId, 'vaccination.plan');
      return db.transaction().execute(async (trx) => {
        const { id } = await repo.createSession(trx, {
          site_id: site.id,
          day: body.day,
          capacity: body.capacity,
          product_code: body.product,
        });
        await ctx.audit.append(trx, {
          actor,
          action: 'vaccination.session.create',
          resourceType: 'vaccination_session',
          resourceId: id,
          unitCode: site.unit_code,
        });
        return { id };
      });
    },

    async listSessions(actor: Actor, query: { siteId?: string | undefined; day?: string | undefined }) {
      const rows = await repo.listSessions(scopeOf(sitePolicy, actor, 'vaccination.plan'), query);
      return {
        items: rows.map((s) => ({
          id: s.id,
          siteId: s.site_id,
          siteName: s.site_name,
          day: s.day,
          capacity: s.capacity,
          product: s.product_code,
          invited: Number(s.invited),
          vaccinated: Number(s.vaccinated),
        })),
      };
    },

    /**
     * Invites waiting registrations to a session, by priority then registration time, up to its free capacity: an
     * SMS through the outbox to the person's phone (or a guardian's); people without one are returned (and listed
     * by `GET /vaccination/registrations?withoutPhone=true&status=invited`) for the commune to call.
     */
    async invite(actor: Actor, sessionId: string) {
      const session = await repo.sessionById(sessionId);
      authorize(sitePolicy, actor, 'vaccination.plan', session && { unitPath: session.unit_path });
      if (!session) throw new AppError('VACCINATION_SESSION_NOT_FOUND', 404);
      return db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(7231014, hashtext(${sessionId}))`.execute(trx);
        const room = session.capacity - (await repo.countInvited(trx, sessionId));
        // registrations for this site, and those without a preferred site from the site's district that lie in the
        // planner's reach (the invitation shows them their names)
        const district = `${session.unit_path.split('.').filter(Boolean).slice(0, 2).join('.')}.`;
        const reach = scopeOf(sitePolicy, actor, 'vaccination.plan');
        const rows =
          room > 0 ? await repo.waitingFor(trx, { id: session.site_id, unitPath: district }, reach, room) : [];
        await repo.inviteRegistrations(
          trx,
          rows.map((r) => r.id),
          sessionId,
        );
        const text = smsText(
          `Truyvet: moi ban tiem vac xin COVID-19 ngay ${session.day} tai ${session.site_name}. Mang CCCD hoac ma QR ca nhan.`,
        );
        let messaged = 0;
        const withoutPhone: RegistrationView[] = [];
        for (const r of rows) {
          const phone = r.phone ?? (await repo.guardianPhone(r.person_id, trx));
          if (phone) {
            await ctx.notifier.enqueue(trx, { channel: 'sms', to: phone, text });
            messaged++;
          } else {
            withoutPhone.push({
              id: r.id,
              personId: r.person_id,
              name: r.name,
              priorityGroup: r.priority_group,
              status: 'invited',
              siteId: session.site_id,
              sessionId,
              sessionDay: session.day,
              siteName: session.site_name,
              hasPhone: false,
              createdAt: new Date().toISOString(),
            });
          }
        }
        await ctx.audit.append(trx, {
          actor,
          action: 'vaccination.invite',
          resourceType: 'vaccination_session',
          resourceId: sessionId,
          details: { count: rows.length, messaged, personIds: rows.map((r) => r.person_id) },
        });
        return { invited: rows.length, messaged, withoutPhone };
      });
    },

    // ——— at the site ———
    /** Finds the person at the site's desk by their signed personal QR or national ID; their record and today's screening. */
    async checkIn(actor: Actor, body: { siteId: string; qr?: string | undefined; nationalId?: string | undefined }) {
      await loadSite(actor, body.siteId, 'vaccination.record');
      let personId: string | undefined;
      if (body.qr) {
        const parsed = parsePersonQr(body.qr);
        if (!parsed || !(await verifyPersonQrSignature(ctx.keys, parsed))) throw new AppError('PERSON_QR_INVALID', 400);
        personId = parsed.personId;
      } else if (body.nationalId) {
        if (!isNationalId(body.nationalId.trim())) throw new AppError('INVALID_NATIONAL_ID', 400);
        personId = await repo.personIdByNationalId(body.nationalId.trim());
      } else throw new AppError('VALIDATION_FAILED', 400, { field: 'qr' });
      if (!personId) {
        authorize(subjectPolicy, actor, 'vaccination.record', undefined);
        throw new AppError('PERSON_NOT_FOUND', 404);
      }
      const person = await loadSubject(actor, personId, 'vaccination.record');
      const birthYear = effectiveBirthYear(person, new Date());
      const missing = [
        ...(person.name.trim() ? [] : ['name']),
        ...(birthYear === null ? ['birthYear'] : []),
        ...(person.unit_code === null ? ['unit'] : []),
      ];
      const screening = await repo.latestScreening(personId, new Date(Date.now() - DAY_MS));
      return {
        person: { id: person.id, name: person.name, birthYear, unitName: person.unit_name },
        missing,
        record: await record(actor, personId),
        screening: screening
          ? { id: screening.id, outcome: screening.outcome, at: screening.created_at.toISOString() }
          : null,
      };
    },

    async screen(
      actor: Actor,
      body: { personId: string; siteId: string; checklistVersion: number; answers: Record<string, boolean> },
    ) {
      const site = await loadSite(actor, body.siteId, 'vaccination.record');
      const person = await loadSubject(actor, body.personId, 'vaccination.record');
      const latest = await repo.latestChecklist();
      if (!latest || latest.version !== body.checklistVersion)
        throw new AppError('VACCINATION_CHECKLIST_OUTDATED', 409);
      const questions = latest.questions as { id: string; outcome: 'defer' | 'refer' }[];
      const unknown = Object.keys(body.answers).filter((k) => !questions.some((q) => q.id === k));
      const unanswered = questions.filter((q) => body.answers[q.id] === undefined).map((q) => q.id);
      if (unknown.length > 0 || unanswered.length > 0) {
        throw new AppError('VALIDATION_FAILED', 400, { unknown, unanswered });
      }
      const outcome = screeningOutcome(questions, body.answers);
      return db.transaction().execute(async (trx) => {
        const { id } = await repo.createScreening(trx, {
          person_id: person.id,
          site_id: site.id,
          checklist_version: latest.version,
          answers: JSON.stringify(body.answers),
          outcome,
          recorded_by: actorKey(actor),
        });
        await ctx.audit.append(trx, {
          actor,
          action: 'vaccination.screen',
          resourceType: 'person',
          resourceId: person.id,
          unitCode: person.unit_code,
          details: { screeningId: id, outcome },
        });
        return { id, outcome };
      });
    },

    /**
     * Records a dose given now (or earlier today at the site) — see the file comment. Refusals: unknown product 400,
     * unknown lot 400, future time 400, site or person out of reach 404, missing required data 422, and the rules
     * (422): dose number, interval, mix, age, screening — a doctor overrides the last four with a reason — and the
     * lot's site, product, expiry and stock (never overridden). `Idempotency-Key` replays the first answer.
     */
    async recordDose(
      actor: Actor,
      body: DoseBody,
      idempotencyKey: string | undefined,
    ): Promise<{ status: number; body: DoseCreated; replayed: boolean }> {
      const givenAt = new Date(body.givenAt);
      if (givenAt.getTime() > Date.now() + FUTURE_SKEW_MS) throw new AppError('VACCINATION_GIVEN_AT_FUTURE', 400);
      const map = await products();
      const product = map.get(body.product);
      if (!product) throw new AppError('VACCINATION_PRODUCT_UNKNOWN', 400, { product: body.product });
      // the site and the person are looked up at once, in one query with the other requests of the same turn (repo.ts)
      const nid = 'nationalId' in body.person ? body.person.nationalId.trim() : undefined;
      if (nid !== undefined && !isNationalId(nid)) throw new AppError('INVALID_NATIONAL_ID', 400);
      const [site, found] = await Promise.all([
        repo.siteBatched(body.siteId),
        'personId' in body.person
          ? repo.personBatched(body.person.personId)
          : repo.personIdByNationalId(nid as string).then((id) => (id ? repo.personBatched(id) : undefined)),
      ]);
      authorize(sitePolicy, actor, 'vaccination.record', site && { unitPath: site.unit_path });
      if (!site) throw new AppError('VACCINATION_SITE_NOT_FOUND', 404);
      if (!found) {
        authorize(subjectPolicy, actor, 'vaccination.record', undefined);
        throw new AppError('PERSON_NOT_FOUND', 404);
      }
      // staff: the person as looked up (a citizen, never allowed to record, goes the way that checks guardianship)
      const person = actor.kind === 'citizen' ? await loadSubject(actor, found.id, 'vaccination.record') : found;
      if (actor.kind !== 'citizen')
        authorize(subjectPolicy, actor, 'vaccination.record', {
          personId: person.id,
          unitPath: person.unit_path,
          guardianIds: [],
        });
      // the birth year recorded, else the one the national ID says (rules.ts `birthYearFromNationalId`)
      const birthYear = effectiveBirthYear(person, new Date());
      const missing = [
        ...(person.name.trim() ? [] : ['name']),
        ...(birthYear === null ? ['birthYear'] : []),
        ...(person.unit_code === null ? ['unit'] : []),
      ];
      if (missing.length > 0) throw new AppError('VACCINATION_PERSON_DATA_MISSING', 422, { missing });
      const mayOverride = can(sitePolicy, actor, 'vaccination.override', { unitPath: site.unit_path });
      if (body.override && !mayOverride) throw new AppError('FORBIDDEN', 403);
      const scope = `vaccination.dose:${actorKey(actor)}`;
      // the lot, the person's history, the rules, the stock and the key are decided by the dose writer, with the
      // doses that arrive meanwhile, in one transaction (writer.ts)
      return doseWriter.submit({
        actor,
        actorKey: actorKey(actor),
        idempotency: idempotencyKey
          ? { scope, key: idempotencyKey, hash: requestHash('POST /vaccination/doses', body) }
          : undefined,
        person: {
          id: person.id,
          birthYear,
          unitCode: person.unit_code,
          unitPath: person.unit_path,
        },
        site: { id: site.id },
        product,
        // as lots are stored (lotNumberOf): "LOT 42" names the lot created as " LOT 42 "
        lotNumber: lotNumberOf(body.lot),
        doseNumber: body.doseNumber,
        givenAt,
        screeningId: body.screeningId,
        overrideReason: body.override?.reason,
        route: routeOf(actor),
      });
    },

    /** Voids a dose recorded in error (a doctor of the site's area): it stays, marked, and stops counting. */
    async voidDose(actor: Actor, doseId: string, reason: (typeof VOID_REASONS)[number]) {
      const dose = await repo.doseById(doseId);
      authorize(dosePolicy, actor, 'vaccination.void', dose && { unitPath: dose.site_path ?? dose.unit_path });
      if (!dose) throw new AppError('VACCINATION_DOSE_NOT_FOUND', 404);
      return db.transaction().execute(async (trx) => {
        await lockPerson(trx, dose.person_id);
        const current = await repo.doseById(doseId, trx);
        if (current?.status !== 'valid') throw new AppError('VACCINATION_DOSE_NOT_VALID', 409);
        const before = await coverageState(trx, dose.person_id);
        await repo.updateDose(trx, doseId, { status: 'voided', status_reason: reason, decided_by: actorKey(actor) });
        if (dose.lot_id) await repo.useLot(trx, dose.lot_id, -1);
        await applyCoverage(trx, dose.person_id, before);
        await ctx.audit.append(trx, {
          actor,
          action: 'vaccination.dose.void',
          resourceType: 'person',
          resourceId: dose.person_id,
          details: { doseId, reason },
        });
        await ctx.jobs.enqueue(trx, RECORD_CHANGED, { personId: dose.person_id, doseId, change: 'revoked' });
        return { id: doseId, status: 'voided' };
      });
    },

    /** An adverse event after a dose; a serious one is told to the district CDC (SMS through the outbox). */
    async reportAefi(
      actor: Actor,
      body: {
        doseId: string;
        severity: 'mild' | 'moderate' | 'serious';
        symptoms: string[];
        onsetAt?: string | undefined;
        notes?: string | undefined;
      },
    ) {
      const dose = await repo.doseById(body.doseId);
      const where = dose?.site_path ?? dose?.unit_path ?? null;
      authorize(dosePolicy, actor, 'vaccination.record', dose && { unitPath: where });
      if (!dose || !where) throw new AppError('VACCINATION_DOSE_NOT_FOUND', 404);
      const onsetAt = body.onsetAt ? new Date(body.onsetAt) : new Date();
      if (onsetAt.getTime() > Date.now() + FUTURE_SKEW_MS)
        throw new AppError('VALIDATION_FAILED', 400, { field: 'onsetAt' });
      return db.transaction().execute(async (trx) => {
        const { id } = await repo.createAefi(trx, {
          dose_id: dose.id,
          person_id: dose.person_id,
          severity: body.severity,
          symptoms: body.symptoms,
          onset_at: onsetAt,
          notes: body.notes ?? null,
          unit_path: where,
          reported_by: actorKey(actor),
        });
        let notified = false;
        if (body.severity === 'serious') {
          const district = where.split('.').filter(Boolean)[1];
          const phone = district ? await repo.cdcPhone(district, trx) : undefined;
          if (phone) {
            await ctx.notifier.enqueue(trx, {
              channel: 'sms',
              to: phone,
              text: smsText(
                `Truyvet: phan ung nang sau tiem (${body.symptoms.join(', ')}) tai ${dose.site_name ?? 'diem tiem'}, ma ${id.slice(0, 8)}. Kiem tra ngay.`,
              ),
            });
            notified = true;
          }
        }
        await ctx.audit.append(trx, {
          actor,
          action: 'vaccination.aefi.report',
          resourceType: 'person',
          resourceId: dose.person_id,
          details: { aefiId: id, doseId: dose.id, severity: body.severity, cdcNotified: notified },
        });
        return { id };
      });
    },

    async listAefi(actor: Actor, severity: string | undefined) {
      const rows = await repo.listAefi(scopeOf(dosePolicy, actor, 'vaccination.read'), severity);
      await ctx.audit.record({
        actor,
        action: 'vaccination.aefi.list',
        details: { count: rows.length, personIds: rows.map((r) => r.person_id) },
      });
      return {
        items: rows.map((a) => ({
          id: a.id,
          doseId: a.dose_id,
          personId: a.person_id,
          personName: a.name,
          severity: a.severity,
          symptoms: a.symptoms,
          onsetAt: a.onset_at.toISOString(),
          product: a.product_code,
          createdAt: a.created_at.toISOString(),
        })),
      };
    },

    // ——— the citizen's and staff's view of a record ———
    record,

    async myRecord(actor: CitizenActor, personId: string | undefined) {
      return record(actor, personId ?? actor.personId);
    },

    // ——— corrections ———
    /** A citizen asks to correct one field of their (or a dependant's) dose, with an optional photo of the card. */
    async requestCorrection(actor: Actor, body: CorrectionBody) {
      // the person or a guardian asks, never staff (an admin's grants would pass the policy: the asker must not be
      // the one who decides)
      if (actor.kind !== 'citizen' || !mayEver(subjectPolicy, actor, 'vaccination.request')) {
        throw new AppError('FORBIDDEN', 403);
      }
      const dose = await repo.doseById(body.doseId);
      const subject = dose ? (await subjectResource(actor, dose.person_id)).resource : undefined;
      if (!dose || !subject || !can(subjectPolicy, actor, 'vaccination.request', subject)) {
        throw new AppError('VACCINATION_DOSE_NOT_FOUND', 404);
      }
      if (dose.status !== 'valid') throw new AppError('VACCINATION_DOSE_NOT_VALID', 409);
      const { value: proposed } = await checkProposedValue(body.field, body.proposedValue, dose.site_id);
      const evidence = body.evidence ? decodeEvidence(body.evidence) : undefined;
      const oldValue = currentValue(dose, body.field);
      return db.transaction().execute(async (trx) => {
        await lockPerson(trx, dose.person_id);
        await refuseTooManyPending(trx, dose.person_id);
        const evidenceId = evidence
          ? (
              await repo.createEvidence(trx, {
                person_id: dose.person_id,
                content_type: evidence.contentType,
                bytes: evidence.bytes,
                uploaded_by: actorKey(actor),
              })
            ).id
          : null;
        const { id } = await repo.createCorrection(trx, {
          dose_id: dose.id,
          person_id: dose.person_id,
          field: body.field,
          old_value: oldValue,
          proposed_value: proposed,
          evidence_id: evidenceId,
          site_path: dose.site_path ?? dose.unit_path ?? '',
          requested_by: actorKey(actor),
        });
        await ctx.audit.append(trx, {
          actor,
          action: 'vaccination.correction.request',
          resourceType: 'person',
          resourceId: dose.person_id,
          details: { correctionId: id, doseId: dose.id, field: body.field, evidence: evidenceId !== null },
        });
        return { id, status: 'pending' as const };
      });
    },

    async listCorrections(actor: Actor, status: string | undefined) {
      const rows = await repo.listCorrections(
        scopeOf(correctionPolicy, actor, 'vaccination.review'),
        status ?? 'pending',
      );
      await ctx.audit.record({
        actor,
        action: 'vaccination.corrections.list',
        details: { count: rows.length, personIds: rows.map((r) => r.person_id) },
      });
      return { items: rows.map(toCorrectionView) };
    },

    /** The photo of a correction: for its reviewers, and for the person or guardian who sent it. */
    async correctionEvidence(actor: Actor, correctionId: string) {
      const c = await repo.correctionById(correctionId);
      if (actor.kind === 'citizen') {
        const subject = c ? (await subjectResource(actor, c.person_id)).resource : undefined;
        if (!c || !subject || !can(subjectPolicy, actor, 'vaccination.request', subject)) {
          throw new AppError('VACCINATION_CORRECTION_NOT_FOUND', 404);
        }
      } else authorize(correctionPolicy, actor, 'vaccination.review', c && { unitPath: c.site_path });
      const e = c?.evidence_id ? await repo.evidenceById(c.evidence_id) : undefined;
      if (!c || !e) throw new AppError('NOT_FOUND', 404);
      await ctx.audit.record({
        actor,
        action: 'vaccination.evidence.read',
        resourceType: 'person',
        resourceId: c.person_id,
        details: { correctionId },
      });
      return { contentType: e.content_type, bytes: e.bytes };
    },

    /**
     * District staff of the dose's site approve (the dose takes the proposed value; the old one stays on the
     * request; counters follow; `corrected` event) or reject, with a reason from the fixed lists.
     */
    async decideCorrection(
      actor: Actor,
      correctionId: string,
      body: { approve: boolean; reason: string; note?: string | undefined },
    ) {
      const c = await repo.correctionById(correctionId);
      authorize(correctionPolicy, actor, 'vaccination.review', c && { unitPath: c.site_path });
      if (!c) throw new AppError('VACCINATION_CORRECTION_NOT_FOUND', 404);
      if (!districtReviewer(actor, c.site_path) && !isAdminFor(actor, c.site_path)) {
        throw new AppError('VACCINATION_NOT_DISTRICT', 403);
      }
      const { reason, note } = decisionReason(body);
      if (c.requested_by === actorKey(actor)) throw new AppError('VACCINATION_OWN_REQUEST', 403);
      return db.transaction().execute(async (trx) => {
        await lockPerson(trx, c.person_id);
        const dose = await repo.doseById(c.dose_id, trx);
        if (!dose) throw new AppError('VACCINATION_DOSE_NOT_FOUND', 404);
        let oldValue: string | null | undefined;
        let applied: Record<string, string> = {};
        if (body.approve) {
          if (dose.status !== 'valid') throw new AppError('VACCINATION_DOSE_NOT_VALID', 409);
          oldValue = currentValue(dose, c.field as CorrectionField);
          const before = await coverageState(trx, c.person_id);
          const person = await repo.personById(c.person_id, trx);
          const ruleProblems = async (doses: DoseRows) =>
            historyProblems(await products(trx), doses, person ? effectiveBirthYear(person, new Date()) : null);
          const problemsBefore = await ruleProblems(before.doses);
          applied = await applyField(trx, actor, dose, c.field as CorrectionField, c.proposed_value);
          // the corrected record must keep to the rules a new dose is held to: a correction may not introduce a
          // problem (a dose number out of order, an interval too short, a mix not allowed) that was not there
          // before (one a doctor overrode when the dose was given stays)
          const introduced = [...(await ruleProblems(await repo.dosesOf(c.person_id, trx)))].filter(
            (p) => !problemsBefore.has(p),
          );
          if (introduced.length > 0) {
            const rules = [...new Set(introduced.map((p) => p.slice(p.indexOf(':') + 1)))];
            throw new AppError('VACCINATION_CORRECTION_BREAKS_RULES', 422, { rules });
          }
          await applyCoverage(trx, c.person_id, before);
        }
        const decided = await repo.decideCorrection(trx, correctionId, {
          status: body.approve ? 'approved' : 'rejected',
          reason,
          reason_note: note,
          decided_by: actorKey(actor),
          ...(oldValue !== undefined ? { old_value: oldValue } : {}),
        });
        if (Number(decided.numUpdatedRows) !== 1) throw new AppError('VACCINATION_ALREADY_DECIDED', 409);
        await ctx.audit.append(trx, {
          actor,
          action: 'vaccination.correction.decide',
          resourceType: 'person',
          resourceId: c.person_id,
          details: { correctionId, doseId: c.dose_id, field: c.field, approve: body.approve, reason, ...applied },
        });
        if (body.approve) {
          await ctx.jobs.enqueue(trx, RECORD_CHANGED, {
            personId: c.person_id,
            doseId: c.dose_id,
            change: 'corrected',
          });
        }
        return { id: correctionId, status: body.approve ? 'approved' : 'rejected' };
      });
    },

    // ——— doses given elsewhere ———
    /** A citizen declares a dose given in another province or abroad, with a photo; pending until verified. */
    async declareDose(
      actor: Actor,
      body: {
        personId?: string | undefined;
        product: string;
        doseNumber: number;
        givenAt: string;
        country: string;
        place: string;
        evidence: string;
      },
    ) {
      if (actor.kind !== 'citizen' || !mayEver(subjectPolicy, actor, 'vaccination.request')) {
        throw new AppError('FORBIDDEN', 403);
      }
      const country = body.country.toUpperCase();
      if (!/^[A-Z]{2}$/.test(country)) throw new AppError('VALIDATION_FAILED', 400, { field: 'country' });
      const personId = body.personId ?? (actor.kind === 'citizen' ? actor.personId : '');
      const person = await loadSubject(actor, personId, 'vaccination.request');
      await productOr400(body.product);
      const givenAt = new Date(body.givenAt);
      if (givenAt.getTime() > Date.now() + FUTURE_SKEW_MS) throw new AppError('VACCINATION_GIVEN_AT_FUTURE', 400);
      const evidence = decodeEvidence(body.evidence);
      return db.transaction().execute(async (trx) => {
        await lockPerson(trx, person.id);
        await refuseTooManyPending(trx, person.id);
        const { id: evidenceId } = await repo.createEvidence(trx, {
          person_id: person.id,
          content_type: evidence.contentType,
          bytes: evidence.bytes,
          uploaded_by: actorKey(actor),
        });
        const place = communeOf(person.unit_path);
        const { id } = await repo.insertDose(trx, {
          person_id: person.id,
          product_code: body.product,
          lot_id: null,
          lot_number: null,
          dose_number: body.doseNumber,
          site_id: null,
          given_at: givenAt,
          country,
          place: body.place.trim(),
          source: 'declared',
          status: 'pending',
          commune_code: place.code,
          unit_path: person.unit_path,
          age_band: ageBand(effectiveBirthYear(person, new Date()), givenAt),
          priority_group: await priorityOf(person.id, trx),
          screening_id: null,
          evidence_id: evidenceId,
          recorded_by: actorKey(actor),
          override_reason: null,
        });
        await ctx.audit.append(trx, {
          actor,
          action: 'vaccination.dose.declare',
          resourceType: 'person',
          resourceId: person.id,
          unitCode: person.unit_code,
          details: { doseId: id },
        });
        return { id, status: 'pending' as const };
      });
    },

    async listDeclared(actor: Actor) {
      const rows = await repo.pendingDeclared(scopeOf(correctionPolicy, actor, 'vaccination.review'));
      await ctx.audit.record({
        actor,
        action: 'vaccination.declared.list',
        details: { count: rows.length, personIds: rows.map((r) => r.person_id) },
      });
      return {
        items: rows.map((d) => ({
          id: d.id,
          personId: d.person_id,
          personName: d.name,
          product: d.product_code,
          doseNumber: d.dose_number,
          givenAt: d.given_at.toISOString(),
          country: d.country,
          place: d.place,
          status: d.status,
        })),
      };
    },

    /** Staff of the person's area verify (it counts from now: `recorded` event) or reject a declared dose. */
    async decideDeclared(
      actor: Actor,
      doseId: string,
      body: { approve: boolean; reason: string; note?: string | undefined },
    ) {
      const dose = await repo.doseById(doseId);
      authorize(
        correctionPolicy,
        actor,
        'vaccination.review',
        dose && dose.source === 'declared' ? { unitPath: dose.unit_path } : undefined,
      );
      if (!dose) throw new AppError('VACCINATION_DOSE_NOT_FOUND', 404);
      const { reason, note } = decisionReason(body);
      if (dose.recorded_by === actorKey(actor)) throw new AppError('VACCINATION_OWN_REQUEST', 403);
      return db.transaction().execute(async (trx) => {
        await lockPerson(trx, dose.person_id);
        const current = await repo.doseById(doseId, trx);
        if (current?.status !== 'pending') throw new AppError('VACCINATION_ALREADY_DECIDED', 409);
        const before = await coverageState(trx, dose.person_id);
        await repo.updateDose(trx, doseId, {
          status: body.approve ? 'valid' : 'rejected',
          status_reason: reason,
          status_note: note,
          decided_by: actorKey(actor),
        });
        if (body.approve) await applyCoverage(trx, dose.person_id, before);
        await ctx.audit.append(trx, {
          actor,
          action: 'vaccination.declared.decide',
          resourceType: 'person',
          resourceId: dose.person_id,
          details: { doseId, approve: body.approve, reason },
        });
        if (body.approve)
          await ctx.jobs.enqueue(trx, RECORD_CHANGED, { personId: dose.person_id, doseId, change: 'recorded' });
        return { id: doseId, status: body.approve ? 'valid' : 'rejected' };
      });
    },

    // ——— statistics ———
    /** Per-commune coverage for the risk map: share of 50+ fully vaccinated, share of adults with ≥ 1 dose. */
    async coverage(actor: Actor, unitCode: string | undefined) {
      const scope = await statsUnit(actor, unitCode);
      const { rows } = await repo.coverageByCommune(scope);
      return { items: rows.map(toCommuneCoverage) };
    },

    async stats(actor: Actor, query: StatsQuery) {
      const scope = await statsUnit(actor, query.unitCode);
      const today = localDate(new Date());
      const to = query.to ?? today;
      const from = query.from ?? localDate(new Date(Date.now() - 29 * DAY_MS));
      if (from > to) throw new AppError('VALIDATION_FAILED', 400, { field: 'from' });
      // doses per day are counted from the doses (given_at's index): a year at a time, not two centuries per request
      if (Date.parse(to) - Date.parse(from) > MAX_STATS_DAYS * DAY_MS) {
        throw new AppError('VALIDATION_FAILED', 400, { field: 'from', reason: `at most ${MAX_STATS_DAYS} days` });
      }
      const lotScope = scopeOf(unitPolicy, actor, 'vaccination.stats');
      const [communes, bands, groups, pop, days, byDose, regs, aefi, lots] = await Promise.all([
        repo.coverageByCommune(scope),
        repo.coverageBy(scope, 'age_band'),
        repo.coverageBy(scope, 'priority_group'),
        repo.populationByBand(scope),
        repo.dosesPerDay(scope, from, to),
        repo.dosesByNumber(scope, from, to),
        repo.registrationCounts(scope),
        repo.aefiCounts(scope, from, to),
        repo.listLots(lotScope),
      ]);
      const sum = (k: 'dose1' | 'full' | 'booster' | 'doses') => bands.rows.reduce((a, r) => a + Number(r[k]), 0);
      const counts = (r: { key: string; dose1: number; full: number; booster: number; doses: number }, people = 0) => ({
        key: r.key,
        people,
        dose1: Number(r.dose1),
        full: Number(r.full),
        booster: Number(r.booster),
        doses: Number(r.doses),
      });
      return {
        from,
        to,
        totals: {
          doses: sum('doses'),
          dose1: sum('dose1'),
          full: sum('full'),
          booster: sum('booster'),
          waiting: regs.waiting,
          invited: regs.invited,
          aefiMild: aefi.mild,
          aefiModerate: aefi.moderate,
          aefiSerious: aefi.serious,
        },
        communes: communes.rows.map(toCommuneCoverage),
        ageBands: bands.rows.map((r) => counts(r, Number(pop.rows.find((p) => p.key === r.key)?.people ?? 0))),
        priorityGroups: groups.rows.map((r) => counts(r)),
        byDose: byDose.rows.map((r) => ({ doseNumber: r.dose_number, doses: Number(r.doses) })),
        days: days.rows.map((r) => ({ day: r.day, doses: Number(r.doses) })),
        lots: lots.map((l) => lotView(l, today)),
      };
    },

    /** Recounts the coverage denominators (residents per commune and age band); the hourly job and the seed run it. */
    async refreshPopulation() {
      await repo.refreshPopulation(db);
    },

    /**
     * The green pass's read (issue 17), on the system's behalf: the person's valid doses in order of `givenAt`,
     * with the product's EU DCC codes. The caller authorizes its own reader; nothing personal beyond the doses.
     */
    async dosesForCertificate(personId: string): Promise<CertificateDose[]> {
      systemScope('green pass: a person’s valid doses, for the certificate the person or their guardian asked for');
      const rows = await repo.certificateDoses(personId);
      return rows.map((d) => ({
        id: d.id,
        productCode: d.product_code,
        euProductCode: d.eu_product_code,
        euManufacturerCode: d.eu_manufacturer_code,
        euProphylaxisCode: d.eu_prophylaxis_code,
        doseNumber: d.dose_number,
        dosesInPrimarySeries: d.doses_in_primary_series,
        givenAt: d.given_at,
        country: d.country,
        siteName: d.site_name ?? d.place,
      }));
    },
  };

  function isAdminFor(actor: Actor, path: string): boolean {
    return actor.kind === 'staff' && actor.grants.some((g) => g.role === 'admin' && pathWithin(path, g.unitPath));
  }

  function currentValue(
    dose: {
      product_code: string;
      lot_number: string | null;
      given_at: Date;
      dose_number: number;
      site_id: string | null;
    },
    field: CorrectionField,
  ): string | null {
    switch (field) {
      case 'product':
        return dose.product_code;
      case 'lot':
        return dose.lot_number;
      case 'givenAt':
        return dose.given_at.toISOString();
      case 'doseNumber':
        return String(dose.dose_number);
      case 'siteId':
        return dose.site_id;
    }
  }

  /**
   * The instant a correction's `givenAt` stands for: a timestamp as written, or a date alone (`2026-11-06`) — that day
   * in Asia/Ho_Chi_Minh, at noon (so the day is the same in UTC; now, for today before noon). Undefined for anything
   * else, a time in the future or before 2020.
   */
  function proposedGivenAt(value: string): Date | undefined {
    let t: number;
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const noon = Date.parse(`${value}T12:00:00+07:00`);
      // a date that is not one (2026-02-30) does not come back as itself
      if (Number.isNaN(noon) || localDate(new Date(noon)) !== value || value > localDate(new Date())) return undefined;
      t = Math.min(noon, Date.now());
    } else {
      t = Date.parse(value);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(t) || t > Date.now()) return undefined;
    }
    return t < Date.parse('2020-01-01') ? undefined : new Date(t);
  }

  /**
   * The proposed value must be one the field can hold: a product, a lot at the dose's site, a past time or day, 1–10
   * (a number or its text), a site. Answers the value as kept on the request (trimmed; a lot number as lots are
   * stored) and the lot, site or instant it read, so applying the value does not read it again.
   */
  async function checkProposedValue(
    field: CorrectionField,
    input: string | number,
    siteId: string | null,
    q?: Transaction<DB>,
  ): Promise<{ value: string; lot?: LotRow; site?: SiteRow; at?: Date }> {
    const bad = () => new AppError('VACCINATION_CORRECTION_VALUE_INVALID', 400, { field });
    const value = String(input).trim();
    switch (field) {
      case 'product':
        if (!(await products(q)).has(value)) throw bad();
        return { value };
      case 'lot': {
        const number = lotNumberOf(value);
        const lot = siteId ? await repo.lotAtSite(q ?? db, siteId, number) : undefined;
        if (!lot) throw bad();
        return { value: number, lot };
      }
      case 'givenAt': {
        const at = proposedGivenAt(value);
        if (!at) throw bad();
        return { value, at };
      }
      case 'doseNumber':
        if (!/^(10|[1-9])$/.test(value)) throw bad();
        return { value };
      case 'siteId': {
        const site = isUuid(value) ? await repo.siteById(value, q) : undefined;
        if (!site) throw bad();
        return { value, site };
      }
    }
  }

  /**
   * Applies an approved correction to the dose, keeping the record whole: a lot is the dose's site's and sets the
   * dose's product (a lot holds one product), not expired on the dose's day, and takes one from its stock (the old
   * lot gets it back); a product that the dose's lot does not hold clears the dose's lot (the lot was as wrong as the
   * product: it gets its dose back, and stays on record as the audit entry's `clearedLot` and `clearedLotId`); a date
   * after the lot's expiry is refused; another site must lie in the reviewer's district and hold a lot of the same
   * number (the dose moves to it). The rules over the whole history are checked by the caller. Answers what the audit
   * entry adds.
   */
  async function applyField(
    trx: Transaction<DB>,
    actor: Actor,
    dose: { id: string; site_id: string | null; lot_id: string | null; lot_number: string | null; given_at: Date },
    field: CorrectionField,
    value: string,
  ): Promise<Record<string, string>> {
    const checked = await checkProposedValue(field, value, dose.site_id, trx);
    const inconsistent = (rule: string) => new AppError('VACCINATION_CORRECTION_BREAKS_RULES', 422, { rules: [rule] });
    const currentLot = () => (dose.lot_id ? repo.lotById(trx, dose.lot_id) : Promise.resolve(undefined));
    const expiredOn = (lot: { expires_on: string }, at: Date) => lot.expires_on < localDate(at);
    switch (field) {
      case 'product': {
        const lot = await currentLot();
        if (lot && lot.product_code !== checked.value) {
          await repo.useLot(trx, lot.id, -1);
          await repo.updateDose(trx, dose.id, { product_code: checked.value, lot_id: null, lot_number: null });
          return { clearedLot: lot.lot_number, clearedLotId: lot.id };
        }
        await repo.updateDose(trx, dose.id, { product_code: checked.value });
        return {};
      }
      case 'lot': {
        const lot = checked.lot as NonNullable<typeof checked.lot>;
        if (expiredOn(lot, dose.given_at)) throw inconsistent('VACCINATION_LOT_EXPIRED');
        if (lot.id !== dose.lot_id) {
          if (dose.lot_id) await repo.useLot(trx, dose.lot_id, -1);
          if (!(await repo.useLot(trx, lot.id, 1))) throw inconsistent('VACCINATION_LOT_EMPTY');
        }
        await repo.updateDose(trx, dose.id, {
          lot_id: lot.id,
          lot_number: lot.lot_number,
          product_code: lot.product_code,
        });
        return {};
      }
      case 'givenAt': {
        const at = checked.at as Date;
        const lot = await currentLot();
        if (lot && expiredOn(lot, at)) throw inconsistent('VACCINATION_LOT_EXPIRED');
        await repo.updateDose(trx, dose.id, { given_at: at });
        return {};
      }
      case 'doseNumber':
        await repo.updateDose(trx, dose.id, { dose_number: Number(checked.value) });
        return {};
      case 'siteId': {
        const site = checked.site as NonNullable<typeof checked.site>;
        if (!(districtReviewer(actor, site.unit_path) || isAdminFor(actor, site.unit_path))) {
          throw new AppError('VACCINATION_CORRECTION_VALUE_INVALID', 400, { field });
        }
        if (!dose.lot_number || !dose.lot_id) {
          await repo.updateDose(trx, dose.id, { site_id: site.id });
          return {};
        }
        const lot = await repo.lotAtSite(trx, site.id, dose.lot_number);
        if (!lot) throw inconsistent('VACCINATION_LOT_WRONG_SITE');
        if (expiredOn(lot, dose.given_at)) throw inconsistent('VACCINATION_LOT_EXPIRED');
        await repo.useLot(trx, dose.lot_id, -1);
        if (!(await repo.useLot(trx, lot.id, 1))) throw inconsistent('VACCINATION_LOT_EMPTY');
        await repo.updateDose(trx, dose.id, { site_id: site.id, lot_id: lot.id, product_code: lot.product_code });
        return {};
      }
    }
  }
}

type DoseRows = Awaited<ReturnType<VaccinationRepo['dosesOf']>>;
type LotRow = NonNullable<Awaited<ReturnType<VaccinationRepo['lotAtSite']>>>;
type SiteRow = NonNullable<Awaited<ReturnType<VaccinationRepo['siteById']>>>;

/**
 * Each valid dose's rule problems against the valid doses before it (`<doseId>:<code>`), the age taken from the birth
 * year: what a correction must not add to.
 */
function historyProblems(
  products: ReadonlyMap<string, ProductRule>,
  doses: DoseRows,
  birthYear: number | null,
): Set<string> {
  const problems = new Set<string>();
  const prior: PriorDose[] = [];
  for (const d of doses) {
    if (d.status !== 'valid') continue;
    const next = {
      productCode: d.product_code,
      doseNumber: d.dose_number,
      givenAt: d.given_at,
      ageYears: birthYear === null ? null : d.given_at.getUTCFullYear() - birthYear,
    };
    for (const code of doseViolations(products, prior, next)) problems.add(`${d.id}:${code}`);
    prior.push({ productCode: d.product_code, doseNumber: d.dose_number, givenAt: d.given_at });
  }
  return problems;
}

function toCommuneCoverage(r: {
  commune_code: string;
  commune_name: string | null;
  adults: number;
  over50: number;
  adults_dose1: number;
  over50_full: number;
  dose1: number;
  full: number;
  booster: number;
  doses: number;
}) {
  const share = (n: number, d: number) => (d > 0 ? Math.min(1, Math.round((n / d) * 10_000) / 10_000) : null);
  return {
    communeCode: r.commune_code,
    communeName: r.commune_name ?? r.commune_code,
    adults: Number(r.adults),
    adultsDose1: Number(r.adults_dose1),
    over50: Number(r.over50),
    over50Full: Number(r.over50_full),
    adultsDose1Share: share(Number(r.adults_dose1), Number(r.adults)),
    over50FullShare: share(Number(r.over50_full), Number(r.over50)),
    dose1: Number(r.dose1),
    full: Number(r.full),
    booster: Number(r.booster),
    doses: Number(r.doses),
  };
}

export type VaccinationService = ReturnType<typeof vaccinationService>;
