/** Public entry of the auth module: citizen one-time codes, staff sign-in and two-factor, sign-out, "me". */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { authRoutes } from './routes.ts';
import { type AuthService, authService } from './service.ts';

export type { AuthService } from './service.ts';

export const manifest: ModuleManifest = { name: 'auth', owns: ['otp_codes', 'login_throttle'] };

export function authModule(ctx: PlatformContext): ModuleInstance<AuthService> {
  const service = authService(ctx);
  return { manifest, service, routes: authRoutes(ctx, service) };
}
