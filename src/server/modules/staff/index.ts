/** Public entry of the staff module: staff accounts and their grants (role × unit). */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { staffRoutes } from './routes.ts';
import { type StaffService, staffService } from './service.ts';

export type { StaffService } from './service.ts';

export const manifest: ModuleManifest = { name: 'staff', owns: ['staff_users', 'staff_grants'] };

export function staffModule(ctx: PlatformContext): ModuleInstance<StaffService> {
  const service = staffService(ctx);
  return { manifest, service, routes: staffRoutes(service) };
}
