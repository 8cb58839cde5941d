/** Which screens each kind of user sees; only screens that work are listed. */
import type { StaffUser } from '../lib/api-types.ts';
import {
  DECLARATION_STATS_ROLES,
  DECLARE_FOR_ROLES,
  ENTERPRISE_OVERSIGHT_ROLES,
  HEALTH_TASK_ROLES,
  ORGANISATION_READ_ROLES,
} from '../lib/declarations-values.ts';
import {
  CASE_DASHBOARD_ROLES,
  CASE_ROLES,
  hasRole,
  PEOPLE_ROLES,
  QUARANTINE_ROLES,
  STAFF_ADMIN_ROLES,
  VENUE_STAFF_ROLES,
  VENUE_STATS_ROLES,
} from '../lib/roles.ts';
import { COLLECT_ROLES, LAB_ROLES, TESTING_STATS_ROLES } from '../lib/testing-values.ts';
import { PLANNER_ROLES, REVIEWER_ROLES, VACCINATION_STATS_ROLES, VACCINATOR_ROLES } from '../lib/vaccination-values.ts';

export interface NavItem {
  path: string;
  /** i18n key */
  label: string;
}

// the order a phone's tab bar shows first: my QR, scanning a venue, my alerts, then the rest
export const citizenNav: NavItem[] = [
  { path: '/', label: 'nav.myQr' },
  { path: '/scan', label: 'checkins.nav.scan' },
  { path: '/declare', label: 'declarations.nav.declare' },
  { path: '/exposures', label: 'cases.nav.exposures' },
  { path: '/green-pass', label: 'greenpass.nav.myPass' },
  { path: '/tests', label: 'testing.nav.myTests' },
  { path: '/vaccinations', label: 'vaccination.nav.mine' },
  { path: '/exposure-check', label: 'exposure.nav.check' },
  { path: '/checkins', label: 'checkins.nav.history' },
  { path: '/profile', label: 'nav.profile' },
  { path: '/dependants', label: 'nav.dependants' },
  { path: '/my-venues', label: 'checkins.nav.myVenues' },
  { path: '/enterprises', label: 'declarations.nav.enterprises' },
];

export function staffNav(user: StaffUser): NavItem[] {
  const items: NavItem[] = [{ path: '/', label: 'nav.home' }];
  if (hasRole(user, PEOPLE_ROLES)) items.push({ path: '/people', label: 'nav.people' });
  if (hasRole(user, CASE_ROLES)) {
    items.push({ path: '/cases', label: 'cases.nav.cases' });
    items.push({ path: '/cases-graph', label: 'cases.nav.graph' });
    items.push({ path: '/contact-tasks', label: 'cases.nav.tasks' });
  } else if (hasRole(user, CASE_DASHBOARD_ROLES)) {
    // leaders: the chain graph without the case workspace
    items.push({ path: '/cases-graph', label: 'cases.nav.graph' });
  }
  if (hasRole(user, CASE_DASHBOARD_ROLES)) items.push({ path: '/dashboard', label: 'nav.dashboard' });
  if (hasRole(user, QUARANTINE_ROLES)) items.push({ path: '/quarantine', label: 'nav.quarantine' });
  if (hasRole(user, VENUE_STAFF_ROLES)) {
    items.push({ path: '/venues', label: 'checkins.nav.venues' });
    items.push({ path: '/door', label: 'checkins.nav.door' });
  }
  // every staff member may check a green pass (checkpoints, venues, clinics)
  items.push({ path: '/green-pass/verify', label: 'greenpass.nav.verify' });
  if (hasRole(user, VENUE_STATS_ROLES)) items.push({ path: '/venue-stats', label: 'checkins.nav.stats' });
  if (hasRole(user, COLLECT_ROLES)) items.push({ path: '/testing/collect', label: 'testing.nav.collect' });
  if (hasRole(user, LAB_ROLES)) items.push({ path: '/lab', label: 'testing.nav.lab' });
  if (hasRole(user, TESTING_STATS_ROLES)) items.push({ path: '/testing', label: 'testing.nav.overview' });
  if (user.grants.some((g) => g.role === 'admin')) items.push({ path: '/testing/admin', label: 'testing.nav.admin' });
  if (hasRole(user, HEALTH_TASK_ROLES)) items.push({ path: '/health-tasks', label: 'declarations.nav.tasks' });
  if (hasRole(user, DECLARE_FOR_ROLES)) items.push({ path: '/declare-for', label: 'declarations.nav.declareFor' });
  if (hasRole(user, ENTERPRISE_OVERSIGHT_ROLES))
    items.push({ path: '/enterprise-oversight', label: 'declarations.nav.oversight' });
  if (hasRole(user, DECLARATION_STATS_ROLES))
    items.push({ path: '/declaration-stats', label: 'declarations.nav.stats' });
  if (hasRole(user, ORGANISATION_READ_ROLES))
    items.push({ path: '/organisations', label: 'declarations.nav.organisations' });
  if (user.grants.some((g) => g.role === 'admin'))
    items.push({ path: '/declaration-admin', label: 'declarations.nav.admin' });
  if (hasRole(user, VACCINATOR_ROLES)) items.push({ path: '/vaccination/site', label: 'vaccination.nav.site' });
  if (hasRole(user, [...PLANNER_ROLES, ...VACCINATOR_ROLES])) {
    items.push({ path: '/vaccination/planning', label: 'vaccination.nav.planning' });
  }
  if (hasRole(user, REVIEWER_ROLES)) items.push({ path: '/vaccination/corrections', label: 'vaccination.nav.review' });
  if (hasRole(user, VACCINATION_STATS_ROLES))
    items.push({ path: '/vaccination/stats', label: 'vaccination.nav.stats' });
  if (hasRole(user, STAFF_ADMIN_ROLES)) {
    items.push({ path: '/staff', label: 'nav.staff' });
    items.push({ path: '/audit', label: 'nav.audit' });
  }
  // the server shows the fake outbox (every citizen's one-time codes) to national admins only
  if (user.grants.some((g) => g.role === 'admin' && g.unitCode === null)) {
    items.push({ path: '/outbox', label: 'nav.outbox' });
  }
  return items;
}
