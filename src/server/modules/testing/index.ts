/**
 * Public entry of the testing module: campaigns, sample collection (individual and pooled RT-PCR, rapid antigen),
 * labs and their API keys, shipments and intake, results (entry, lab systems, CSV import, corrections), re-test tasks,
 * statistics and pool-size advice. A positive individual result publishes `test.result.positive` (the cases module's
 * topic) in the transaction that records it.
 */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import type { AdminUnitsService } from '../admin-units/index.ts';
import type { PeopleService } from '../people/index.ts';
import { type CampaignsService, campaignsService } from './campaigns.ts';
import { quarantineTestScheduler, testingJobs } from './jobs.ts';
import { testingRepo } from './repo.ts';
import { resultWriter } from './results.ts';
import { testingRoutes } from './routes.ts';
import { type TestingService, testingService } from './service.ts';

export type { CampaignsService } from './campaigns.ts';
export { advisePoolSize, testsPerPerson } from './pooling.ts';
export { RESULT_CORRECTED } from './schemas.ts';
export type { TestingService } from './service.ts';

export const manifest: ModuleManifest = {
  name: 'testing',
  owns: [
    'labs',
    'lab_api_keys',
    'testing_settings',
    'test_campaigns',
    'test_campaign_targets',
    'test_points',
    'shipments',
    'samples',
    'sample_members',
    'sample_results',
    'test_tasks',
    'testing_daily_stats',
  ],
  reads: {
    admin_units:
      'unit names and paths: the jurisdiction filter of every list and statistic, communes of a campaign, labs by area',
    people:
      "a campaign's target population per commune (one count at creation), names and phones of people to re-test " +
      "(tasks), phones for result messages, names in a citizen's own results",
    quarantine_orders: 'the test days of F1s under quarantine become tasks (set-based, by the recurring job)',
  },
};

/** The services testing uses. */
export interface TestingDeps {
  people: PeopleService;
  adminUnits: AdminUnitsService;
}

/** The module's service: tubes, labs and results (`TestingService`) and campaigns, statistics, tasks (`campaigns`). */
export type TestingModuleService = TestingService & { campaigns: CampaignsService };

export function testingModule(ctx: PlatformContext, deps: TestingDeps): ModuleInstance<TestingModuleService> {
  const repo = testingRepo(ctx.db);
  const results = resultWriter(ctx, repo);
  const samples = testingService(ctx, { ...deps, repo, results });
  const campaigns = campaignsService(ctx, { repo, adminUnits: deps.adminUnits });
  const scheduler = quarantineTestScheduler(ctx, campaigns);
  return {
    manifest,
    service: { ...samples, campaigns },
    routes: testingRoutes(ctx, samples, campaigns),
    jobs: [...testingJobs(ctx, repo), scheduler.job],
    onWorkerStart: () => scheduler.schedule(),
  };
}
