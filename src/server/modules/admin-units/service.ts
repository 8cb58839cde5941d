/**
 * The administrative unit tree: province → district → commune (or the 2025 province → commune) from an
 * imported CSV, plus hamlets (thôn/ấp/tổ dân phố, level below the commune) created by commune staff.
 */
import { sql, type Transaction } from 'kysely';
import type { AdminUnitRow, DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access.ts';
import { authorizeAt, mayEver } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { foldDiacritics } from '../../platform/formats.ts';
import { parseUnitsCsv } from './csv.ts';
import { adminUnitPolicy } from './policy.ts';
import { adminUnitsRepo } from './repo.ts';
import type { UnitDetail, UnitSummary } from './schemas.ts';

/** Unit types that are communes (the level where hamlets are created), before and after the 2025 reform. */
const COMMUNE_TYPE = /^(Xã|Phường|Thị trấn|Đặc khu)$/;

export function toUnitSummary(u: Pick<AdminUnitRow, 'code' | 'name' | 'type' | 'level' | 'parent_code'>): UnitSummary {
  return { code: u.code, name: u.name, type: u.type, level: u.level, parentCode: u.parent_code };
}

export function adminUnitsService(ctx: PlatformContext) {
  const repo = adminUnitsRepo(ctx.db);

  return {
    async get(code: string): Promise<UnitDetail> {
      const unit = await repo.findByCode(code);
      if (!unit) throw new AppError('UNIT_NOT_FOUND', 404);
      const ancestorCodes = unit.path.split('.').filter((c) => c && c !== unit.code);
      const [ancestors, children] = await Promise.all([repo.findByCodes(ancestorCodes), repo.children(code)]);
      ancestors.sort((a, b) => a.level - b.level);
      return {
        ...toUnitSummary(unit),
        isHamlet: unit.is_hamlet,
        ancestors: ancestors.map(toUnitSummary),
        children: children.map(toUnitSummary),
      };
    },

    async search(opts: {
      q?: string | undefined;
      level?: number | undefined;
      parentCode?: string | undefined;
      within?: string | undefined;
      limit?: number | undefined;
    }) {
      const folded = opts.q ? foldDiacritics(opts.q) : undefined;
      const rows = await repo.search({
        folded,
        level: opts.level,
        parentCode: opts.parentCode,
        within: opts.within,
        limit: opts.limit ?? 20,
      });
      return rows.map((r) => ({ ...toUnitSummary(r), parentName: r.parent_name }));
    },

    async createHamlet(actor: Actor, input: { parentCode: string; name: string; type: string }): Promise<UnitSummary> {
      if (!mayEver(adminUnitPolicy, actor, 'adminUnits.createHamlet')) throw new AppError('FORBIDDEN', 403);
      return ctx.db.transaction().execute(async (trx) => {
        const parent = await repo.findByCode(input.parentCode, trx);
        if (!parent) throw new AppError('UNIT_NOT_FOUND', 404);
        // the tree is public: a commune out of reach is refused (403), not hidden
        authorizeAt(adminUnitPolicy, actor, 'adminUnits.createHamlet', parent);
        if (parent.is_hamlet || !COMMUNE_TYPE.test(parent.type)) throw new AppError('UNIT_NOT_COMMUNE', 400);
        // one hamlet at a time per commune: codes are numbered from the count of existing children
        await sql`select 1 from admin_units where code = ${parent.code} for update`.execute(trx);
        const { n } = await repo.countHamlets(parent.code, trx);
        const code = `${parent.code}-${String(n + 1).padStart(2, '0')}`;
        const unit = {
          code,
          parentCode: parent.code,
          level: parent.level + 1,
          type: input.type,
          name: input.name.trim(),
          nameSearch: foldDiacritics(`${input.type} ${input.name}`),
        };
        await repo.insertHamlet(trx, unit, `${parent.path}${code}.`);
        await ctx.audit.append(trx, {
          actor,
          action: 'adminUnits.createHamlet',
          resourceType: 'admin_unit',
          resourceId: code,
          unitCode: parent.code,
        });
        return { code, name: unit.name, type: unit.type, level: unit.level, parentCode: parent.code };
      });
    },

    /**
     * Imports a units CSV idempotently: rows are upserted by code, then all paths are rebuilt. The whole file
     * is one transaction: a file with any problem changes nothing.
     */
    async importCsv(text: string): Promise<{ units: number }> {
      const { units, problems } = parseUnitsCsv(text);
      if (problems.length > 0) throw new Error(`units CSV is invalid:\n  ${problems.slice(0, 20).join('\n  ')}`);
      const inFile = new Set(units.map((u) => u.code));
      await ctx.db.transaction().execute(async (trx) => {
        const externalParents = [
          ...new Set(units.map((u) => u.parentCode).filter((p): p is string => !!p && !inFile.has(p))),
        ];
        const found = new Set((await repo.existingCodes(externalParents, trx)).map((r) => r.code));
        const orphans = externalParents.filter((p) => !found.has(p));
        if (orphans.length > 0)
          throw new Error(`units CSV refers to unknown parent code(s): ${orphans.slice(0, 20).join(', ')}`);
        // parents before children so the foreign key holds row by row
        const sorted = [...units].sort((a, b) => a.level - b.level);
        for (let i = 0; i < sorted.length; i += 1000) {
          await repo.upsertMany(
            trx,
            sorted.slice(i, i + 1000).map((u) => ({ ...u, nameSearch: foldDiacritics(u.name) })),
          );
        }
        await repo.recomputePaths(trx);
      });
      return { units: units.length };
    },

    count: async () => (await repo.count()).n,

    /** One unit with its path, for other modules placing a record (`trx` when inside the caller's transaction). */
    findByCode: (code: string, trx?: Transaction<DB>) => repo.findByCode(code, trx),
  };
}

export type AdminUnitsService = ReturnType<typeof adminUnitsService>;
