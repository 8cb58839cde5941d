/** Public entry of the admin-units module: the unit tree (provinces → districts → communes → hamlets). */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { adminUnitsRoutes } from './routes.ts';
import { type AdminUnitsService, adminUnitsService } from './service.ts';

export type { AdminUnitsService } from './service.ts';

export const manifest: ModuleManifest = { name: 'admin-units', owns: ['admin_units'] };

export function adminUnitsModule(ctx: PlatformContext): ModuleInstance<AdminUnitsService> {
  const service = adminUnitsService(ctx);
  return { manifest, service, routes: adminUnitsRoutes(service) };
}
