/** Queries over the administrative unit tree (admin_units). */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { AdminUnitRow, DB } from '../../db/types.ts';

type Q = Kysely<DB> | Transaction<DB>;

export interface UnitInput {
  code: string;
  parentCode: string | null;
  level: number;
  type: string;
  name: string;
  nameSearch: string;
}

export function adminUnitsRepo(db: Kysely<DB>) {
  return {
    findByCode: (code: string, q: Q = db) =>
      q.selectFrom('admin_units').selectAll().where('code', '=', code).executeTakeFirst(),

    children: (code: string) =>
      db.selectFrom('admin_units').selectAll().where('parent_code', '=', code).orderBy('name').execute(),

    findByCodes: (codes: string[]) =>
      codes.length === 0
        ? Promise.resolve([] as AdminUnitRow[])
        : db.selectFrom('admin_units').selectAll().where('code', 'in', codes).execute(),

    /**
     * Accent-insensitive name search. Units whose folded name starts with the query (or whose name without
     * its type word does) rank first, then by level (provinces before communes), then by name.
     */
    search: (opts: {
      folded?: string | undefined;
      level?: number | undefined;
      parentCode?: string | undefined;
      within?: string | undefined;
      limit: number;
    }) => {
      let query = db
        .selectFrom('admin_units as u')
        .leftJoin('admin_units as p', 'p.code', 'u.parent_code')
        .select(['u.code', 'u.name', 'u.type', 'u.level', 'u.parent_code', 'p.name as parent_name']);
      if (opts.folded) query = query.where('u.name_search', 'like', `%${opts.folded.replace(/[%_\\]/g, '\\$&')}%`);
      if (opts.level !== undefined) query = query.where('u.level', '=', opts.level);
      if (opts.parentCode !== undefined) query = query.where('u.parent_code', '=', opts.parentCode);
      // a path is codes and dots ('75.731.26734.'): as a prefix it needs no escaping; an unknown unit has no path,
      // so nothing is within it
      if (opts.within !== undefined) {
        const within = opts.within;
        query = query.where(
          sql<boolean>`u.path like (select w.path || '%' from admin_units w where w.code = ${within})`,
        );
      }
      // without a query there is nothing to rank by (and a literal `order by 0` is an SQL error)
      if (opts.folded) {
        query = query.orderBy(
          sql<number>`case when position(${opts.folded} in u.name_search) = 1 then 0
                           when position(${` ${opts.folded}`} in u.name_search) > 0 then 1 else 2 end`,
        );
      }
      return query.orderBy('u.level').orderBy('u.name').limit(opts.limit).execute();
    },

    countHamlets: (parentCode: string, trx: Q) =>
      trx
        .selectFrom('admin_units')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('parent_code', '=', parentCode)
        .executeTakeFirstOrThrow(),

    insertHamlet: (trx: Transaction<DB>, unit: UnitInput, path: string) =>
      trx
        .insertInto('admin_units')
        .values({
          code: unit.code,
          parent_code: unit.parentCode,
          level: unit.level,
          type: unit.type,
          name: unit.name,
          name_search: unit.nameSearch,
          path,
          is_hamlet: true,
        })
        .execute(),

    /** Inserts or updates units; paths are recomputed afterwards by `recomputePaths`. */
    upsertMany: (trx: Transaction<DB>, units: UnitInput[]) =>
      trx
        .insertInto('admin_units')
        .values(
          units.map((u) => ({
            code: u.code,
            parent_code: u.parentCode,
            level: u.level,
            type: u.type,
            name: u.name,
            name_search: u.nameSearch,
            path: '',
          })),
        )
        .onConflict((oc) =>
          oc.column('code').doUpdateSet((eb) => ({
            parent_code: eb.ref('excluded.parent_code'),
            level: eb.ref('excluded.level'),
            type: eb.ref('excluded.type'),
            name: eb.ref('excluded.name'),
            name_search: eb.ref('excluded.name_search'),
          })),
        )
        .execute(),

    /** Rebuilds every materialized path from parent links (a moved unit moves its whole subtree). */
    recomputePaths: (trx: Transaction<DB>) =>
      sql`
        with recursive tree(code, path) as (
          select code, code || '.' from admin_units where parent_code is null
          union all
          select c.code, t.path || c.code || '.' from admin_units c join tree t on c.parent_code = t.code
        )
        update admin_units a set path = tree.path from tree where a.code = tree.code and a.path <> tree.path
      `.execute(trx),

    existingCodes: (codes: string[], trx: Q) =>
      codes.length === 0
        ? Promise.resolve([] as { code: string }[])
        : trx.selectFrom('admin_units').select('code').where('code', 'in', codes).execute(),

    count: () => db.selectFrom('admin_units').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  };
}
