/**
 * Kysely queries for organisations and their members (the declarations module's tables `organisations`,
 * `organisation_members`, and `organisation_member_lookups`: the look-ups of members that matched no one), plus the declared reads: `people` (a member's name, birth year and phone for the list of
 * who has not declared) and `enterprises`/`declaration_badges` (the module's own).
 *
 * The figures join members to `declaration_badges` on its primary key (person, day): one indexed probe per member,
 * so an organisation's share costs O(its members) — never a scan of the declarations. Lists take an AccessScope.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB, OrganisationKind } from '../../db/types.ts';
import { type AccessScope, scoped } from '../../platform/authorize.ts';
import { pageLimit } from '../../platform/paging.ts';

type Q = Kysely<DB> | Transaction<DB>;

/** An organisation with today's figures. */
export interface OrganisationFiguresRow {
  id: string;
  kind: OrganisationKind;
  name: string;
  enterprise_id: string | null;
  unit_code: string;
  unit_path: string;
  unit_name: string | null;
  civil_service: boolean;
  owner_person_id: string | null;
  members: number;
  declared: number;
  flagged: number;
}

export function organisationsRepo(db: Kysely<DB>) {
  /** Organisations with members, declared on `day` and flagged on `day` (one badge probe per member). */
  function figures(day: string) {
    return db
      .selectFrom('organisations as o')
      .leftJoin('enterprises as e', 'e.id', 'o.enterprise_id')
      .leftJoin('admin_units as u', 'u.code', 'o.unit_code')
      .leftJoin('organisation_members as m', 'm.organisation_id', 'o.id')
      .leftJoin('declaration_badges as b', (j) => j.onRef('b.person_id', '=', 'm.person_id').on('b.day', '=', day))
      .select([
        'o.id',
        'o.kind',
        'o.name',
        'o.enterprise_id',
        'o.unit_code',
        'o.unit_path',
        'u.name as unit_name',
        'o.civil_service',
        'e.owner_person_id',
        sql<number>`count(m.person_id)::int`.as('members'),
        sql<number>`count(b.person_id)::int`.as('declared'),
        sql<number>`(count(b.person_id) filter (where b.status = 'flagged'))::int`.as('flagged'),
      ])
      .groupBy(['o.id', 'e.owner_person_id', 'u.name']);
  }

  return {
    insertOrganisation: (
      trx: Q,
      row: {
        kind: OrganisationKind;
        name: string;
        enterprise_id: string | null;
        unit_code: string;
        unit_path: string;
        civil_service: boolean;
        created_by: string;
      },
    ) =>
      trx
        .insertInto('organisations')
        .values(row)
        .onConflict((oc) => oc.column('enterprise_id').doNothing())
        .returning('id')
        .executeTakeFirst(),

    /** One organisation (with its enterprise's owner), or undefined. */
    findOrganisation: (id: string) =>
      db
        .selectFrom('organisations as o')
        .leftJoin('enterprises as e', 'e.id', 'o.enterprise_id')
        .select(['o.id', 'o.kind', 'o.name', 'o.unit_code', 'o.unit_path', 'o.civil_service', 'e.owner_person_id'])
        .where('o.id', '=', id)
        .executeTakeFirst(),

    /** The organisation of an enterprise, if it has one. */
    organisationOfEnterprise: (enterpriseId: string) =>
      db.selectFrom('organisations').select('id').where('enterprise_id', '=', enterpriseId).executeTakeFirst(),

    /** One organisation's figures on `day`. */
    figuresOf: (id: string, day: string): Promise<OrganisationFiguresRow | undefined> =>
      figures(day).where('o.id', '=', id).executeTakeFirst(),

    /**
     * Organisations in the scope (or, with `owner`, those of a citizen's enterprises) with their figures on `day`,
     * civil-service agencies first, then by name. At most 1000.
     */
    listFigures: (
      scope: AccessScope,
      day: string,
      opts: { owner?: string; civilService?: boolean },
    ): Promise<OrganisationFiguresRow[]> => {
      let q = figures(day);
      if (opts.owner) q = q.where('e.owner_person_id', '=', opts.owner);
      if (opts.civilService !== undefined) q = q.where('o.civil_service', '=', opts.civilService);
      return scoped(q, scope, 'o.unit_path')
        .orderBy('o.civil_service', 'desc')
        .orderBy('o.name')
        .orderBy('o.id')
        .limit(1000)
        .execute();
    },

    /** Adds members (already members are left as they are); the ids actually added. */
    insertMembers: async (trx: Q, organisationId: string, personIds: readonly string[], addedBy: string) =>
      personIds.length === 0
        ? []
        : (
            await trx
              .insertInto('organisation_members')
              .values(personIds.map((person_id) => ({ organisation_id: organisationId, person_id, added_by: addedBy })))
              .onConflict((oc) => oc.columns(['organisation_id', 'person_id']).doNothing())
              .returning('person_id')
              .execute()
          ).map((r) => r.person_id),

    /** Removes a member; false when they were not one. */
    deleteMember: async (trx: Q, organisationId: string, personId: string) =>
      (
        await trx
          .deleteFrom('organisation_members')
          .where('organisation_id', '=', organisationId)
          .where('person_id', '=', personId)
          .executeTakeFirst()
      ).numDeletedRows > 0n,

    /** Renames an organisation; false when it is gone. */
    renameOrganisation: async (trx: Q, id: string, name: string) =>
      (await trx.updateTable('organisations').set({ name }).where('id', '=', id).executeTakeFirst()).numUpdatedRows >
      0n,

    /** Deletes an organisation and its member list (people stay: they are the people module's); the members removed. */
    deleteOrganisation: async (trx: Q, id: string): Promise<number | undefined> => {
      const members = await trx.deleteFrom('organisation_members').where('organisation_id', '=', id).executeTakeFirst();
      const org = await trx.deleteFrom('organisations').where('id', '=', id).executeTakeFirst();
      return org.numDeletedRows > 0n ? Number(members.numDeletedRows) : undefined;
    },

    /**
     * Members with their badge status on `day` (null: not declared), by name then id, a page of `limit` after the
     * key `after` (keyset); `notDeclared` keeps those without. The name, birth year and phone are for the caller to
     * mask.
     */
    members: (
      organisationId: string,
      day: string,
      opts: { notDeclared: boolean; limit: number; after?: readonly [string, string] | undefined },
    ) => {
      let q = db
        .selectFrom('organisation_members as m')
        .innerJoin('people as p', 'p.id', 'm.person_id')
        .leftJoin('declaration_badges as b', (j) => j.onRef('b.person_id', '=', 'm.person_id').on('b.day', '=', day))
        .select(['p.id', 'p.name', 'p.birth_year', 'p.phone', 'b.status'])
        .where('m.organisation_id', '=', organisationId);
      if (opts.notDeclared) q = q.where('b.person_id', 'is', null);
      // keyset: the members after the previous page's last, in the list's own order (the same collation for both)
      const after = opts.after;
      if (after) q = q.where(sql<boolean>`(p.name, p.id) > (${after[0]}::text, ${after[1]}::uuid)`);
      return q.orderBy('p.name').orderBy('p.id').limit(pageLimit(opts.limit)).execute();
    },

    // ——— member look-ups that matched no one, per citizen account (organisation_member_lookups) ———

    /**
     * The account's look-ups that missed since `since`, oldest first, under the account's lock (held to the end of
     * the caller's transaction: two requests at once cannot both take the last ones); its older rows are deleted.
     */
    lookupMissesSince: async (trx: Q, ownerPersonId: string, since: Date) => {
      await sql`select pg_advisory_xact_lock(7231040, hashtext(${ownerPersonId}))`.execute(trx);
      await trx
        .deleteFrom('organisation_member_lookups')
        .where('owner_person_id', '=', ownerPersonId)
        .where('at', '<=', since)
        .execute();
      return trx
        .selectFrom('organisation_member_lookups')
        .select(['at', 'misses'])
        .where('owner_person_id', '=', ownerPersonId)
        .where('at', '>', since)
        .orderBy('at')
        .execute();
    },

    /** Reserves `misses` look-ups for a request (its row, kept at what the request used: `settleLookups`). */
    reserveLookups: async (trx: Q, ownerPersonId: string, at: Date, misses: number) =>
      (
        await trx
          .insertInto('organisation_member_lookups')
          .values({ owner_person_id: ownerPersonId, at, misses })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,

    /** What a request's look-ups used of its reservation: the misses, or nothing (the row goes). */
    settleLookups: async (id: string, misses: number) => {
      if (misses > 0)
        await db.updateTable('organisation_member_lookups').set({ misses }).where('id', '=', id).execute();
      else await db.deleteFrom('organisation_member_lookups').where('id', '=', id).execute();
    },

    /** Deletes every account's rows older than `before` (the hourly maintenance); the number deleted. */
    purgeLookups: async (before: Date) =>
      Number(
        (await db.deleteFrom('organisation_member_lookups').where('at', '<', before).executeTakeFirst()).numDeletedRows,
      ),
  };
}

export type OrganisationsRepo = ReturnType<typeof organisationsRepo>;
