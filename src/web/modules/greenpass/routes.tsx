/** The green pass pages for the app shell, each a chunk of its own: the citizen's pass and the staff verifier. */
import { lazy, type ReactNode, Suspense } from 'react';
import { Loading } from '../../components/Loading.tsx';
import type { CitizenPerson } from '../../lib/api-types.ts';

const MyPassPage = lazy(() => import('./MyPassPage.tsx'));
const VerifierPage = lazy(() => import('./VerifierPage.tsx'));

export function greenpassCitizenPage(path: string, person: CitizenPerson): ReactNode | null {
  return path === '/green-pass' ? (
    <Suspense fallback={<Loading />}>
      <MyPassPage person={person} />
    </Suspense>
  ) : null;
}

/** Every staff member may verify a pass (checkpoints, venues, clinics). */
export function greenpassStaffPage(path: string): ReactNode | null {
  return path === '/green-pass/verify' ? (
    <Suspense fallback={<Loading />}>
      <VerifierPage />
    </Suspense>
  ) : null;
}
