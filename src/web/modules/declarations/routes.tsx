/** The citizen's declaration and enterprise pages for the app shell, each a chunk of its own (staff: staffRoutes.tsx). */
import { lazy, type ReactNode, Suspense } from 'react';
import { Loading } from '../../components/Loading.tsx';
import type { CitizenPerson } from '../../lib/api-types.ts';

const DeclarePage = lazy(() => import('./DeclarePage.tsx'));
const EnterprisesPage = lazy(() => import('./EnterprisesPage.tsx'));
const EnterprisePage = lazy(() => import('./EnterprisePage.tsx'));
const OrganisationsPage = lazy(() => import('./OrganisationsPage.tsx'));
const OrganisationPage = lazy(() => import('./OrganisationPage.tsx'));
const ENTERPRISE = /^\/enterprises\/([0-9a-f-]{36})$/i;
const ORGANISATION = /^\/organisations\/([0-9a-f-]{36})$/i;

const chunk = (page: ReactNode) => <Suspense fallback={<Loading />}>{page}</Suspense>;

export function declarationsCitizenPage(path: string, person: CitizenPerson): ReactNode | null {
  if (path === '/declare') return chunk(<DeclarePage key="domestic" person={person} type="domestic" />);
  if (path === '/declare/entry') return chunk(<DeclarePage key="entry" person={person} type="entry" />);
  if (path === '/enterprises') return chunk(<EnterprisesPage staff={false} />);
  const one = ENTERPRISE.exec(path);
  if (one?.[1]) return chunk(<EnterprisePage key={one[1]} id={one[1]} staff={false} />);
  // an enterprise owner's member lists (their workers declaring)
  if (path === '/organisations') return chunk(<OrganisationsPage canCreateAgency={false} />);
  const org = ORGANISATION.exec(path);
  if (org?.[1]) return chunk(<OrganisationPage key={org[1]} id={org[1]} manages={['enterprise']} owner />);
  return null;
}
