/**
 * What a citizen sees of tracing: their own exposure notices (the `exposure_notices` view: per case, their strongest
 * confirmed evidence — never who the case is) and their own quarantine orders. Authorized by construction: the only
 * input is the signed-in citizen, and the queries select that person's rows and nothing else.
 */
import type { CitizenActor } from '../../platform/access.ts';
import type { CasesRepo } from './repo.ts';

export function citizenViews({ repo }: { repo: CasesRepo }) {
  return {
    async myExposures(actor: CitizenActor) {
      const rows = await repo.findExposuresOf(actor.personId);
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

    async myQuarantine(actor: CitizenActor) {
      const rows = await repo.findQuarantineOrdersOf(actor.personId);
      return rows.map((r) => ({ id: r.id, kind: r.kind, startsOn: r.starts_on, endsOn: r.ends_on, status: r.status }));
    },
  };
}

export type CitizenViews = ReturnType<typeof citizenViews>;
