/** The vaccinator's and the doctor's home: today's site work first, then planning, corrections and statistics. */
import { useTranslation } from 'react-i18next';
import './texts.ts';
import type { StaffUser } from '../../lib/api-types.ts';
import { Link } from '../../lib/router.tsx';
import { staffNav } from '../nav.ts';

const PATHS = [
  '/vaccination/site',
  '/vaccination/planning',
  '/vaccination/corrections',
  '/vaccination/stats',
  '/people',
];

export function VaccinationHome({ user }: { user: StaffUser }) {
  const { t } = useTranslation();
  const nav = staffNav(user);
  const links = PATHS.flatMap((path) => nav.filter((item) => item.path === path));
  return (
    <section className="card" aria-labelledby="home-vaccination" data-testid="role-home-vaccinator">
      <h2 id="home-vaccination">{t('vaccination.home.title')}</h2>
      <p>{t('vaccination.home.intro')}</p>
      <ul className="tool-list">
        {links.map((item) => (
          <li key={item.path}>
            <Link className="tool-link" to={item.path}>
              {t(item.label)}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
