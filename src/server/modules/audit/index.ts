/** Public entry of the audit module: the audit log viewer (the log itself is the platform's `audit_log`). */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { auditRoutes } from './routes.ts';
import { type AuditDeps, type AuditService, auditService } from './service.ts';

export type { AuditDeps, AuditService } from './service.ts';

export const manifest: ModuleManifest = { name: 'audit', owns: [] };

export function auditModule(ctx: PlatformContext, deps: AuditDeps): ModuleInstance<AuditService> {
  const service = auditService(ctx, deps);
  return { manifest, service, routes: auditRoutes(service) };
}
