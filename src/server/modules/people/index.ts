/** Public entry of the people module: people, households, citizen accounts and dependants, the personal QR. */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { peopleRoutes } from './routes.ts';
import { type PeopleService, peopleService } from './service.ts';

export { makePersonQr, type ParsedPersonQr, parsePersonQr, verifyPersonQrSignature } from './qr.ts';
export type { PeopleService } from './service.ts';

export const manifest: ModuleManifest = {
  name: 'people',
  owns: ['people', 'households', 'citizen_accounts', 'dependants'],
};

export function peopleModule(ctx: PlatformContext): ModuleInstance<PeopleService> {
  const service = peopleService(ctx);
  return { manifest, service, routes: peopleRoutes(ctx, service) };
}
