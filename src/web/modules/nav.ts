/** Which screens each kind of user sees; only screens that work are listed. */
import { hasRole, PEOPLE_ROLES, type StaffUser } from '../lib/types.ts';

export interface NavItem {
  path: string;
  /** i18n key */
  label: string;
}

export const citizenNav: NavItem[] = [
  { path: '/', label: 'nav.myQr' },
  { path: '/profile', label: 'nav.profile' },
  { path: '/dependants', label: 'nav.dependants' },
];

export function staffNav(user: StaffUser): NavItem[] {
  const items: NavItem[] = [{ path: '/', label: 'nav.home' }];
  if (hasRole(user, PEOPLE_ROLES)) items.push({ path: '/people', label: 'nav.people' });
  if (hasRole(user, ['admin'])) {
    items.push({ path: '/staff', label: 'nav.staff' });
    items.push({ path: '/outbox', label: 'nav.outbox' });
  }
  return items;
}
