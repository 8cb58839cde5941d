/** Public entry of the staff module: staff accounts and their grants (role × unit). */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { staffRoutes } from './routes.ts';
import { type StaffDeps, type StaffService, staffService } from './service.ts';

export { normalizeResetCode, RESET_CODE_HOURS } from './reset-code.ts';
export type { StaffCredentials, StaffDeps, StaffService } from './service.ts';

export const manifest: ModuleManifest = {
  name: 'staff',
  owns: ['staff_users', 'staff_grants'],
  reads: { admin_units: "a grant's unit: its name and its path (jurisdiction)" },
};

export function staffModule(ctx: PlatformContext, deps: StaffDeps): ModuleInstance<StaffService> {
  const service = staffService(ctx, deps);
  return { manifest, service, routes: staffRoutes(service) };
}
