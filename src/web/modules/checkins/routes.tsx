/**
 * The venue and check-in screens by path (venues + checkins modules), so App.tsx needs one line per kind of user.
 * Each returns null when the path is not one of ours (or the user may not use it).
 */
import type { ReactNode } from 'react';
import { hasRole, type StaffUser, VENUE_STAFF_ROLES, VENUE_STATS_ROLES } from '../../lib/types.ts';
import { DoorScreenPage } from '../venues/DoorScreenPage.tsx';
import { MyVenuesPage } from '../venues/MyVenuesPage.tsx';
import { StaffVenuePage, StaffVenuesPage } from '../venues/StaffVenuesPage.tsx';
import { StatsPage } from '../venues/StatsPage.tsx';
import { DoorScannerPage, DoorVenuesPage } from './DoorScannerPage.tsx';
import { HistoryPage } from './HistoryPage.tsx';
import { ScanPage } from './ScanPage.tsx';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const DOOR = new RegExp(`^/door/(${UUID})$`, 'i');
const SCREEN = new RegExp(`^/venue-screen/(${UUID})$`, 'i');
const VENUE = new RegExp(`^/venues/(${UUID})$`, 'i');

/** `/q/<payload>`: what a phone's camera opens from a URL QR; the payload as typed in the scan field. */
function qrPayload(path: string): string | null {
  const m = /^\/q\/(.+?)\/?$/.exec(path);
  if (!m?.[1]) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

export function checkinsCitizenPage(path: string): ReactNode | null {
  const code = qrPayload(path);
  if (code) return <ScanPage key={code} initialCode={code} />;
  if (path === '/scan') return <ScanPage key="scan" />;
  if (path === '/checkins') return <HistoryPage />;
  if (path === '/my-venues') return <MyVenuesPage />;
  if (path === '/door') return <DoorVenuesPage />;
  const door = DOOR.exec(path);
  if (door?.[1]) return <DoorScannerPage key={door[1]} venueId={door[1]} />;
  const screen = SCREEN.exec(path);
  if (screen?.[1]) return <DoorScreenPage key={screen[1]} venueId={screen[1]} backTo="/my-venues" />;
  return null;
}

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
