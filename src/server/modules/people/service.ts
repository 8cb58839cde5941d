/**
 * People and households. Staff register and look up people inside their jurisdiction (out-of-scope people
 * are "not found"); every read and write of a person by staff is audited. Citizens manage their own profile
 * and their dependants (children, elderly parents without phones), and get a signed personal QR.
 */
import { sql, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor, CitizenActor } from '../../platform/access.ts';
import {
  type AccessScope,
  authorize,
  authorizeAt,
  can,
  mayEver,
  narrowScope,
  scopeOf,
} from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { isNationalId, isUuid, normalizePhone } from '../../platform/formats.ts';
import { decodeCursor, toPage } from '../../platform/paging.ts';
import type { AdminUnitsService } from '../admin-units/index.ts';
import { doorPersonView, householdPolicy, type PeopleAction, peoplePolicy, peopleUnitPolicy } from './policy.ts';
import { makePersonQr } from './qr.ts';
import { type PersonWithUnit, peopleRepo } from './repo.ts';
import type { CreatePersonInput, DoorPerson, NationalIdClaimView, PersonView, UpdatePersonInput } from './schemas.ts';

export function toPersonView(p: PersonWithUnit): PersonView {
  return {
    id: p.id,
    nationalId: p.national_id ?? p.national_id_claim,
    nationalIdVerified: p.national_id !== null,
    phone: p.phone,
    name: p.name,
    birthYear: p.birth_year,
    birthDate: p.birth_date,
    sex: p.sex,
    unitCode: p.unit_code,
    unitName: p.unit_name,
    address: p.address,
    householdId: p.household_id,
  };
}

function checkNationalId(v: string | null | undefined): string | null | undefined {
  if (v === undefined || v === null) return v;
  const trimmed = v.trim();
  if (!isNationalId(trimmed)) throw new AppError('INVALID_NATIONAL_ID', 400);
  return trimmed;
}

function checkPhone(v: string | null | undefined): string | null | undefined {
  if (v === undefined || v === null) return v;
  const phone = normalizePhone(v);
  if (!phone) throw new AppError('INVALID_PHONE', 400);
  return phone;
}

/** The claims list's key as `listClaims` writes it: a UTC time to the microsecond. */
const CLAIM_KEY_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The sort key in a claims list cursor, checked to be what the statement casts it to (else 400 `INVALID_CURSOR`). */
function claimsCursor(after: string): [string, string] {
  const [time, id] = decodeCursor(after, ['s', 's']) as [string, string];
  // a real instant: the time read back to the millisecond is the time written (no 30 February)
  const real = CLAIM_KEY_TIME.test(time) && new Date(time).toISOString() === `${time.slice(0, 23)}Z`;
  if (!real || !isUuid(id)) throw new AppError('INVALID_CURSOR', 400);
  return [time, id];
}

/** A name as stored: NFC, trimmed, runs of spaces as one (so "Văn  An" cannot pass for a new name). */
export function cleanName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ');
}

/** The most dependants one citizen account manages. */
export const MAX_DEPENDANTS = 20;

/**
 * Whether `phone`, written by `actor` onto a record, is only a claim (migration 0044, README "Phones"): a citizen's —
 * a guardian's for a dependant — unless it is their own, proved at sign-in; staff write trusted phones.
 */
function claimsPhone(actor: Actor, phone: string | null): boolean {
  return actor.kind === 'citizen' && phone !== null && phone !== actor.phone;
}

/**
 * Who a person is — name, birth year and date, national ID, and (for a citizen changing a record) phone — is what a
 * green pass is signed with and what staff find a person by. A citizen may fill a field the record does not have
 * yet, but not change one it has: that goes through the commune (staff change it, audited). Otherwise a vaccinated
 * citizen could rename themselves, fetch a signed pass in someone else's name, and rename back; or move a dependant's
 * phone onto someone else's. A name differing only in letter case or spacing is not a change.
 */
function assertIdentityKept(
  current: {
    name: string;
    birth_year: number | null;
    birth_date: string | null;
    national_id: string | null;
    national_id_claim: string | null;
    phone: string | null;
  },
  next: {
    name?: string | undefined;
    birthYear?: number | null | undefined;
    birthDate?: string | null | undefined;
    nationalId?: string | null | undefined;
    phone?: string | null | undefined;
  },
): void {
  const fields: string[] = [];
  const kept = <T>(was: T | null, now: T | null | undefined, same = (a: T, b: T) => a === b) =>
    now === undefined || was === null || (now !== null && same(was, now));
  const sameName = (a: string, b: string) =>
    cleanName(a).toLocaleLowerCase('vi') === cleanName(b).toLocaleLowerCase('vi');
  if (!kept(current.name.trim() === '' ? null : current.name, next.name, sameName)) fields.push('name');
  if (!kept(current.birth_year, next.birthYear)) fields.push('birthYear');
  if (!kept(current.birth_date, next.birthDate)) fields.push('birthDate');
  if (!kept(current.national_id ?? current.national_id_claim, next.nationalId)) fields.push('nationalId');
  if (!kept(current.phone, next.phone)) fields.push('phone');
  if (fields.length > 0) throw new AppError('PERSON_IDENTITY_LOCKED', 409, { fields }, { fields: fields.join(', ') });
}

/** What the people module needs from other modules. */
export interface PeopleDeps {
  adminUnits: Pick<AdminUnitsService, 'findByCode'>;
}

export function peopleService(ctx: PlatformContext, deps: PeopleDeps) {
  const repo = peopleRepo(ctx.db);
  /** residents per unit were found counted (`residentsByUnit` asks the table until then) */
  let unitsSeen = false;

  async function unitOrThrow(code: string, trx?: Transaction<DB>) {
    const unit = await deps.adminUnits.findByCode(code, trx);
    if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
    return unit;
  }

  /**
   * Loads a person the actor may act on: 403 when the actor's role can never do `action`, else 404 whether the
   * person is missing or out of reach (hides whether the id exists). A refused look-up of someone who exists is
   * audited as denied.
   */
  async function loadAuthorized(
    actor: Actor,
    id: string,
    action: Exclude<PeopleAction, 'people.create'>,
    trx?: Transaction<DB>,
  ): Promise<PersonWithUnit> {
    const person = await repo.findById(id, trx);
    const resource = person && {
      ...person,
      unitPath: person.unit_path,
      guardianIds: actor.kind === 'citizen' ? await repo.guardianIds(id, trx) : [],
    };
    if (resource && mayEver(peoplePolicy, actor, action) && !can(peoplePolicy, actor, action, resource)) {
      // not awaited: the caller may hold a transaction, and the denial is logged whether or not it commits
      ctx.audit
        .record({ actor, action, resourceType: 'person', resourceId: id, outcome: 'denied' })
        .catch((err) => ctx.log.error({ err }, 'audit failed'));
    }
    return authorize(peoplePolicy, actor, action, resource);
  }

  /**
   * Rejects a national ID a **verified** holder already has (409 with that person's id for staff). Staff-written IDs
   * only: a citizen's is a claim (`national_id_claim`), which nobody's record refuses.
   */
  async function assertNewNationalId(
    actor: Actor,
    nationalId: string | null | undefined,
    trx: Transaction<DB>,
    selfId?: string,
  ) {
    if (!nationalId) return;
    // serialize writers of the same national ID, so a concurrent duplicate sees the first one (409) instead of
    // failing on the unique index (500)
    await sql`select pg_advisory_xact_lock(7231002, hashtext(${nationalId}))`.execute(trx);
    const existing = await repo.findByNationalId(nationalId, trx);
    if (existing && existing.id !== selfId) {
      throw actor.kind === 'staff'
        ? new AppError('PERSON_EXISTS', 409, { existingId: existing.id }, {}, { id: existing.id })
        : new AppError('PERSON_EXISTS', 409);
    }
  }

  /**
   * The one record that claims this national ID (a citizen typed it, staff have not verified it) under this name, when
   * no record holds it verified: a claim stands for the card's holder only together with the name, and only when one
   * record makes it — a citizen who types a stranger's number does not receive that stranger's records.
   */
  async function soleClaimant(nationalId: string, name: string | undefined, q?: Transaction<DB>) {
    const clean = name && cleanName(name);
    if (!clean) return undefined;
    const claimants = await repo.findClaimantsByName(nationalId, clean, q);
    return claimants.length === 1 ? claimants[0]?.id : undefined;
  }

  /**
   * The person a phone stands for (migration 0044): alone, its account holder, else the first record with it that is
   * not a claim; with a name, the same among the records of that name, else the one record that claims the phone
   * under that name — a citizen who types a stranger's phone into a dependant does not receive that stranger's
   * records, however the stranger is looked up by phone alone.
   */
  async function findByPhone(phone: string, name: string | undefined, q?: Transaction<DB>) {
    const clean = name === undefined ? undefined : cleanName(name) || undefined;
    const trusted = await repo.findTrustedByPhone(phone, clean, q);
    if (trusted || clean === undefined) return trusted?.id;
    const claimants = await repo.findPhoneClaimantsByName(phone, clean, q);
    return claimants.length === 1 ? claimants[0]?.id : undefined;
  }

  /**
   * The person a door knows by national ID — its verified holder, else its sole claimant under the given name
   * (`soleClaimant`) — else by phone (`findByPhone`).
   */
  async function findByIdentifiers(
    who: { nationalId?: string | undefined; phone?: string | undefined; name?: string | undefined },
    q?: Transaction<DB>,
  ): Promise<string | undefined> {
    if (who.nationalId)
      return (await repo.findByNationalId(who.nationalId, q))?.id ?? (await soleClaimant(who.nationalId, who.name, q));
    if (!who.phone) return undefined;
    return findByPhone(who.phone, who.name, q);
  }

  return {
    loadAuthorized,

    /**
     * The person holding the citizen account of `phone`, for a citizen who just proved the phone (auth's one-time
     * code), inside the caller's transaction. Without an account yet: a person registered by staff with this phone
     * becomes the holder when there is exactly one and it is nobody's dependant; otherwise a new person is created
     * (the citizen completes the profile). The account row is written here, so there is one rule for who holds it.
     */
    async findOrRegisterCitizen(
      trx: Transaction<DB>,
      phone: string,
    ): Promise<{ id: string; name: string; unitCode: string | null }> {
      const account = await repo.findAccountHolder(phone, trx);
      if (account) return { id: account.id, name: account.name, unitCode: account.unit_code };
      const unclaimed = await repo.findUnclaimedByPhone(phone, trx);
      const person = unclaimed.length === 1 && unclaimed[0] ? unclaimed[0] : await repo.createWithPhone(trx, phone);
      await repo.createAccount(trx, phone, person.id);
      return { id: person.id, name: person.name, unitCode: person.unit_code };
    },

    /**
     * The person a phone stands for when someone else names it (a venue registered for its manager): the phone's
     * account holder, else the one person registered with it who could claim it at sign-in (the rule of
     * `findOrRegisterCitizen`), else a new person with that phone — **without** creating an account: an account is
     * made only when the phone's owner proves it with a one-time code. Runs in the caller's transaction.
     */
    async findOrRegisterByPhone(trx: Transaction<DB>, phone: string): Promise<{ id: string }> {
      const account = await repo.findAccountHolder(phone, trx);
      if (account) return { id: account.id };
      const unclaimed = await repo.findUnclaimedByPhone(phone, trx);
      if (unclaimed.length === 1 && unclaimed[0]) return { id: unclaimed[0].id };
      return { id: (await repo.createWithPhone(trx, phone)).id };
    },

    /**
     * A signed-in citizen's name and unit, for their own session view (`/auth/me`, sign-in); undefined for an
     * unknown id. The caller has the citizen's session: this is not a look-up of someone else.
     */
    async citizenSummary(personId: string): Promise<{ name: string; unitCode: string | null } | undefined> {
      const person = await repo.findById(personId);
      return person && { name: person.name, unitCode: person.unit_code };
    },

    /**
     * Where a person lies (their unit and its path), for a module that authorizes access to something about them
     * with its own policy (the audit viewer); undefined for an unknown id. Nothing personal leaves here.
     */
    async placeOf(personId: string): Promise<{ unitCode: string | null; unitPath: string | null } | undefined> {
      const person = await repo.findById(personId);
      return person && { unitCode: person.unit_code, unitPath: person.unit_path };
    },

    /**
     * The person a door just checked in by their signed personal QR, as that door may see them (`doorPersonView`: the
     * full name only when the actor may read the person's record, otherwise masked; the birth year either way).
     * Undefined for an unknown id. Not audited here: the caller records what was shown in its own audit row (the
     * check-in's, in the check-in's transaction).
     */
    async atDoor(actor: Actor, personId: string): Promise<DoorPerson | undefined> {
      const person = await repo.findById(personId);
      return person && doorPersonView(actor, person);
    },

    /**
     * The person holding the citizen account of `phone` (who proved the phone with a one-time code), if any: whom a
     * verified phone stands for. Nothing personal leaves here but the id.
     */
    async accountHolder(phone: string): Promise<string | undefined> {
      return (await repo.findAccountHolder(phone))?.id;
    },

    /**
     * The person whose national ID, or phone, goes with this full name (case-insensitive, spaces collapsed) — for a
     * caller who may not learn whether an identifier alone is on record nor register anyone (a citizen keeping an
     * enterprise's member list): undefined when nothing matches, whether the identifier is unknown or the name is
     * another's. Nothing is created. The caller checks the identifiers' format.
     */
    async findByIdentifierAndName(who: {
      nationalId?: string | undefined;
      phone?: string | undefined;
      name: string;
    }): Promise<string | undefined> {
      const name = cleanName(who.name);
      if (!name) return undefined;
      if (who.nationalId) {
        // a verified holder answers alone: a claim of their number under their name is someone else's
        if (await repo.findByNationalId(who.nationalId))
          return (await repo.findByNationalIdAndName(who.nationalId, name))?.id;
        return soleClaimant(who.nationalId, name);
      }
      if (who.phone) return findByPhone(who.phone, name);
      return undefined;
    },

    /**
     * The person `findOrRegister` would find — by national ID, else phone (+ name) — without registering anyone when
     * nobody matches (undefined): a caller that must decide every refusal before it registers people looks them all up
     * first. The caller has authorized the actor and checked the identifiers' format.
     */
    async findKnown(who: {
      nationalId?: string | undefined;
      phone?: string | undefined;
      name?: string | undefined;
    }): Promise<string | undefined> {
      return findByIdentifiers({ nationalId: who.nationalId, phone: who.phone, name: who.name?.trim() || undefined });
    },

    /**
     * The person with this national ID, else this phone (+ name), registered at `unitCode` when nobody matches (a
     * person met at a venue's door: staff correct the address later). The caller has authorized the actor and
     * checked the identifiers' format. Known and unknown people come back alike (an id), so a caller can answer
     * both the same way. `beforeCreate` runs only when someone would be registered, before anything is written (a
     * check-in resolves its idempotency key there, so a retry registers no one). The registration is audited
     * (`people.create`, `via`); concurrent registrations of the same identifier create one person. A new record's
     * national ID is verified only when staff who may register people typed it (the card in front of them); typed at
     * the door of a venue by its manager, it is a claim like a citizen's.
     */
    async findOrRegister(
      actor: Actor,
      who: { nationalId?: string | undefined; phone?: string | undefined; name?: string | undefined },
      unitCode: string,
      opts: { via: string; beforeCreate?: () => Promise<void> },
    ): Promise<{ id: string; created: boolean }> {
      const name = who.name?.trim() || undefined;
      const ident = { nationalId: who.nationalId, phone: who.phone, name };
      if (!ident.nationalId && !ident.phone) throw new AppError('PERSON_IDENTIFIER_REQUIRED', 400);
      const known = await findByIdentifiers(ident);
      if (known) return { id: known, created: false };
      await opts.beforeCreate?.();
      return ctx.db.transaction().execute(async (trx) => {
        // the same lock as create(): concurrent registrations of one identifier see each other
        await sql`select pg_advisory_xact_lock(7231002, hashtext(${ident.nationalId ?? ident.phone}))`.execute(trx);
        const raced = await findByIdentifiers(ident, trx);
        if (raced) return { id: raced, created: false };
        const verifies = actor.kind === 'staff' && mayEver(peoplePolicy, actor, 'people.create');
        const { id } = await repo.create(trx, {
          ...(verifies ? { national_id: ident.nationalId ?? null } : { national_id_claim: ident.nationalId ?? null }),
          phone: ident.phone ?? null,
          ...(name ? { name } : {}),
          unit_code: unitCode,
        });
        await ctx.audit.append(trx, {
          actor,
          action: 'people.create',
          resourceType: 'person',
          resourceId: id,
          unitCode,
          details: { via: opts.via },
        });
        return { id, created: true };
      });
    },

    async create(actor: Actor, input: CreatePersonInput, trx: Transaction<DB>): Promise<{ id: string }> {
      const nationalId = checkNationalId(input.nationalId);
      const phone = checkPhone(input.phone);
      if (!nationalId && !phone) throw new AppError('PERSON_IDENTIFIER_REQUIRED', 400);
      const unit = await unitOrThrow(input.unitCode, trx);
      authorizeAt(peoplePolicy, actor, 'people.create', { id: '', unitPath: unit.path });
      await assertNewNationalId(actor, nationalId, trx);
      if (nationalId) {
        // the one record claiming the number under this name is, most likely, this person's own (self-registered):
        // staff verify that one rather than register them twice
        const claimant = await soleClaimant(nationalId, input.name, trx);
        if (claimant) throw new AppError('PERSON_EXISTS', 409, { existingId: claimant }, {}, { id: claimant });
      }
      if (!nationalId && phone) {
        await sql`select pg_advisory_xact_lock(7231002, hashtext(${phone}))`.execute(trx);
        const same = await repo.findByPhoneAndName(phone, input.name.trim(), trx);
        if (same) throw new AppError('PERSON_EXISTS', 409, { existingId: same.id }, {}, { id: same.id });
      }
      if (input.householdId) {
        const household = await repo.findHousehold(input.householdId, trx);
        authorize(householdPolicy, actor, 'people.create', household && { unitPath: household.unit_path });
      }
      const { id } = await repo.create(trx, {
        national_id: nationalId ?? null,
        phone: phone ?? null,
        name: input.name.trim(),
        birth_year: input.birthYear ?? null,
        birth_date: input.birthDate ?? null,
        sex: input.sex ?? null,
        unit_code: unit.code,
        address: input.address ?? null,
        household_id: input.householdId ?? null,
      });
      await ctx.audit.append(trx, {
        actor,
        action: 'people.create',
        resourceType: 'person',
        resourceId: id,
        unitCode: unit.code,
      });
      return { id };
    },

    async get(actor: Actor, id: string): Promise<PersonView> {
      const person = await loadAuthorized(actor, id, 'people.read');
      if (actor.kind === 'staff') {
        await ctx.audit.record({
          actor,
          action: 'people.read',
          resourceType: 'person',
          resourceId: id,
          unitCode: person.unit_code,
        });
      }
      return toPersonView(person);
    },

    async update(actor: Actor, id: string, input: UpdatePersonInput): Promise<PersonView> {
      return ctx.db.transaction().execute(async (trx) => {
        await loadAuthorized(actor, id, 'people.update', trx);
        const nationalId = checkNationalId(input.nationalId);
        const phone = checkPhone(input.phone);
        const before = await repo.findById(id, trx);
        if (!before) throw new AppError('PERSON_NOT_FOUND', 404);
        if (actor.kind === 'citizen') {
          // a citizen's own phone is their account (changed by signing in with the new one, not here)
          if (id === actor.personId && phone !== undefined && phone !== before.phone)
            throw new AppError('PERSON_IDENTITY_LOCKED', 409, { fields: ['phone'] }, { fields: 'phone' });
          assertIdentityKept(before, { ...input, nationalId, phone });
        }
        let unitCode: string | undefined;
        if (input.unitCode !== undefined) {
          const unit = await unitOrThrow(input.unitCode, trx);
          // moving someone requires authority over the destination too
          authorizeAt(peoplePolicy, actor, 'people.update', { id, unitPath: unit.path });
          unitCode = unit.code;
        }
        // staff write a verified ID (a claim on the record gives way to it); a citizen — a guardian — fills a claim
        if (actor.kind === 'staff') await assertNewNationalId(actor, nationalId, trx, id);
        const idFields =
          nationalId === undefined
            ? {}
            : actor.kind === 'staff'
              ? { national_id: nationalId, national_id_claim: null }
              : before.national_id === null
                ? { national_id_claim: nationalId }
                : {};
        const phoneFields = phone === undefined ? {} : { phone, phone_claimed: claimsPhone(actor, phone) };
        await repo.update(trx, id, {
          ...idFields,
          ...phoneFields,
          ...(input.name !== undefined ? { name: cleanName(input.name) } : {}),
          ...(input.birthYear !== undefined ? { birth_year: input.birthYear } : {}),
          ...(input.birthDate !== undefined ? { birth_date: input.birthDate } : {}),
          ...(input.sex !== undefined ? { sex: input.sex } : {}),
          ...(unitCode !== undefined ? { unit_code: unitCode } : {}),
          ...(input.address !== undefined ? { address: input.address } : {}),
        });
        const updated = await repo.findById(id, trx);
        if (!updated) throw new AppError('PERSON_NOT_FOUND', 404);
        // staff and citizens alike (a guardian changing a dependant's record is an access to it): the fields named
        await ctx.audit.append(trx, {
          actor,
          action: 'people.update',
          resourceType: 'person',
          resourceId: id,
          unitCode: updated.unit_code,
          details: { fields: Object.keys(input).sort() },
        });
        return toPersonView(updated);
      });
    },

    /**
     * Staff who checked the card make a person's claimed national ID verified (`POST /people/{id}/national-id:verify`):
     * 409 `NATIONAL_ID_NOT_CLAIMED` when the record claims none, 409 `PERSON_EXISTS` (with the holder's id) when
     * another record holds the number verified — staff settle that one by hand. Audited.
     */
    async verifyNationalId(actor: Actor, id: string): Promise<PersonView> {
      return ctx.db.transaction().execute(async (trx) => {
        const person = await loadAuthorized(actor, id, 'people.update', trx);
        const claim = person.national_id_claim;
        if (claim === null) throw new AppError('NATIONAL_ID_NOT_CLAIMED', 409);
        await assertNewNationalId(actor, claim, trx, id);
        await repo.update(trx, id, { national_id: claim, national_id_claim: null });
        await ctx.audit.append(trx, {
          actor,
          action: 'people.verify-national-id',
          resourceType: 'person',
          resourceId: id,
          unitCode: person.unit_code,
        });
        const updated = await repo.findById(id, trx);
        if (!updated) throw new AppError('PERSON_NOT_FOUND', 404);
        return toPersonView(updated);
      });
    },

    /**
     * The work list of national IDs to verify (`GET /people/national-id-claims`): the people in the actor's area for
     * `people.update` (those who may verify) — or in `unitCode` within it — whose national ID is a claim, oldest
     * record first, `limit` at a time; `next` is the cursor of the page after it (`after`), null on the last page.
     * Each is `contested` when another record holds the number verified. 403 for a role that may not verify
     * (citizens too); 404 `UNIT_NOT_FOUND` for a unit unknown or out of reach. Audited (`people.list-claims`) with
     * every person listed.
     */
    async listNationalIdClaims(
      actor: Actor,
      opts: { unitCode?: string | undefined; after?: string | undefined; limit?: number | undefined },
    ): Promise<{ items: NationalIdClaimView[]; next: string | null }> {
      let scope = scopeOf(peoplePolicy, actor, 'people.update');
      const after = opts.after ? claimsCursor(opts.after) : undefined;
      if (opts.unitCode) {
        const unit = await deps.adminUnits.findByCode(opts.unitCode);
        const found = authorize(peopleUnitPolicy, actor, 'people.update', unit && { unitPath: unit.path });
        scope = narrowScope(scope, found.unitPath);
      }
      const limit = opts.limit ?? 50;
      const { rows, next } = toPage(await repo.listClaims(scope, { after, limit: limit + 1 }), limit, (r) => [
        r.sort_key,
        r.id,
      ]);
      await ctx.audit.record({
        actor,
        action: 'people.list-claims',
        resourceType: 'person',
        unitCode: opts.unitCode ?? null,
        details: { results: rows.length, personIds: rows.map((r) => r.id) },
      });
      return { items: rows.map((r) => ({ ...toPersonView(r), contested: r.contested })), next };
    },

    async search(actor: Actor, q: string, limit: number): Promise<PersonView[]> {
      const scope = scopeOf(peoplePolicy, actor, 'people.read');
      const text = q.trim();
      const term = isNationalId(text)
        ? { nationalId: text }
        : normalizePhone(text)
          ? { phone: normalizePhone(text) as string }
          : { name: text };
      const rows = await repo.search(scope, term, limit);
      await ctx.audit.record({
        actor,
        action: 'people.search',
        resourceType: 'person',
        details: { results: rows.length, by: Object.keys(term)[0] ?? '', personIds: rows.map((r) => r.id) },
      });
      return rows.map(toPersonView);
    },

    async createHousehold(
      actor: Actor,
      input: { unitCode: string; address?: string | undefined; memberIds?: string[] | undefined },
    ) {
      const unit = await unitOrThrow(input.unitCode);
      authorizeAt(householdPolicy, actor, 'households.manage', { unitPath: unit.path });
      return ctx.db.transaction().execute(async (trx) => {
        const { id } = await repo.createHousehold(trx, unit.code, input.address ?? null);
        const members = input.memberIds ?? [];
        // household membership is the household managers' call (welfare officers manage households too)
        for (const m of members)
          await loadAuthorized(actor, m, 'households.manage', trx).catch(() => {
            throw new AppError('PERSON_NOT_FOUND', 404, { personId: m });
          });
        if (members.length > 0) await repo.setHousehold(trx, members, id);
        await ctx.audit.append(trx, {
          actor,
          action: 'households.create',
          resourceType: 'household',
          resourceId: id,
          unitCode: unit.code,
          details: { members: members.length, personIds: members },
        });
        return { id };
      });
    },

    async addHouseholdMember(actor: Actor, householdId: string, personId: string) {
      await ctx.db.transaction().execute(async (trx) => {
        const found = await repo.findHousehold(householdId, trx);
        const household = authorize(
          householdPolicy,
          actor,
          'households.manage',
          found && { ...found, unitPath: found.unit_path },
        );
        await loadAuthorized(actor, personId, 'households.manage', trx);
        await repo.setHousehold(trx, [personId], householdId);
        await ctx.audit.append(trx, {
          actor,
          action: 'households.addMember',
          resourceType: 'household',
          resourceId: householdId,
          unitCode: household.unit_code,
          details: { personIds: [personId] },
        });
      });
    },

    async getHousehold(actor: Actor, id: string) {
      const found = await repo.findHousehold(id);
      const household = authorize(
        householdPolicy,
        actor,
        'people.read',
        found && { ...found, unitPath: found.unit_path },
      );
      const members = await repo.householdMembers(id);
      await ctx.audit.record({
        actor,
        action: 'households.read',
        resourceType: 'household',
        resourceId: id,
        unitCode: household.unit_code,
        details: { personIds: members.map((m) => m.id) },
      });
      return {
        id: household.id,
        unitCode: household.unit_code,
        address: household.address,
        members: members.map(toPersonView),
      };
    },

    // --- citizens ---

    async myProfile(actor: CitizenActor): Promise<PersonView> {
      const person = await repo.findById(actor.personId);
      if (!person) throw new AppError('PERSON_NOT_FOUND', 404);
      return toPersonView(person);
    },

    async updateMyProfile(
      actor: CitizenActor,
      input: {
        name: string;
        nationalId?: string | undefined;
        birthYear?: number | undefined;
        sex?: 'male' | 'female' | 'other' | undefined;
        unitCode: string;
        address?: string | undefined;
      },
    ): Promise<PersonView> {
      const nationalId = checkNationalId(input.nationalId);
      const unit = await unitOrThrow(input.unitCode);
      return ctx.db.transaction().execute(async (trx) => {
        const before = await repo.findById(actor.personId, trx);
        if (!before) throw new AppError('PERSON_NOT_FOUND', 404);
        assertIdentityKept(before, { name: input.name, nationalId, birthYear: input.birthYear });
        await repo.update(trx, actor.personId, {
          name: cleanName(input.name),
          unit_code: unit.code,
          // a claim until staff check the card (a verified ID is kept: assertIdentityKept made it the same)
          ...(nationalId !== undefined && before.national_id === null ? { national_id_claim: nationalId } : {}),
          ...(input.birthYear !== undefined ? { birth_year: input.birthYear } : {}),
          ...(input.sex !== undefined ? { sex: input.sex } : {}),
          ...(input.address !== undefined ? { address: input.address } : {}),
        });
        const person = await repo.findById(actor.personId, trx);
        if (!person) throw new AppError('PERSON_NOT_FOUND', 404);
        // what a green pass is signed with and what staff find them by: every change is on record, as a PATCH's
        await ctx.audit.append(trx, {
          actor,
          action: 'people.update',
          resourceType: 'person',
          resourceId: actor.personId,
          unitCode: person.unit_code,
          details: { fields: Object.keys(input).sort(), via: 'profile' },
        });
        return toPersonView(person);
      });
    },

    async myDependants(actor: CitizenActor) {
      const rows = await repo.dependantsOf(actor.personId);
      return rows.map((r) => ({ ...toPersonView(r), relation: r.relation }));
    },

    async addDependant(
      actor: CitizenActor,
      input: {
        name: string;
        relation: string;
        nationalId?: string | undefined;
        phone?: string | undefined;
        birthYear?: number | undefined;
        sex?: 'male' | 'female' | 'other' | undefined;
        unitCode?: string | undefined;
        address?: string | undefined;
      },
    ): Promise<{ id: string }> {
      const nationalId = checkNationalId(input.nationalId);
      const phone = checkPhone(input.phone);
      const self = await repo.findById(actor.personId);
      const unitCode = input.unitCode ?? self?.unit_code ?? null;
      if (unitCode) await unitOrThrow(unitCode);
      return ctx.db.transaction().execute(async (trx) => {
        // one account's dependants are a family's, not a registry: a cap (counted under the account's lock)
        await sql`select pg_advisory_xact_lock(7231030, hashtext(${actor.personId}))`.execute(trx);
        if ((await repo.dependantsOf(actor.personId, trx)).length >= MAX_DEPENDANTS)
          throw new AppError('DEPENDANTS_TOO_MANY', 409, { max: MAX_DEPENDANTS }, { max: MAX_DEPENDANTS });
        // a new record whose national ID is a claim: an existing record of that number is never linked (that would
        // let anyone take someone else's record), nor is the citizen told whether one exists
        const { id } = await repo.create(trx, {
          national_id_claim: nationalId ?? null,
          phone: phone ?? null,
          phone_claimed: claimsPhone(actor, phone ?? null),
          name: cleanName(input.name),
          birth_year: input.birthYear ?? null,
          sex: input.sex ?? null,
          unit_code: unitCode,
          address: input.address ?? self?.address ?? null,
          household_id: self?.household_id ?? null,
        });
        await repo.addDependant(trx, actor.personId, id, input.relation);
        await ctx.audit.append(trx, {
          actor,
          action: 'people.create',
          resourceType: 'person',
          resourceId: id,
          unitCode,
          details: { via: 'dependant', fields: Object.keys(input).sort() },
        });
        return { id };
      });
    },

    /** The signed personal QR for the citizen or one of their dependants. */
    async personQr(actor: CitizenActor, personId: string = actor.personId): Promise<{ qr: string; personId: string }> {
      if (personId !== actor.personId) await loadAuthorized(actor, personId, 'people.read');
      return { qr: await makePersonQr(ctx.keys, personId), personId };
    },

    /**
     * Residents per unit path within `scope` (a caller's statistics scope, already authorized by it): counts, no
     * personal data. As counted by the hourly `people.count-units` job, so a page of statistics never scans people;
     * counted on the spot the first time, when nothing was counted yet (a database seeded since the last count).
     * Once counts are seen, the process stops asking: the hourly job keeps them, and nothing else empties the table.
     */
    async residentsByUnit(scope: AccessScope): Promise<{ path: string; n: number }[]> {
      if (!unitsSeen) {
        if (await repo.unitsCounted()) unitsSeen = true;
        else await repo.countUnits();
      }
      return repo.unitCounts(scope);
    },

    /** Recounts residents per unit (the `people.count-units` job; seeds after writing people). */
    async countUnits(): Promise<void> {
      await repo.countUnits();
    },
  };
}

export type PeopleService = ReturnType<typeof peopleService>;
