/** The citizen's testing page for the app shell: their results, a chunk of its own (staff screens: staffRoutes.tsx). */
import { lazy, type ReactNode, Suspense } from 'react';
import { Loading } from '../../components/Loading.tsx';

const MyTestsPage = lazy(() => import('./MyTestsPage.tsx'));

export function testingCitizenPage(path: string): ReactNode | null {
  return path === '/tests' ? (
    <Suspense fallback={<Loading />}>
      <MyTestsPage />
    </Suspense>
  ) : null;
}
