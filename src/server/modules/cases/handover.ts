/**
 * Contacts who live outside the reading tracer's area (issue 10, finding 5). A case's contacts are the case
 * district's work, but a contact's identity belongs to the tracers whose area covers where the contact lives:
 *   - the case's tracers see such a contact as "someone in district D" — no name, phone, national ID or exact unit —
 *     with the status of its follow-up (`outOfScope: true` in every contact view);
 *   - the tracers of D get it as a contact task (`GET /api/v1/contact-tasks`), with identity, and update its
 *     follow-up there; the case's tracers see the new status.
 * "District" is the contact's unit one level below the province (a commune in the 2025 two-level structure).
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB, FollowUp } from '../../db/types.ts';
import { type Actor, hasRole, scopeFor } from '../../platform/access.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { can, caseActions } from './policy.ts';

type Q = Kysely<DB> | Transaction<DB>;

export interface DistrictRef {
  code: string;
  name: string;
}

/** True when the actor's tracing area covers a person living at `unitPath` (then they may see who it is). */
export function seesIdentity(actor: Actor, unitPath: string | null): boolean {
  return can(actor, 'cases.read', { unitPath });
}

/** The district code of a unit path (`75.731.25993.` → `731`); null above district level or without a unit. */
function districtCode(unitPath: string | null): string | null {
  return unitPath?.split('.')[1] || null;
}

/** The districts (code and name) of the given unit paths, keyed by path, in one query. */
export async function districtsOf(q: Q, paths: Array<string | null>): Promise<Map<string, DistrictRef>> {
  const codes = [...new Set(paths.map(districtCode).filter((c): c is string => c !== null))];
  const out = new Map<string, DistrictRef>();
  if (codes.length === 0) return out;
  const rows = await q.selectFrom('admin_units').select(['code', 'name']).where('code', 'in', codes).execute();
  const byCode = new Map(rows.map((r) => [r.code, r]));
  for (const path of paths) {
    const code = districtCode(path);
    const unit = code ? byCode.get(code) : undefined;
    if (path && unit) out.set(path, { code: unit.code, name: unit.name });
  }
  return out;
}

const VIA_RANK = sql<number>`case k.via_type when 'household' then 0 when 'manual' then 1 when 'venue' then 2 else 3 end`;

export function contactTasksService(ctx: PlatformContext) {
  const db = ctx.db;

  return {
    /**
     * Contacts of other areas' cases who live in the actor's area: one row per (case, person) at its strongest
     * evidence, newest first, with the contact's identity and the case's display code and district (never the F0).
     * Audited with the people returned.
     */
    async list(actor: Actor, opts: { followUp?: FollowUp | undefined; limit?: number | undefined }) {
      const scope = scopeFor(actor, caseActions['cases.read']);
      if (scope !== 'all' && scope.length === 0) throw new AppError('FORBIDDEN', 403);
      // a national grant covers every case: nothing is handed to it
      const rows =
        scope === 'all'
          ? []
          : await db
              .selectFrom((eb) => {
                let q = eb
                  .selectFrom('contacts as k')
                  // contacts.unit_code (where the contact lived when traced) finds the candidates by index;
                  // the person's current unit decides, so someone who moved away is no longer this area's
                  .innerJoin('admin_units as ku', 'ku.code', 'k.unit_code')
                  .innerJoin('people as p', 'p.id', 'k.person_id')
                  .innerJoin('admin_units as pu', 'pu.code', 'p.unit_code')
                  .innerJoin('cases as c', 'c.id', 'k.case_id')
                  .leftJoin('admin_units as cu', 'cu.code', 'c.unit_code')
                  .leftJoin('venues as v', 'v.id', 'k.venue_id')
                  .leftJoin('quarantine_orders as o', (j) =>
                    j.onRef('o.person_id', '=', 'k.person_id').onRef('o.case_id', '=', 'k.case_id'),
                  )
                  .distinctOn(['k.case_id', 'k.person_id'])
                  .select([
                    'k.case_id',
                    'c.display_code',
                    'cu.path as case_path',
                    'k.person_id',
                    'p.name',
                    'p.phone',
                    'p.unit_code',
                    'pu.name as unit_name',
                    'k.degree',
                    'k.via_type',
                    'v.name as venue_name',
                    'k.overlap_start',
                    'k.overlap_end',
                    'k.follow_up',
                    'k.assigned_tracer_id',
                    'k.created_at',
                    'o.kind as q_kind',
                    'o.starts_on as q_starts',
                    'o.ends_on as q_ends',
                    'o.status as q_status',
                  ])
                  .where((w) => w.or(scope.map((s) => w('ku.path', 'like', `${s}%`))))
                  .where((w) => w.or(scope.map((s) => w('pu.path', 'like', `${s}%`))))
                  .where((w) => w.not(w.or(scope.map((s) => w(sql`coalesce(cu.path, '')`, 'like', `${s}%`)))));
                if (opts.followUp) q = q.where('k.follow_up', '=', opts.followUp);
                return q
                  .orderBy('k.case_id')
                  .orderBy('k.person_id')
                  .orderBy('k.degree')
                  .orderBy(VIA_RANK)
                  .orderBy(sql`k.overlap_minutes desc nulls last`)
                  .as('t');
              })
              .selectAll('t')
              .orderBy('t.created_at', 'desc')
              .limit(opts.limit ?? 200)
              .execute();
      const districts = await districtsOf(
        db,
        rows.map((r) => r.case_path),
      );
      await ctx.audit.record({
        actor,
        action: 'cases.contactTasks',
        resourceType: 'person',
        details: { results: rows.length, personIds: rows.map((r) => r.person_id) },
      });
      return rows.map((r) => ({
        caseId: r.case_id,
        caseDisplayCode: r.display_code,
        caseDistrict: (r.case_path && districts.get(r.case_path)) || null,
        personId: r.person_id,
        name: r.name,
        phone: r.phone,
        unitCode: r.unit_code,
        unitName: r.unit_name,
        degree: r.degree,
        via: {
          type: r.via_type,
          ...(r.venue_name ? { venueName: r.venue_name } : {}),
          ...(r.overlap_start ? { overlapStart: r.overlap_start.toISOString() } : {}),
          ...(r.overlap_end ? { overlapEnd: r.overlap_end.toISOString() } : {}),
        },
        followUp: r.follow_up,
        assignedTracerId: r.assigned_tracer_id,
        handedAt: r.created_at.toISOString(),
        quarantine: r.q_kind
          ? { kind: r.q_kind, startsOn: r.q_starts as string, endsOn: r.q_ends as string, status: r.q_status as string }
          : null,
      }));
    },

    /**
     * Sets the follow-up of one contact (all its evidence rows) of a case, by a tracer whose area covers where the
     * contact lives (whichever district the case is in); `released` also releases their quarantine order.
     */
    async update(actor: Actor, caseId: string, personId: string, input: { followUp: FollowUp }) {
      const target = await db
        .selectFrom('contacts as k')
        .innerJoin('people as p', 'p.id', 'k.person_id')
        .leftJoin('admin_units as pu', 'pu.code', 'p.unit_code')
        .select(['p.unit_code', 'pu.path'])
        .where('k.case_id', '=', caseId)
        .where('k.person_id', '=', personId)
        .limit(1)
        .executeTakeFirst();
      if (!target || !can(actor, 'cases.update', { unitPath: target.path })) {
        if (actor.kind === 'staff' && !hasRole(actor, caseActions['cases.update'])) {
          throw new AppError('FORBIDDEN', 403);
        }
        throw new AppError('CONTACT_NOT_FOUND', 404);
      }
      const updated = await db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('contacts')
          .set({ follow_up: input.followUp, updated_at: new Date() })
          .where('case_id', '=', caseId)
          .where('person_id', '=', personId)
          .executeTakeFirst();
        if (input.followUp === 'released') {
          await trx
            .updateTable('quarantine_orders')
            .set({ status: 'released' })
            .where('case_id', '=', caseId)
            .where('person_id', '=', personId)
            .execute();
        }
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.contactTasks.update',
          resourceType: 'person',
          resourceId: personId,
          unitCode: target.unit_code,
          details: { caseId, followUp: input.followUp },
        });
        return res.numUpdatedRows > 0n ? 1 : 0;
      });
      return { updated };
    },
  };
}

export type ContactTasksService = ReturnType<typeof contactTasksService>;
