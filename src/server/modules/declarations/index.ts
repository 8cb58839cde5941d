/**
 * Public entry of the declarations module: electronic health declaration (forms as data, declaring for oneself,
 * dependants and — staff, partners — others, triage, the health station's follow-up tasks, today's badge, venues that
 * require a declaration, statistics) and the enterprise COVID-risk self-assessment.
 */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import type { PeopleService } from '../people/index.ts';
import type { VenuesService } from '../venues/index.ts';
import { type EnterprisesService, enterprisesService } from './enterprises.ts';
import { declarationMaintenance } from './jobs.ts';
import { type OrganisationsService, organisationsService } from './organisations.ts';
import { organisationsRepo } from './organisations-repo.ts';
import { type PartnersService, partnersService } from './partners.ts';
import { declarationsRepo } from './repo.ts';
import { declarationsRoutes } from './routes.ts';
import { type DeclarationsService, declarationsService, heldAnswer } from './service.ts';

/** Scoring an answer set against criteria (pure; the demo seed scores its synthetic assessments with it). */
export { scoreAssessment } from './forms.ts';
export type { Badge, DoorDeclarationCheck, DoorDeclarations } from './schemas.ts';
export type { DeclarationsService } from './service.ts';

export const manifest: ModuleManifest = {
  name: 'declarations',
  owns: [
    'declaration_forms',
    'declarations',
    'declaration_badges',
    'health_tasks',
    'declaration_daily_stats',
    'declaration_venue_rules',
    'declaration_partners',
    'partner_phone_codes',
    'partner_verified_phones',
    'enterprise_criteria',
    'enterprises',
    'enterprise_assessments',
    'enterprise_inspections',
    'organisations',
    'organisation_members',
    'organisation_member_lookups',
  ],
  reads: {
    people:
      "a subject's unit and phone (where a task goes, who gets the message), names and phones in the health " +
      "station's task list, a partner's phone to its person, " +
      "an organisation's members to remind (masked name, birth year, the phone's last digits), the person a door " +
      "scanned by personal QR (name, birth year, unit: read with the badge, shown as people's doorPersonView decides)",
    dependants: 'whether a citizen is the guardian of the person they declare for (one indexed look-up)',
    admin_units:
      'unit paths (jurisdiction of tasks, statistics, enterprises, the scanned person at the door), commune names, ' +
      '`unit` answers',
  },
};

/** The services declarations use (people are found or registered through people; venues authorize venue rules). */
export interface DeclarationsDeps {
  people: PeopleService;
  venues: VenuesService;
}

/** The module's service: declarations, plus enterprises and partners. */
export type DeclarationsModuleService = DeclarationsService & {
  enterprises: EnterprisesService;
  partners: PartnersService;
  organisations: OrganisationsService;
};

export function declarationsModule(
  ctx: PlatformContext,
  deps: DeclarationsDeps,
): ModuleInstance<DeclarationsModuleService> {
  const repo = declarationsRepo(ctx.db, { held: heldAnswer() });
  const declarations = declarationsService(ctx, { ...deps, repo });
  const enterprises = enterprisesService(ctx, { repo, people: deps.people });
  const partners = partnersService(ctx, { repo, people: deps.people, declarations });
  const organisations = organisationsService(ctx, { repo, orgs: organisationsRepo(ctx.db), people: deps.people });
  const maintenance = declarationMaintenance(ctx);
  return {
    manifest,
    service: { ...declarations, enterprises, partners, organisations },
    routes: declarationsRoutes(declarations, enterprises, partners, organisations),
    // the retention purge: hourly, one pending run, scheduled when a worker starts
    jobs: [maintenance.job],
    onWorkerStart: () => maintenance.schedule(),
  };
}
