/** Public entry of the check-ins module: the four check-in modes, batch sync, door codes, partitions and retention. */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import type { DoorDeclarations } from '../declarations/schemas.ts';
import type { PeopleService } from '../people/index.ts';
import type { VenuesService } from '../venues/index.ts';
import { checkinMaintenance } from './jobs.ts';
import { checkinsRoutes } from './routes.ts';
import { type CheckinsService, checkinsService } from './service.ts';
import { createCheckinWriter } from './writer.ts';

export { findPeopleCheckedInAt, findPresentAt, findStays, findVenueContacts, type IndexWindow } from './finder.ts';
export type { CheckinsService } from './service.ts';
export { LATE_CHECKINS } from './writer.ts';

export const manifest: ModuleManifest = {
  name: 'checkins',
  owns: ['checkins', 'door_codes'],
  reads: {
    admin_units: "a check-in's unit path (its venue's unit): the jurisdiction filter of the counts by unit",
  },
};

/** The services check-ins use: people met at a door are found or registered by people; venues come from venues. */
export interface CheckinsDeps {
  people: PeopleService;
  venues: VenuesService;
  /** the badge at the door (built after this module) */
  declarations?: () => DoorDeclarations;
}

export function checkinsModule(ctx: PlatformContext, deps: CheckinsDeps): ModuleInstance<CheckinsService> {
  // one group-commit writer per app: every check-in of this process goes through it
  const writer = createCheckinWriter(ctx.db);
  const service = checkinsService(ctx, { ...deps, writer });
  const maintenance = checkinMaintenance(ctx);
  return {
    manifest,
    service,
    routes: checkinsRoutes(service),
    jobs: [maintenance.job],
    onWorkerStart: () => maintenance.schedule(),
  };
}
