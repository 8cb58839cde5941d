/**
 * The venue and check-in screens by path (venues + checkins modules), so App.tsx needs one line per kind of user.
 * Each returns null when the path is not one of ours (or the user may not use it).
 */
import { lazy, type ReactNode, Suspense } from 'react';
import { Loading } from '../../components/Loading.tsx';
import { HistoryPage } from './HistoryPage.tsx';
import { ScanPage } from './ScanPage.tsx';

// Running a venue (its QR screen, the door scanner) is for the few citizens who manage one: its own chunk. The
// staff versions of these pages come with the staff chunk (staffRoutes.tsx).
const MyVenuesPage = lazy(() => import('../venues/MyVenuesPage.tsx').then((m) => ({ default: m.MyVenuesPage })));
const DoorVenuesPage = lazy(() => import('./DoorScannerPage.tsx').then((m) => ({ default: m.DoorVenuesPage })));
const DoorScannerPage = lazy(() => import('./DoorScannerPage.tsx').then((m) => ({ default: m.DoorScannerPage })));
const DoorScreenPage = lazy(() => import('../venues/DoorScreenPage.tsx').then((m) => ({ default: m.DoorScreenPage })));

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const DOOR = new RegExp(`^/door/(${UUID})$`, 'i');
export const SCREEN = new RegExp(`^/venue-screen/(${UUID})$`, 'i');

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
  let page: ReactNode = null;
  const door = DOOR.exec(path);
  const screen = SCREEN.exec(path);
  if (path === '/my-venues') page = <MyVenuesPage />;
  else if (path === '/door') page = <DoorVenuesPage />;
  else if (door?.[1]) page = <DoorScannerPage key={door[1]} venueId={door[1]} />;
  else if (screen?.[1]) page = <DoorScreenPage key={screen[1]} venueId={screen[1]} backTo="/my-venues" />;
  return page && <Suspense fallback={<Loading />}>{page}</Suspense>;
}
