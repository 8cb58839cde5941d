/**
 * Contacts who live outside the reading tracer's area (issue 10, finding 5). A case's contacts are the case
 * district's work, but a contact's identity belongs to the tracers whose area covers where the contact lives:
 *   - the case's tracers see such a contact as "someone in district D" — no name, phone, national ID or exact unit —
 *     with the status of its follow-up (`outOfScope: true` in every contact view);
 *   - the tracers of D get it as a contact task (`GET /api/v1/contact-tasks`), with identity, and update its
 *     follow-up there; the case's tracers see the new status.
 * "District" is the contact's unit one level below the province (a commune in the 2025 two-level structure).
 */
import type { Transaction } from 'kysely';
import type { DB, FollowUp } from '../../db/types.ts';
import type { Actor } from '../../platform/access.ts';
import { authorize, scopeOf } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { can, casePolicy, contactPolicy } from './policy.ts';
import type { CasesRepo } from './repo.ts';

export interface DistrictRef {
  code: string;
  name: string;
}

/** True when the actor's tracing area covers a person living at `unitPath` (then they may see who it is). */
export function seesIdentity(actor: Actor, unitPath: string | null): boolean {
  return can(actor, 'cases.read', { unit_path: unitPath });
}

/** The district code of a unit path (`75.731.25993.` → `731`); null above district level or without a unit. */
function districtCode(unitPath: string | null): string | null {
  return unitPath?.split('.')[1] || null;
}

/** The districts (code and name) of the given unit paths, keyed by path, in one query. */
export async function districtsOf(
  repo: CasesRepo,
  paths: Array<string | null>,
  trx?: Transaction<DB>,
): Promise<Map<string, DistrictRef>> {
  const codes = [...new Set(paths.map(districtCode).filter((c): c is string => c !== null))];
  const out = new Map<string, DistrictRef>();
  if (codes.length === 0) return out;
  const byCode = new Map((await repo.findUnits(codes, trx)).map((r) => [r.code, r]));
  for (const path of paths) {
    const code = districtCode(path);
    const unit = code ? byCode.get(code) : undefined;
    if (path && unit) out.set(path, { code: unit.code, name: unit.name });
  }
  return out;
}

export function contactTasksService(ctx: PlatformContext, { repo }: { repo: CasesRepo }) {
  const db = ctx.db;

  return {
    /**
     * Contacts of other areas' cases who live in the actor's area: one row per (case, person) at its strongest
     * evidence, newest first, with the contact's identity and the case's display code and district (never the F0).
     * Audited with the people returned.
     */
    async list(actor: Actor, opts: { followUp?: FollowUp | undefined; limit?: number | undefined }) {
      const scope = scopeOf(casePolicy, actor, 'cases.read');
      // a national grant covers every case: nothing is handed to it
      const rows = scope.paths === 'all' ? [] : await repo.listHandedOver(scope, { ...opts, limit: opts.limit ?? 200 });
      const districts = await districtsOf(
        repo,
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
        unitFullName: r.unit_full_name,
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
     * contact lives (whichever district the case is in); `released` also releases their quarantine order when it
     * was issued in the actor's area.
     * 404 CONTACT_NOT_FOUND whether the case has no such contact or the contact lives outside the actor's area.
     */
    async update(actor: Actor, caseId: string, personId: string, input: { followUp: FollowUp }) {
      const target = authorize(contactPolicy, actor, 'cases.update', await repo.findContactPerson(caseId, personId));
      const updated = await db.transaction().execute(async (trx) => {
        const changed = await repo.updateFollowUp(caseId, [personId], { follow_up: input.followUp }, trx);
        // only an order issued in the actor's area (the person may have moved since it was issued)
        const released =
          input.followUp === 'released'
            ? await repo.releaseQuarantine(caseId, [personId], scopeOf(casePolicy, actor, 'cases.update'), trx)
            : 0;
        await ctx.audit.append(trx, {
          actor,
          action: 'cases.contactTasks.update',
          resourceType: 'person',
          resourceId: personId,
          unitCode: target.unit_code,
          details: {
            caseId,
            followUp: input.followUp,
            ...(input.followUp === 'released' ? { ordersReleased: released } : {}),
          },
        });
        return changed > 0 ? 1 : 0;
      });
      return { updated };
    },
  };
}

export type ContactTasksService = ReturnType<typeof contactTasksService>;
