/** The citizen's declaration and enterprise pages for the app shell, each a chunk of its own (staff: staffRoutes.tsx). */
import { lazy, type ReactNode, Suspense } from 'react';
import { Loading } from '../../components/Loading.tsx';
import type { CitizenPerson } from '../../lib/api-types.ts';

const DeclarePage = lazy(() => import('./DeclarePage.tsx'));
const EnterprisesPage = lazy(() => import('./EnterprisesPage.tsx'));
const EnterprisePage = lazy(() => import('./EnterprisePage.tsx'));
const ENTERPRISE = /^\/enterprises\/([0-9a-f-]{36})$/i;

const chunk = (page: ReactNode) => <Suspense fallback={<Loading />}>{page}</Suspense>;

export function declarationsCitizenPage(path: string, person: CitizenPerson): ReactNode | null {
  if (path === '/declare') return chunk(<DeclarePage key="domestic" person={person} type="domestic" />);
  if (path === '/declare/entry') return chunk(<DeclarePage key="entry" person={person} type="entry" />);
  if (path === '/enterprises') return chunk(<EnterprisesPage staff={false} />);
  const one = ENTERPRISE.exec(path);
  if (one?.[1]) return chunk(<EnterprisePage key={one[1]} id={one[1]} staff={false} />);
  return null;
}
