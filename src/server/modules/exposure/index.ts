/**
 * Public entry of the exposure module: Bluetooth exposure notification (GAEN-compatible) — verification codes for
 * confirmed cases, the key server (uploads, signed exports, public key), consented match reports.
 */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { exposureExport } from './jobs.ts';
import { exposureRepo } from './repo.ts';
import { exposureRoutes } from './routes.ts';
import { type ExposureDeps, type ExposureService, exposureService } from './service.ts';

export { formatSimulationReport, matchCommand, readBytes, simulateBle } from './cli.ts';
export { buildSignedExport, type ExportSigner } from './export-builder.ts';
export { EXPOSURE_EXPORT } from './schemas.ts';
export type { ExposureDeps, ExposureService } from './service.ts';
export { type ValidKey, validateUpload } from './validate.ts';

export const manifest: ModuleManifest = {
  name: 'exposure',
  owns: [
    'en_verification_codes',
    'en_diagnosis_keys',
    'en_export_batches',
    'en_signing_keys',
    'en_match_reports',
    'en_verify_failures',
  ],
};

export function exposureModule(ctx: PlatformContext, deps: ExposureDeps): ModuleInstance<ExposureService> {
  const service = exposureService(ctx, exposureRepo(ctx.db), deps);
  const exporter = exposureExport(ctx, service);
  return {
    manifest,
    service,
    routes: exposureRoutes(service),
    jobs: [exporter.job],
    onWorkerStart: async () => {
      // the signing key pair exists from the first start, before any export or client asks for it
      await service.publicKey();
      await exporter.schedule(service.nextHour());
    },
  };
}
