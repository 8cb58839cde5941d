/** Public entry of the cases module: F0 cases, automatic tracing (F1/F2), quarantine orders, exposure notices. */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { contactTasksService } from './handover.ts';
import { caseJobs } from './jobs.ts';
import { casesRoutes } from './routes.ts';
import { type CasesService, casesService } from './service.ts';

export { TEST_RESULT_POSITIVE, type TestResultPositiveEvent } from './schemas.ts';
export type { CasesService } from './service.ts';

export const manifest: ModuleManifest = {
  name: 'cases',
  owns: ['tracing_rules', 'case_counters', 'cases', 'contacts', 'quarantine_orders', 'exposure_notices'],
};

export function casesModule(ctx: PlatformContext): ModuleInstance<CasesService> {
  const service = casesService(ctx);
  return {
    manifest,
    service,
    routes: casesRoutes(service, contactTasksService(ctx)),
    jobs: caseJobs(service),
  };
}
