/** The venue and check-in screens for staff (venues + checkins modules), in the staff chunk. */
import type { ReactNode } from 'react';
import type { StaffUser } from '../../lib/api-types.ts';
import { hasRole, VENUE_STAFF_ROLES, VENUE_STATS_ROLES } from '../../lib/roles.ts';
import { DoorScreenPage } from '../venues/DoorScreenPage.tsx';
import { StaffVenuePage, StaffVenuesPage } from '../venues/StaffVenuesPage.tsx';
import { StatsPage } from '../venues/StatsPage.tsx';
import { DoorScannerPage, DoorVenuesPage } from './DoorScannerPage.tsx';
import { DOOR, SCREEN } from './routes.tsx';

const VENUE = /^\/venues\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export function checkinsStaffPage(path: string, user: StaffUser): ReactNode | null {
  const venueStaff = hasRole(user, VENUE_STAFF_ROLES);
  if (path === '/venue-stats' && hasRole(user, VENUE_STATS_ROLES)) return <StatsPage user={user} />;
  if (!venueStaff) return null;
  if (path === '/venues') return <StaffVenuesPage />;
  const venue = VENUE.exec(path);
  if (venue?.[1]) return <StaffVenuePage key={venue[1]} id={venue[1]} />;
  if (path === '/door') return <DoorVenuesPage />;
  const door = DOOR.exec(path);
  if (door?.[1]) return <DoorScannerPage key={door[1]} venueId={door[1]} />;
  const screen = SCREEN.exec(path);
  if (screen?.[1]) return <DoorScreenPage key={screen[1]} venueId={screen[1]} backTo={`/venues/${screen[1]}`} />;
  return null;
}
