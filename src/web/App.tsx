/** The app shell: header, role-based navigation, and the page for the current path. */
import { lazy, type ReactNode, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from './components/ErrorMessage.tsx';
import { Loading } from './components/Loading.tsx';
import type { Me } from './lib/api-types.ts';
import { Link, navigate, usePath } from './lib/router.tsx';
import { useSession } from './lib/session.tsx';
import { LoginPage } from './modules/auth/LoginPage.tsx';
import { CitizenAlertsProvider, useCitizenAlerts } from './modules/cases/alerts.tsx';
import { casesCitizenPage } from './modules/cases/routes.tsx';
import { checkinsCitizenPage } from './modules/checkins/routes.tsx';
import { DependantsPage } from './modules/citizen/DependantsPage.tsx';
import { MyQrPage } from './modules/citizen/MyQrPage.tsx';
import { ProfilePage } from './modules/citizen/ProfilePage.tsx';
import { declarationsCitizenPage } from './modules/declarations/routes.tsx';
import { exposureCitizenPage } from './modules/exposure/routes.tsx';
import { greenpassCitizenPage } from './modules/greenpass/routes.tsx';
import { NotFound } from './modules/NotFound.tsx';
import { citizenNav, type NavItem, staffNav } from './modules/nav.ts';
import { testingCitizenPage } from './modules/testing/routes.tsx';
import { vaccinationCitizenPage } from './modules/vaccination/routes.tsx';

// The citizen's screens are in the entry chunk (a personal QR must show fast on a cheap phone); staff screens come
// in their own chunk, downloaded on a staff member's first page.
const StaffPages = lazy(() => import('./modules/StaffPages.tsx'));

export function App() {
  const { t } = useTranslation();
  const { me, loading, error, refresh } = useSession();
  const path = usePath();

  let content: ReactNode;
  if (loading) content = <p aria-busy="true">{t('app.loading')}</p>;
  else if (!me)
    content = error ? (
      <div>
        <ErrorMessage error={error} />
        <button type="button" className="button" onClick={() => void refresh()}>
          {t('common.reload')}
        </button>
      </div>
    ) : (
      <LoginPage />
    );
  else content = <Page me={me} path={path} />;

  const nav = me ? (me.kind === 'citizen' ? citizenNav : staffNav(me.user)) : [];
  const shell = (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <Header me={me} nav={nav} path={path} />
      <main id="main" className="container">
        <OfflineNotice />
        {content}
      </main>
    </>
  );
  // a citizen's orders and alerts are loaded once for the whole shell: the home banner and the nav badge
  return me?.kind === 'citizen' ? (
    <CitizenAlertsProvider key={me.person.personId}>{shell}</CitizenAlertsProvider>
  ) : (
    shell
  );
}

function Header({ me, nav, path }: { me: Me | null; nav: NavItem[]; path: string }) {
  const { t, i18n } = useTranslation();
  const { signOut } = useSession();
  const alerts = useCitizenAlerts();
  const name = me
    ? me.kind === 'staff'
      ? me.user.displayName || me.user.username
      : me.person.name || me.person.phone
    : '';
  const other = i18n.language === 'en' ? 'vi' : 'en';

  return (
    <header className="app-header">
      <div className="container header-bar">
        <Link to="/" className="brand" aria-label={t('app.title')}>
          <img src="/icons/icon.svg" alt="" width={32} height={32} />
          <span>{t('app.name')}</span>
        </Link>
        <div className="header-actions">
          <button
            type="button"
            className="button button-ghost button-small"
            lang={other}
            aria-label={t('lang.switchLabel')}
            onClick={() => void i18n.changeLanguage(other)}
          >
            {t('lang.switchTo')}
          </button>
          {me ? (
            <button
              type="button"
              className="button button-ghost button-small"
              onClick={() => {
                void signOut().then(() => navigate('/', { replace: true }));
              }}
            >
              {t('nav.signOut')}
            </button>
          ) : null}
        </div>
      </div>
      {me ? (
        <div className="container">
          <p className="signed-in">{t('nav.signedInAs', { name })}</p>
          <nav aria-label={t('nav.label')} className="app-nav">
            <ul className="nav-list">
              {nav.map((item) => {
                const active =
                  item.path === '/' ? path === '/' : path === item.path || path.startsWith(`${item.path}/`);
                return (
                  <li key={item.path}>
                    <Link to={item.path} className="nav-link" aria-current={active ? 'page' : undefined}>
                      {t(item.label)}
                      {item.path === '/exposures' && alerts.count > 0 ? (
                        <span className="nav-badge" data-testid="alerts-badge">
                          <span aria-hidden="true">{alerts.count}</span>
                          <span className="visually-hidden">{t('cases.home.badge', { count: alerts.count })}</span>
                        </span>
                      ) : null}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>
        </div>
      ) : null}
    </header>
  );
}

function Page({ me, path }: { me: Me; path: string }) {
  if (me.kind === 'citizen') {
    const casesPage = casesCitizenPage(path);
    if (casesPage) return casesPage;
    const checkinsPage = checkinsCitizenPage(path);
    if (checkinsPage) return checkinsPage;
    const testingPage = testingCitizenPage(path);
    if (testingPage) return testingPage;
    const vaccinationPage = vaccinationCitizenPage(path);
    if (vaccinationPage) return vaccinationPage;
    const exposurePage = exposureCitizenPage(path);
    if (exposurePage) return exposurePage;
    const declarationsPage = declarationsCitizenPage(path, me.person);
    if (declarationsPage) return declarationsPage;
    const greenpassPage = greenpassCitizenPage(path, me.person);
    if (greenpassPage) return greenpassPage;
    switch (path) {
      case '/':
      case '/qr':
        return <MyQrPage person={me.person} />;
      case '/profile':
        return <ProfilePage />;
      case '/dependants':
        return <DependantsPage person={me.person} />;
      default:
        return <NotFound />;
    }
  }
  return (
    <Suspense fallback={<Loading />}>
      <StaffPages user={me.user} path={path} />
    </Suspense>
  );
}

function OfflineNotice() {
  const { t } = useTranslation();
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  if (online) return null;
  return (
    <p className="alert alert-info" role="status">
      {t('app.offline')}
    </p>
  );
}
