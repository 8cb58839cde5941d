/** Public entry of the auth module: citizen one-time codes, staff sign-in and two-factor, sign-out, "me". */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { authRoutes } from './routes.ts';
import { type AuthDeps, type AuthService, authService } from './service.ts';

export type { AuthDeps, AuthService } from './service.ts';

export const manifest: ModuleManifest = { name: 'auth', owns: ['otp_codes', 'login_throttle'] };

export function authModule(ctx: PlatformContext, deps: AuthDeps): ModuleInstance<AuthService> {
  const service = authService(ctx, deps);
  return { manifest, service, routes: authRoutes(ctx, service) };
}
