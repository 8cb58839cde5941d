/** Public entry of the venues module: the venue registry, signed QR codes, posters, zones, trips, statistics. */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import { closePosterRenderer } from './poster-renderer.ts';
import { venuesRoutes } from './routes.ts';
import { type VenuesService, venuesService } from './service.ts';

export { can as canVenue, venueActions } from './policy.ts';
export { parseVenueQr, rotatingWindow, verifyVenueQrSignature } from './qr.ts';
export { type CachedVenue, normalizeShortCode, type VenuesService } from './service.ts';

export const manifest: ModuleManifest = { name: 'venues', owns: ['venues', 'venue_zones', 'venue_managers'] };

export function venuesModule(ctx: PlatformContext): ModuleInstance<VenuesService> {
  const service = venuesService(ctx);
  return { manifest, service, routes: venuesRoutes(ctx, service), close: () => closePosterRenderer(ctx) };
}
