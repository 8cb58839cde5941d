/** The citizen's vaccination page for the app shell, a chunk of its own (staff screens: staffRoutes.tsx). */
import { lazy, type ReactNode, Suspense } from 'react';
import { Loading } from '../../components/Loading.tsx';

const MyVaccinationsPage = lazy(() => import('./MyVaccinationsPage.tsx'));

export function vaccinationCitizenPage(path: string): ReactNode | null {
  return path === '/vaccinations' ? (
    <Suspense fallback={<Loading />}>
      <MyVaccinationsPage />
    </Suspense>
  ) : null;
}
