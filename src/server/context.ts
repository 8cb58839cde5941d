/**
 * The composition root: the one place that builds the running app — the platform (config, database, audit, jobs,
 * notifier, sessions, keys) and then every module, once, in dependency order, each given the platform and the
 * services of the modules it uses. Module job handlers are registered here; `app.ts` mounts the modules' routes and
 * `main.ts` starts their worker tasks. Nothing else constructs a service, so long-lived state (caches, group-commit
 * writers, worker pools) lives in exactly one instance per app.
 */
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { type AdminUnitsService, adminUnitsModule } from './modules/admin-units/index.ts';
import { type AuditService, auditModule } from './modules/audit/index.ts';
import { type AuthService, authModule } from './modules/auth/index.ts';
import { type CasesService, casesModule } from './modules/cases/index.ts';
import { type CheckinsService, checkinsModule } from './modules/checkins/index.ts';
import { type DeclarationsModuleService, declarationsModule } from './modules/declarations/index.ts';
import { devModule } from './modules/dev/index.ts';
import { type ExposureService, exposureModule } from './modules/exposure/index.ts';
import { type GreenpassService, greenpassModule } from './modules/greenpass/index.ts';
import { type PeopleService, peopleModule } from './modules/people/index.ts';
import { type StaffService, staffModule } from './modules/staff/index.ts';
import { type TestingModuleService, testingModule } from './modules/testing/index.ts';
import { type VaccinationService, vaccinationModule } from './modules/vaccination/index.ts';
import { type VenuesService, venuesModule } from './modules/venues/index.ts';
import { createPlatformContext, type PlatformContext } from './platform/context.ts';
import type { ModuleInstance } from './platform/module.ts';

export interface Services {
  adminUnits: AdminUnitsService;
  people: PeopleService;
  staff: StaffService;
  auth: AuthService;
  audit: AuditService;
  venues: VenuesService;
  checkins: CheckinsService;
  cases: CasesService;
  exposure: ExposureService;
  testing: TestingModuleService;
  declarations: DeclarationsModuleService;
  vaccination: VaccinationService;
  greenpass: GreenpassService;
}

export interface AppContext extends PlatformContext {
  services: Services;
  /** Every module, in the order they were built (routes are mounted and closed in this order). */
  modules: ModuleInstance[];
}

/** Builds the platform, then each module once; registers the modules' job handlers. */
export function createContext(config: Config, database: Database, log: Logger): AppContext {
  const platform = createPlatformContext(config, database, log);
  const adminUnits = adminUnitsModule(platform);
  const people = peopleModule(platform, { adminUnits: adminUnits.service });
  const staff = staffModule(platform, { adminUnits: adminUnits.service });
  const auth = authModule(platform, { people: people.service, staff: staff.service });
  const audit = auditModule(platform, { people: people.service, staff: staff.service });
  // check-ins depend on venues; the venue pages ask check-ins for their counts once both are built
  const venues = venuesModule(platform, {
    adminUnits: adminUnits.service,
    people: people.service,
    checkins: () => checkins.service.venueCounts,
  });
  // check-ins ask declarations for the badge at the door (a check-in's statement reads its status) and, for a
  // replayed check-in, for the look-up; declarations is built after them (it needs venues)
  const checkins = checkinsModule(platform, {
    people: people.service,
    venues: venues.service,
    declarations: () => declarations.service.door,
  });
  const cases = casesModule(platform);
  const exposure = exposureModule(platform, {
    cases: cases.service,
    people: people.service,
    adminUnits: adminUnits.service,
  });
  const testing = testingModule(platform, { people: people.service, adminUnits: adminUnits.service });
  const declarations = declarationsModule(platform, { people: people.service, venues: venues.service });
  const vaccination = vaccinationModule(platform, { people: people.service });
  const greenpass = greenpassModule(platform, {
    people: people.service,
    testing: testing.service,
    vaccination: vaccination.service,
  });
  const dev = devModule(platform);
  const modules: ModuleInstance[] = [
    adminUnits,
    people,
    staff,
    auth,
    audit,
    venues,
    checkins,
    cases,
    exposure,
    testing,
    declarations,
    vaccination,
    greenpass,
    dev,
  ];
  for (const m of modules) for (const job of m.jobs ?? []) platform.jobs.register(job);
  return {
    ...platform,
    services: {
      adminUnits: adminUnits.service,
      people: people.service,
      staff: staff.service,
      auth: auth.service,
      audit: audit.service,
      venues: venues.service,
      checkins: checkins.service,
      cases: cases.service,
      exposure: exposure.service,
      testing: testing.service,
      declarations: declarations.service,
      vaccination: vaccination.service,
      greenpass: greenpass.service,
    },
    modules,
  };
}
