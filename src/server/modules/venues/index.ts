/** Public entry of the venues module: the venue registry, signed QR codes, posters, zones, trips, statistics. */
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleInstance, ModuleManifest } from '../../platform/module.ts';
import type { AdminUnitsService } from '../admin-units/index.ts';
import type { PeopleService } from '../people/index.ts';
import { createPosterRenderer, type PosterRenderer } from './poster-renderer.ts';
import { venuesRoutes } from './routes.ts';
import { type VenueCheckinCounts, type VenuesService, venuesService } from './service.ts';

export type { CachedVenue, VenueCheckinCounts, VenuesService } from './service.ts';

export const manifest: ModuleManifest = {
  name: 'venues',
  owns: ['venues', 'venue_zones', 'venue_managers'],
  reads: {
    admin_units: "a venue's unit name and path: shown with it, and the jurisdiction filter of every venue list",
    checkins:
      'the inactive-venue list (inspection): an anti-join of every active venue of a unit against its latest ' +
      'check-in, one set-based statement (check-in counts otherwise come from the checkins module)',
  },
};

/** The services venues use; `checkins` is a function because the checkins module is built after this one. */
export interface VenuesDeps {
  adminUnits: AdminUnitsService;
  people: PeopleService;
  checkins: () => VenueCheckinCounts;
}

export function venuesModule(ctx: PlatformContext, deps: VenuesDeps): ModuleInstance<VenuesService> {
  // the poster threads start with the first poster and stop when the app closes
  let renderer: PosterRenderer | undefined;
  const posters = () => {
    renderer ??= createPosterRenderer(ctx.log.child({ component: 'posters' }));
    return renderer;
  };
  const service = venuesService(ctx, { ...deps, posters });
  return {
    manifest,
    service,
    routes: venuesRoutes(ctx, service),
    close: async () => {
      await renderer?.close();
    },
  };
}
