/**
 * The home of a role whose own module is still to come (vaccinator, welfare officer, hotline operator): what it can do
 * today — described in words, with a link to each screen it has — and what comes next. As each module arrives it gives
 * the role a home of its own (roleHomes.tsx).
 */
import { useTranslation } from 'react-i18next';
import type { StaffRole, StaffUser } from '../../lib/api-types.ts';
import { Link } from '../../lib/router.tsx';
import { staffNav } from '../nav.ts';
import './home.css';
import './texts.ts';

/** The screens a role-home may point at, with the text that says what each is for. */
const LINK_TEXTS: Record<string, string> = {
  '/people': 'roleHome.links.people',
  '/lab': 'roleHome.links.lab',
  '/testing/labels': 'roleHome.links.labels',
  '/testing': 'roleHome.links.testing',
};

export function RoleTasks({
  user,
  staffRole: role,
  paths,
  soon = true,
}: {
  user: StaffUser;
  staffRole: StaffRole;
  /** the screens this role works with, in this order (those the user's navigation really has are shown) */
  paths: string[];
  /** whether the role has a "coming next" text */
  soon?: boolean;
}) {
  const { t } = useTranslation();
  const nav = staffNav(user);
  const links = paths.flatMap((path) => nav.filter((item) => item.path === path));
  return (
    <section className="card" aria-labelledby={`home-${role}`} data-testid={`role-home-${role}`}>
      <h2 id={`home-${role}`}>{t(`roleHome.${role}.title`)}</h2>
      <p>{t(`roleHome.${role}.intro`)}</p>
      {links.length > 0 ? (
        <>
          <h3>{t('roleHome.now')}</h3>
          <ul className="tool-list">
            {links.map((item) => (
              <li key={item.path}>
                <Link className="tool-link" to={item.path}>
                  {t(item.label)}
                  {LINK_TEXTS[item.path] ? (
                    <span className="tool-note">{t(LINK_TEXTS[item.path] as string)}</span>
                  ) : null}
                </Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {soon ? (
        <p className="muted">
          <strong>{t('roleHome.soon')}:</strong> {t(`roleHome.${role}.soon`)}
        </p>
      ) : null}
    </section>
  );
}
