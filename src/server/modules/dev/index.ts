/** Public entry of the dev module: the fake notification outbox (national admins, fake adapters only). */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { devRoutes } from './routes.ts';

export const manifest: ModuleManifest = { name: 'dev', owns: [] };

export function devModule(ctx: PlatformContext): ModuleInstance<undefined> {
  return { manifest, service: undefined, routes: devRoutes(ctx) };
}
