/**
 * The exposure module's pages for the app shell. Both are chunks of their own: the check page carries the exposure
 * library (protobuf, zip, AES), which no other screen needs.
 */
import { lazy, type ReactNode, Suspense } from 'react';
import { Loading } from '../../components/Loading.tsx';
import type { StaffUser } from '../../lib/api-types.ts';
import { CASE_ROLES, hasRole } from '../../lib/roles.ts';

const ExposureCheckPage = lazy(() => import('./ExposureCheckPage.tsx'));
const BleContactsPage = lazy(() => import('./BleContactsPage.tsx'));

export function exposureCitizenPage(path: string): ReactNode | null {
  if (path !== '/exposure-check') return null;
  return (
    <Suspense fallback={<Loading />}>
      <ExposureCheckPage />
    </Suspense>
  );
}

/** `/exposure/cases/<id>`: a case's verification codes and Bluetooth contacts (tracers and health workers). */
export function exposureStaffPage(path: string, user: StaffUser): ReactNode | null {
  const match = /^\/exposure\/cases\/([0-9a-f-]{36})$/i.exec(path);
  if (!match?.[1] || !hasRole(user, CASE_ROLES)) return null;
  return (
    <Suspense fallback={<Loading />}>
      <BleContactsPage key={match[1]} caseId={match[1]} />
    </Suspense>
  );
}
