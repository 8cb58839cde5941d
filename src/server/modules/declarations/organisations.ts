/**
 * Organisations and the share of their members declaring today (issue 12, item 6): public agencies, whose members are
 * civil servants held to 100 % daily declaration, kept by the area's staff (health workers, leaders); and enterprises
 * registered in this module, whose member list (their workers) is kept by the owner or the oversight staff (the
 * park board included). Members are people found or registered through the people module's `findOrRegister` — this
 * module never writes people's tables.
 *
 * Who may name whom: staff add a person by id, national ID or phone (+ name) only within their own area (otherwise
 * 404 PERSON_NOT_FOUND, as if unknown), and an unknown one is registered at the organisation's unit. A citizen (an
 * enterprise's owner) never names a person by id and registers no one: a national ID or phone must go with the full
 * name on record (`citizenLookups`), so the list cannot be used to look up the registry or to follow strangers.
 * Each such look-up still tells whether a name goes with a number, so a citizen account's look-ups that match no one
 * are bounded (MEMBER_LOOKUP_MISSES_PER_DAY in 24 hours, counted in `organisation_member_lookups` for all API
 * processes; `citizenLookups`). Every check happens before anything is written; writes and reads of who has not
 * declared are audited.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor, CitizenActor } from '../../platform/access.ts';
import type { AuditEntry } from '../../platform/audit.ts';
import { authorize, authorizeAt, can, mayEver, narrowScope, scopeOf, systemScope } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError, errorBody } from '../../platform/errors.ts';
import { isNationalId, isUuid, normalizePhone } from '../../platform/formats.ts';
import { decodeCursor, toPage } from '../../platform/paging.ts';
import { localDate } from '../../platform/sms.ts';
import { maskPersonName, type PeopleService } from '../people/index.ts';
import { CIVIL_SERVICE_TARGET, MEMBER_LOOKUP_MISSES_PER_DAY } from './constants.ts';
import { type MemberRowRejection, parseMembersCsv } from './members-csv.ts';
import type { OrganisationFiguresRow, OrganisationsRepo } from './organisations-repo.ts';
import { organisationPolicy, unitPolicy } from './policy.ts';
import type { DeclarationsRepo } from './repo.ts';
import type {
  AddMemberBody,
  CreateOrganisationBody,
  MemberListQuery,
  OrganisationList,
  OrganisationListQuery,
  OrganisationSummary,
  UpdateOrganisationBody,
} from './schemas.ts';

type ManageAction = 'organisations.agencies' | 'organisations.enterprises';

/** The window the misses of a citizen account's member look-ups are counted over. */
const LOOKUP_WINDOW_MS = 24 * 3600_000;

/** A member named by national ID or phone (+ name), the formats checked. */
interface Identifiers {
  nationalId?: string | undefined;
  phone?: string | undefined;
  name?: string | undefined;
}

const manageAction = (kind: 'agency' | 'enterprise'): ManageAction =>
  kind === 'agency' ? 'organisations.agencies' : 'organisations.enterprises';

const actorRef = (actor: Actor) =>
  actor.kind === 'staff'
    ? `staff:${actor.userId}`
    : actor.kind === 'citizen'
      ? `citizen:${actor.personId}`
      : `system:${actor.name}`;

/**
 * An organisation's figures as the API gives them. `flagged: false` (an enterprise's owner, a citizen) leaves out how
 * many declared with a flagged answer: in a small enterprise that count could point at a person.
 */
export function toOrganisationSummary(r: OrganisationFiguresRow, flagged = true): OrganisationSummary {
  const share = r.members > 0 ? r.declared / r.members : null;
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    enterpriseId: r.enterprise_id,
    unitCode: r.unit_code,
    unitName: r.unit_name,
    civilService: r.civil_service,
    members: r.members,
    declaredToday: r.declared,
    flaggedToday: flagged ? r.flagged : null,
    notDeclaredToday: r.members - r.declared,
    share,
    atTarget: r.civil_service ? share !== null && share >= CIVIL_SERVICE_TARGET : null,
  };
}

export function organisationsService(
  ctx: PlatformContext,
  deps: { repo: DeclarationsRepo; orgs: OrganisationsRepo; people: PeopleService },
) {
  const { repo, orgs, people } = deps;
  const db = ctx.db;

  /** The organisation, readable by the actor (404 ORGANISATION_NOT_FOUND when missing or out of reach). */
  async function load(actor: Actor, id: string) {
    const row = await orgs.findOrganisation(id);
    authorize(
      organisationPolicy,
      actor,
      'organisations.read',
      row && { unitPath: row.unit_path, kind: row.kind, ownerPersonId: row.owner_person_id },
    );
    if (!row) throw new AppError('ORGANISATION_NOT_FOUND', 404);
    return row;
  }

  /** The organisation, readable (else 404) and then kept by the actor (else 403: they see it, may not change it). */
  async function loadToManage(actor: Actor, id: string) {
    const row = await load(actor, id);
    authorizeAt(organisationPolicy, actor, manageAction(row.kind), {
      unitPath: row.unit_path,
      kind: row.kind,
      ownerPersonId: row.owner_person_id,
    });
    return row;
  }

  /**
   * The identifiers of a member named by national ID or phone, their formats checked (400 INVALID_NATIONAL_ID,
   * INVALID_PHONE, PERSON_IDENTIFIER_REQUIRED; a citizen without the name: ORGANISATION_MEMBER_NAME_REQUIRED).
   */
  function identifiersOf(actor: Actor, who: Identifiers): Identifiers {
    const nationalId = who.nationalId?.trim() || undefined;
    if (nationalId !== undefined && !isNationalId(nationalId)) throw new AppError('INVALID_NATIONAL_ID', 400);
    const rawPhone = who.phone?.trim() || undefined;
    const phone = rawPhone === undefined ? undefined : normalizePhone(rawPhone);
    if (rawPhone !== undefined && !phone) throw new AppError('INVALID_PHONE', 400);
    if (!nationalId && !phone) throw new AppError('PERSON_IDENTIFIER_REQUIRED', 400);
    const name = who.name?.trim() || undefined;
    if (actor.kind === 'citizen' && !name) throw new AppError('ORGANISATION_MEMBER_NAME_REQUIRED', 400);
    return { nationalId, phone: phone ?? undefined, name: actor.kind === 'citizen' ? name : who.name };
  }

  /**
   * A person named by national ID or phone, by staff: found or registered at the organisation's unit, and one found
   * must lie in the area they keep this list for (else 404 PERSON_NOT_FOUND, as for an id: `findOrRegister` searches
   * the whole registry, and the list would show them someone outside their area).
   */
  async function personForStaff(
    actor: Actor,
    who: Identifiers,
    org: { unit_code: string; kind: 'agency' | 'enterprise' },
  ): Promise<string> {
    const found = await people.findOrRegister(actor, who, org.unit_code, { via: 'organisation' });
    if (!found.created && actor.kind === 'staff') await personById(actor, found.id, manageAction(org.kind));
    return found.id;
  }

  /**
   * The people a citizen (an enterprise's owner) names, each by national ID or phone with the full name on record,
   * as on the worker's card (`people.findByIdentifierAndName`): a person id, or `miss` for an identifier not on
   * record or on record under another name (the caller answers both 404 ORGANISATION_MEMBER_NOT_MATCHED); the owner
   * registers no one and learns nothing else of the registry. Each miss tells that a name does not go with a number,
   * so the account's misses are bounded: MEMBER_LOOKUP_MISSES_PER_DAY in any 24 hours, for all API processes. Before
   * anything is looked up the request reserves what is left of the allowance (`organisation_member_lookups`, under
   * the account's lock, committed: two requests at once share it, a request that dies keeps it used); none left →
   * 429 RATE_LIMITED with `retryAfter` (seconds until the window has room), nothing looked up. Once the request's
   * misses reach its reservation, the names after are not looked up (`limit`); the reservation is then cut to the
   * misses it used.
   */
  async function citizenLookups(actor: CitizenActor, rows: readonly Identifiers[]) {
    const now = new Date();
    const since = new Date(now.getTime() - LOOKUP_WINDOW_MS);
    const reserved = await db.transaction().execute(async (trx) => {
      const recent = await orgs.lookupMissesSince(trx, actor.personId, since);
      let used = recent.reduce((n, r) => n + r.misses, 0);
      if (used >= MEMBER_LOOKUP_MISSES_PER_DAY) {
        // the window has room again when enough of its oldest misses have left it
        let freeAt = now.getTime() + LOOKUP_WINDOW_MS;
        for (const r of recent) {
          used -= r.misses;
          if (used < MEMBER_LOOKUP_MISSES_PER_DAY) {
            freeAt = new Date(r.at).getTime() + LOOKUP_WINDOW_MS;
            break;
          }
        }
        const retryAfter = Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000));
        throw new AppError('RATE_LIMITED', 429, { retryAfter, limit: MEMBER_LOOKUP_MISSES_PER_DAY });
      }
      const granted = Math.min(rows.length, MEMBER_LOOKUP_MISSES_PER_DAY - used);
      return { id: await orgs.reserveLookups(trx, actor.personId, now, granted), granted };
    });
    const found: Array<string | 'miss' | 'limit'> = [];
    let misses = 0;
    try {
      for (const who of rows) {
        if (misses >= reserved.granted) {
          found.push('limit');
          continue;
        }
        const id = await people.findByIdentifierAndName({
          nationalId: who.nationalId,
          phone: who.phone,
          name: who.name ?? '',
        });
        if (!id) misses++;
        found.push(id ?? 'miss');
      }
    } finally {
      await orgs.settleLookups(reserved.id, misses);
    }
    return found;
  }

  /** A person named by id: staff only, and only within the area they keep this organisation's list for. */
  async function personById(actor: Actor, personId: string, action: ManageAction): Promise<string> {
    if (actor.kind !== 'staff') throw new AppError('PERSON_NOT_FOUND', 404);
    const person = await repo.subjectById(personId);
    const reach =
      person !== undefined &&
      person.unit_path !== null &&
      can(organisationPolicy, actor, action, { unitPath: person.unit_path, kind: 'agency', ownerPersonId: null });
    if (!person || !reach) throw new AppError('PERSON_NOT_FOUND', 404);
    return person.id;
  }

  /**
   * A change to an organisation and its audit row, in one transaction: `write` does the change and returns what the
   * entry's details add (or throws to refuse, writing nothing).
   */
  async function auditedChange<T>(
    actor: Actor,
    org: { id: string; unit_code: string },
    action: string,
    write: (trx: Transaction<DB>) => Promise<{ result: T; details: AuditEntry['details'] }>,
  ): Promise<T> {
    return db.transaction().execute(async (trx) => {
      const { result, details } = await write(trx);
      await ctx.audit.append(trx, {
        actor: actor.kind === 'system' ? null : actor,
        action,
        resourceType: 'organisation',
        resourceId: org.id,
        unitCode: org.unit_code,
        details,
      });
      return result;
    });
  }

  const addAndAudit = (
    actor: Actor,
    org: { id: string; unit_code: string },
    personIds: string[],
    details: AuditEntry['details'],
  ) =>
    auditedChange(actor, org, 'organisations.addMembers', async (trx) => {
      const added = await orgs.insertMembers(trx, org.id, personIds, actorRef(actor));
      return { result: added, details: { ...details, added: added.length, personIds } };
    });

  return {
    /**
     * Registers an agency (staff of its area) or the member list of an enterprise registered in this module (its
     * owner or the oversight staff; one per enterprise: 409 ORGANISATION_EXISTS with its id).
     */
    async create(actor: Actor, body: CreateOrganisationBody): Promise<{ id: string }> {
      let row: Parameters<OrganisationsRepo['insertOrganisation']>[1];
      if (body.kind === 'agency') {
        const unit = await repo.unitByCode(body.unitCode);
        if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
        authorizeAt(organisationPolicy, actor, 'organisations.agencies', {
          unitPath: unit.path,
          kind: 'agency',
          ownerPersonId: null,
        });
        row = {
          kind: 'agency',
          name: body.name.trim(),
          enterprise_id: null,
          unit_code: unit.code,
          unit_path: unit.path,
          civil_service: body.civilService ?? true,
          created_by: actorRef(actor),
        };
      } else {
        if (!mayEver(organisationPolicy, actor, 'organisations.enterprises')) throw new AppError('FORBIDDEN', 403);
        const e = await repo.findEnterprise(body.enterpriseId);
        // missing and out of reach answer alike: the enterprise is not found
        const reach =
          e !== undefined &&
          can(organisationPolicy, actor, 'organisations.enterprises', {
            unitPath: e.unit_path,
            kind: 'enterprise',
            ownerPersonId: e.owner_person_id,
          });
        if (!e || !reach) throw new AppError('ENTERPRISE_NOT_FOUND', 404);
        row = {
          kind: 'enterprise',
          name: e.name,
          enterprise_id: e.id,
          unit_code: e.unit_code,
          unit_path: e.unit_path,
          civil_service: false,
          created_by: actorRef(actor),
        };
      }
      const created = await db.transaction().execute(async (trx) => {
        const inserted = await orgs.insertOrganisation(trx, row);
        if (!inserted) return undefined;
        await ctx.audit.append(trx, {
          actor: actor.kind === 'system' ? null : actor,
          action: 'organisations.create',
          resourceType: 'organisation',
          resourceId: inserted.id,
          unitCode: row.unit_code,
          details: { kind: row.kind },
        });
        return inserted;
      });
      if (!created) {
        const existing = row.enterprise_id ? await orgs.organisationOfEnterprise(row.enterprise_id) : undefined;
        throw new AppError('ORGANISATION_EXISTS', 409, undefined, {}, existing ? { id: existing.id } : {});
      }
      return { id: created.id };
    },

    /**
     * Organisations the actor reads (staff: their area, `unitCode` narrows it; a citizen: their enterprises') with
     * today's figures, and the civil-service agencies against the 100 % target.
     */
    async list(actor: Actor, query: OrganisationListQuery): Promise<OrganisationList> {
      const day = localDate(new Date());
      let rows: OrganisationFiguresRow[];
      if (actor.kind === 'citizen') {
        rows = await orgs.listFigures(systemScope("a citizen's own enterprises: filtered by owner"), day, {
          owner: actor.personId,
          ...(query.civilService !== undefined ? { civilService: query.civilService } : {}),
        });
      } else {
        let scope = scopeOf(organisationPolicy, actor, 'organisations.read');
        if (query.unitCode) {
          const unit = await repo.unitByCode(query.unitCode);
          authorize(unitPolicy, actor, 'organisations.read', unit && { unitPath: unit.path });
          scope = narrowScope(scope, (unit as { path: string }).path);
        }
        rows = await orgs.listFigures(
          scope,
          day,
          query.civilService !== undefined ? { civilService: query.civilService } : {},
        );
      }
      const items = rows.map((r) => toOrganisationSummary(r, actor.kind !== 'citizen'));
      const agencies = items.filter((o) => o.civilService);
      const members = agencies.reduce((n, o) => n + o.members, 0);
      const declared = agencies.reduce((n, o) => n + o.declaredToday, 0);
      return {
        day,
        items,
        civilService: {
          target: CIVIL_SERVICE_TARGET,
          agencies: agencies.length,
          agenciesAtTarget: agencies.filter((o) => o.atTarget).length,
          members,
          declaredToday: declared,
          share: members > 0 ? declared / members : null,
        },
      };
    },

    /** One organisation's figures today. */
    async get(actor: Actor, id: string): Promise<OrganisationSummary> {
      await load(actor, id);
      const row = await orgs.figuresOf(id, localDate(new Date()));
      if (!row) throw new AppError('ORGANISATION_NOT_FOUND', 404);
      return toOrganisationSummary(row, actor.kind !== 'citizen');
    },

    /**
     * Renames an organisation (whoever keeps its list: 404 when out of reach, 403 when only readable); audited.
     */
    async rename(actor: Actor, id: string, body: UpdateOrganisationBody): Promise<OrganisationSummary> {
      const name = body.name.trim();
      const org = await loadToManage(actor, id);
      if (!name) throw new AppError('ORGANISATION_NAME_INVALID', 400, { field: 'name' });
      await auditedChange(actor, org, 'organisations.rename', async (trx) => {
        if (!(await orgs.renameOrganisation(trx, org.id, name))) throw new AppError('ORGANISATION_NOT_FOUND', 404);
        return { result: undefined, details: { kind: org.kind } };
      });
      const row = await orgs.figuresOf(org.id, localDate(new Date()));
      if (!row) throw new AppError('ORGANISATION_NOT_FOUND', 404);
      return toOrganisationSummary(row, actor.kind !== 'citizen');
    },

    /**
     * Deletes an organisation and its member list (the people stay: they belong to the people module), by whoever
     * keeps the list; an enterprise's owner may start a new list afterwards. Audited with the number of members.
     */
    async remove(actor: Actor, id: string): Promise<void> {
      const org = await loadToManage(actor, id);
      await auditedChange(actor, org, 'organisations.delete', async (trx) => {
        const members = await orgs.deleteOrganisation(trx, org.id);
        if (members === undefined) throw new AppError('ORGANISATION_NOT_FOUND', 404);
        return { result: undefined, details: { kind: org.kind, members } };
      });
    },

    /** Adds one member (see the file comment for who may name whom); `added` false when already a member. */
    async addMember(actor: Actor, id: string, body: AddMemberBody): Promise<{ personId: string; added: boolean }> {
      const org = await loadToManage(actor, id);
      let personId: string;
      if ('personId' in body) personId = await personById(actor, body.personId, manageAction(org.kind));
      else {
        const who = identifiersOf(actor, body);
        if (actor.kind === 'citizen') {
          const [found] = await citizenLookups(actor, [who]);
          if (!found || found === 'miss' || found === 'limit')
            throw new AppError('ORGANISATION_MEMBER_NOT_MATCHED', 404);
          personId = found;
        } else personId = await personForStaff(actor, who, org);
      }
      const added = await addAndAudit(actor, org, [personId], { via: 'one' });
      return { personId, added: added.length === 1 };
    },

    /**
     * Adds the people of a CSV file (`national_id,phone,full_name`): each valid line is found or registered (staff) or
     * matched (a citizen, within the account's allowance of misses: lines past it come back RATE_LIMITED, not looked
     * up; none left → 429 before anything), then all are added in one transaction; lines that cannot be read are
     * returned with their line number and code.
     */
    async importMembers(actor: Actor, id: string, csv: string) {
      const org = await loadToManage(actor, id);
      const { rows, rejected } = parseMembersCsv(csv);
      const ids: string[] = [];
      const refused: MemberRowRejection[] = [...rejected];
      const refuse = (row: number, err: unknown) => {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        refused.push({ row, code: err.code });
      };
      const named: Array<{ row: number; who: Identifiers }> = [];
      for (const r of rows) {
        try {
          named.push({ row: r.row, who: identifiersOf(actor, r) });
        } catch (err) {
          refuse(r.row, err);
        }
      }
      if (actor.kind === 'citizen') {
        const found =
          named.length > 0
            ? await citizenLookups(
                actor,
                named.map((n) => n.who),
              )
            : [];
        for (const [i, n] of named.entries()) {
          const f = found[i];
          if (f === 'miss') refused.push({ row: n.row, code: 'ORGANISATION_MEMBER_NOT_MATCHED' });
          else if (f === 'limit' || f === undefined) refused.push({ row: n.row, code: 'RATE_LIMITED' });
          else ids.push(f);
        }
      } else {
        for (const n of named) {
          try {
            ids.push(await personForStaff(actor, n.who, org));
          } catch (err) {
            refuse(n.row, err);
          }
        }
      }
      const unique = [...new Set(ids)];
      const added = unique.length > 0 ? await addAndAudit(actor, org, unique, { via: 'csv' }) : [];
      refused.sort((a, b) => a.row - b.row);
      return {
        rows: rows.length + rejected.length,
        added: added.length,
        alreadyMembers: unique.length - added.length,
        rejected: refused.map((r) => {
          const body = errorBody(r.code);
          return { row: r.row, code: r.code, message: body.error.message, messageVi: body.error.messageVi };
        }),
      };
    },

    /** Removes a member (404 ORGANISATION_MEMBER_NOT_FOUND when they were not one); audited. */
    async removeMember(actor: Actor, id: string, personId: string): Promise<void> {
      const org = await loadToManage(actor, id);
      await auditedChange(actor, org, 'organisations.removeMember', async (trx) => {
        if (!(await orgs.deleteMember(trx, org.id, personId))) throw new AppError('ORGANISATION_MEMBER_NOT_FOUND', 404);
        return { result: undefined, details: { personIds: [personId] } };
      });
    },

    /**
     * The members (or, `filter=not_declared`, those who have not declared today), a page at a time (`after`: the
     * previous page's `next`), as the list's keeper needs them to remind people — a masked name, the birth year, the phone's last 3 digits — never more; the read is audited
     * with the people it returned.
     */
    async members(actor: Actor, id: string, query: MemberListQuery) {
      const after = query.after ? (decodeCursor(query.after, ['s', 's']) as [string, string]) : undefined;
      // the key's shape is checked by decodeCursor; the id must be what the statement casts it to
      if (after && !isUuid(after[1])) throw new AppError('INVALID_CURSOR', 400);
      const org = await load(actor, id);
      const day = localDate(new Date());
      const limit = query.limit ?? 200;
      const { rows, next } = toPage(
        await orgs.members(org.id, day, { notDeclared: query.filter === 'not_declared', limit: limit + 1, after }),
        limit,
        (r) => [r.name, r.id],
      );
      if (actor.kind !== 'system')
        await ctx.audit.record({
          actor,
          action: 'organisations.members',
          resourceType: 'organisation',
          resourceId: org.id,
          unitCode: org.unit_code,
          details: { filter: query.filter ?? 'all', count: rows.length, personIds: rows.map((r) => r.id) },
        });
      // an enterprise's owner (a citizen account) sees whether each worker declared today, never what: a flagged
      // declaration (symptoms, exposure) is health data for the health station, and the owner could have added anyone
      // by national ID — so neither the registry's birth year nor the phone's end, only the masked name
      const citizen = actor.kind === 'citizen';
      return {
        next,
        day,
        items: rows.map((r) => {
          const name = r.name.trim();
          return {
            personId: r.id,
            name: name ? maskPersonName(name) : null,
            birthYear: citizen ? null : r.birth_year,
            phoneEnd: citizen || !r.phone ? null : r.phone.slice(-3),
            today:
              r.status === null
                ? ('grey' as const)
                : r.status === 'flagged' && !citizen
                  ? ('yellow' as const)
                  : ('green' as const),
          };
        }),
      };
    },
  };
}

export type OrganisationsService = ReturnType<typeof organisationsService>;
