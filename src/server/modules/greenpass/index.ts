/**
 * Public entry of the greenpass module: green pass certificates (HCERT / EU DCC) — issuance from vaccination, test and
 * recovery records, the document-signer keys and trust list, revocation, verification, rules — and the DCC
 * conformance tool.
 */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { greenpassJobs } from './jobs.ts';
import { softwareKeyStore } from './keys.ts';
import { createPassPdfPool, type PassPdfPool } from './pass-pdf-pool.ts';
import { greenpassRepo } from './repo.ts';
import { greenpassRoutes } from './routes.ts';
import { type GreenpassDeps, type GreenpassService, greenpassService } from './service.ts';

export { type ConformanceReport, conformanceCommand, UnusableInputError } from './cli.ts';
export type { DocumentSigner, SignerKeyStore } from './keys.ts';
export type { GreenpassDeps, GreenpassService, VaccinationSource } from './service.ts';

export const manifest: ModuleManifest = {
  name: 'greenpass',
  owns: ['gp_signer_keys', 'gp_certificates', 'gp_rules', 'gp_verifications'],
  reads: {
    cases: "a person's latest recovered case: when the positive sample was taken and when it closed (recovery)",
    people: 'name and birth of a person whose certificate is re-issued after a record changed (no citizen asking)',
  },
};

export function greenpassModule(ctx: PlatformContext, deps: GreenpassDeps): ModuleInstance<GreenpassService> {
  const repo = greenpassRepo(ctx.db);
  const keys = softwareKeyStore(ctx, repo);
  // the printable pass's thread starts with the first PDF and stops when the app closes
  let pdfPool: PassPdfPool | undefined;
  const pdfs = () => {
    pdfPool ??= createPassPdfPool(ctx.log.child({ component: 'green-pass-pdf' }));
    return pdfPool;
  };
  const service = greenpassService(ctx, { ...deps, repo, keys, pdfs });
  return {
    manifest,
    service,
    routes: greenpassRoutes(service),
    jobs: greenpassJobs(service),
    close: async () => {
      await pdfPool?.close();
    },
    onWorkerStart: async () => {
      // the signer key and its certificate exist from the first start, before any pass or verifier asks
      await keys.active();
    },
  };
}
