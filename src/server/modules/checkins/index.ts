/** Public entry of the check-ins module: the four check-in modes, batch sync, door codes, partitions and retention. */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { checkinJobs, scheduleCheckinMaintenance } from './jobs.ts';
import { checkinsRoutes } from './routes.ts';
import { type CheckinsService, checkinsService } from './service.ts';

export { findPeopleCheckedInAt, findPresentAt, findStays, findVenueContacts, type IndexWindow } from './finder.ts';
export type { CheckinsService } from './service.ts';
export { LATE_CHECKINS } from './writer.ts';

export const manifest: ModuleManifest = { name: 'checkins', owns: ['checkins', 'door_codes'] };

export function checkinsModule(ctx: PlatformContext): ModuleInstance<CheckinsService> {
  const service = checkinsService(ctx);
  return {
    manifest,
    service,
    routes: checkinsRoutes(service),
    jobs: checkinJobs(ctx),
    onWorkerStart: () => scheduleCheckinMaintenance(ctx),
  };
}
