/**
 * Public entry of the vaccination module (issue 13): products and rules as data, priority groups, registrations,
 * sites, lots, sessions, invitations, check-in, screening, dose recording with rule checks, AEFI, corrections, doses
 * given elsewhere, the citizen's record and statistics.
 *
 * For the green pass (issue 17): `service.dosesForCertificate(personId)` and the outbox topic `RECORD_CHANGED`
 * (`vaccination.record-changed`, `{personId, doseId, change: 'recorded'|'corrected'|'revoked'}`), enqueued in the
 * transaction of every change of a person's valid doses. This module registers no handler for it: the consumer does.
 */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import type { PeopleService } from '../people/index.ts';
import { populationRefresh } from './jobs.ts';
import { vaccinationRepo } from './repo.ts';
import { vaccinationRoutes } from './routes.ts';
import { type VaccinationService, vaccinationService } from './service.ts';

export { type CertificateDose, RECORD_CHANGED, type RecordChanged } from './schemas.ts';
export type { VaccinationService } from './service.ts';

export const manifest: ModuleManifest = {
  name: 'vaccination',
  owns: [
    'vaccine_products',
    'vaccination_priority_groups',
    'vaccination_sites',
    'vaccine_lots',
    'vaccination_sessions',
    'vaccination_registrations',
    'vaccination_checklists',
    'vaccination_screenings',
    'vaccination_evidence',
    'vaccination_doses',
    'vaccination_aefi',
    'vaccination_corrections',
    'vaccination_coverage',
    'vaccination_population',
    'vaccination_cdc_contacts',
  ],
  reads: {
    people:
      "a subject's unit, birth year (or the national ID a missing one is derived from), name and phone (the dose's " +
      "commune and age band, required data, the invitation's phone), names in the lists, residents per commune and " +
      'age band (the coverage denominators)',
    dependants: 'whether a citizen is the guardian of the person; a guardian’s phone for an invitation',
    admin_units: 'unit paths (jurisdiction), commune names in the statistics, a hamlet’s commune',
  },
};

export interface VaccinationDeps {
  people: PeopleService;
}

export function vaccinationModule(ctx: PlatformContext, deps: VaccinationDeps): ModuleInstance<VaccinationService> {
  const repo = vaccinationRepo(ctx.db);
  const service = vaccinationService(ctx, { people: deps.people, repo });
  const refresh = populationRefresh(ctx, service);
  return {
    manifest,
    service,
    routes: vaccinationRoutes(service, ctx.config.photoBodyLimitBytes),
    jobs: [refresh.job],
    onWorkerStart: () => refresh.schedule(),
  };
}
