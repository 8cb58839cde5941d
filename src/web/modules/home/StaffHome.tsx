/**
 * Staff landing page: first what each of your roles can do now (roleHomes.tsx), then who you are, your roles and
 * areas, and the tools those roles open.
 */
import { useTranslation } from 'react-i18next';
import { PageTitle } from '../../components/PageTitle.tsx';
import type { StaffUser } from '../../lib/api-types.ts';
import { hasRole, PEOPLE_UPDATE_ROLES } from '../../lib/roles.ts';
import { Link } from '../../lib/router.tsx';
import { DeclarationsTile } from '../declarations/homes.tsx';
import { type NavItem, staffNav } from '../nav.ts';
import { NationalIdClaimsTile } from '../people/NationalIdClaimsPage.tsx';
import { TestingTile } from '../testing/LeaderTile.tsx';
import { VaccinationTile } from '../vaccination/LeaderTile.tsx';
import { roleHomesOf } from './roleHomes.tsx';

export function StaffHome({ user }: { user: StaffUser }) {
  const { t } = useTranslation();
  const tools: NavItem[] = staffNav(user).filter((item) => item.path !== '/');
  return (
    <div>
      <PageTitle>{t('home.title')}</PageTitle>
      <p className="lead">{t('home.welcome', { name: user.displayName || user.username })}</p>
      {roleHomesOf(user).map(({ role, home: Home }) => (
        <Home key={role} user={user} />
      ))}
      {hasRole(user, PEOPLE_UPDATE_ROLES) ? <NationalIdClaimsTile /> : null}
      <section className="card" aria-labelledby="home-grants">
        <h2 id="home-grants">{t('home.grants')}</h2>
        <ul className="grant-list">
          {user.grants.map((g) => (
            <li key={`${g.role}-${g.unitCode ?? 'all'}`}>
              <strong>{t(`roles.${g.role}`, { defaultValue: g.role })}</strong>
              <span className="muted"> — {g.unitName ?? t('home.national')}</span>
            </li>
          ))}
        </ul>
      </section>
      <TestingTile user={user} />
      <DeclarationsTile user={user} />
      <VaccinationTile user={user} />
      <section aria-labelledby="home-tools">
        <h2 id="home-tools">{t('home.modules')}</h2>
        {tools.length === 0 ? <p className="muted">{t('home.noModules')}</p> : null}
        <ul className="tool-list">
          {tools.map((item) => (
            <li key={item.path}>
              <Link className="tool-link" to={item.path}>
                {t(item.label)}
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
