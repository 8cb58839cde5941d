/** Public entry of the people module: people, households, citizen accounts and dependants, the personal QR. */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { unitCount } from './jobs.ts';
import { peopleRoutes } from './routes.ts';
import { type PeopleDeps, type PeopleService, peopleService } from './service.ts';

export { COUNT_UNITS } from './jobs.ts';
/** A name as someone who may not read the person's record sees it ("Nguyễn Văn An" → "N. V. An"). */
export {
  type DoorPersonRow,
  type DoorReadReach,
  type DoorShown,
  doorPersonShown,
  doorPersonView,
  doorReadReach,
  maskPersonName,
} from './policy.ts';
export { makePersonQr, type ParsedPersonQr, parsePersonQr, verifyPersonQrSignature } from './qr.ts';
export type { PeopleDeps, PeopleService } from './service.ts';

export const manifest: ModuleManifest = {
  name: 'people',
  owns: ['people', 'households', 'citizen_accounts', 'dependants', 'people_unit_counts'],
  reads: { admin_units: "a person's and a household's unit: its name and its path (jurisdiction)" },
};

export function peopleModule(ctx: PlatformContext, deps: PeopleDeps): ModuleInstance<PeopleService> {
  const service = peopleService(ctx, deps);
  const count = unitCount(ctx, service);
  return {
    manifest,
    service,
    routes: peopleRoutes(ctx, service),
    jobs: [count.job],
    onWorkerStart: () => count.schedule(),
  };
}
