/** Public entry of the cases module: F0 cases, automatic tracing (F1/F2), quarantine orders, exposure notices. */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { caseJobs } from './jobs.ts';
import { createCaseOpener } from './opener.ts';
import { casesRepo } from './repo.ts';
import { casesRoutes } from './routes.ts';
import { type CasesService, casesService } from './service.ts';
import { createTracing } from './tracing.ts';

// "Held today" (an open case or an active quarantine order covering the day) is the SQL function `person_held`,
// defined for this module in db/functions/cases_person_held.sql: other modules ask it inside their own statements
// (the declarations module's writing statement).
export { TEST_RESULT_POSITIVE, type TestResultPositiveEvent } from './schemas.ts';
export type { CasesService } from './service.ts';

export const manifest: ModuleManifest = {
  name: 'cases',
  owns: ['tracing_rules', 'case_counters', 'cases', 'contacts', 'quarantine_orders', 'exposure_notices'],
  reads: {
    people:
      'names and phones of F0s and contacts joined set-based into tracing and lists, household members, the person ' +
      'a tracer names (with their unit), and the F0 row lock that keeps one open case per person',
    dependants: "a guardian's phone for a contact without one (tracing messages)",
    citizen_accounts: 'whose account a phone is: a tracer naming a contact by phone finds its account holder first',
    admin_units:
      'unit paths for jurisdiction (scoped lists, authorizing cases, contacts and venues) and district names',
    venues: "venue names in contact lists, messages and citizens' notices; a venue's unit for venue alerts",
  },
};

/**
 * Builds the module once: one repository, one tracing pass and one group-commit case opener per app, and the
 * service over them.
 */
export function casesModule(ctx: PlatformContext): ModuleInstance<CasesService> {
  const repo = casesRepo(ctx.db);
  const tracing = createTracing(repo, ctx.notifier);
  const opener = createCaseOpener(ctx.db, { repo, tracing, audit: ctx.audit });
  const cases = casesService(ctx, { repo, tracing, opener });
  return {
    manifest,
    service: cases,
    routes: casesRoutes(cases),
    jobs: caseJobs(cases),
  };
}
