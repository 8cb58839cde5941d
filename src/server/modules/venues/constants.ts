/**
 * The venues module's plain data: the categories and the staff roles each action needs. It imports nothing but
 * types, so the web app imports it at run time (its forms and navigation) without pulling in server code;
 * `schemas.ts` and `policy.ts` use and re-export it.
 */
import type { StaffRole } from '../../platform/roles.ts';

/** Venue categories, covering the 2021 directives' list of places that must manage entry by QR code. */
export const VENUE_CATEGORIES = [
  'office',
  'factory',
  'restaurant_cafe',
  'bar_karaoke_massage_gym',
  'meeting_conference',
  'hospital_clinic',
  'apartment_building',
  'school_university',
  'station_port_airport',
  'public_transport',
  'market_supermarket_mall_shop',
  'wedding_funeral',
  'tourist_entertainment_religious',
  'checkpoint',
] as const;
export type VenueCategory = (typeof VENUE_CATEGORIES)[number];

/**
 * Venues one citizen account may register in 24 hours (429 VENUE_REGISTRATION_LIMIT past it; a vehicle's trips do not
 * count). Staff registrations are the commune's own and are not limited.
 */
export const VENUE_REGISTRATIONS_PER_DAY = 5;

/** Categories whose venue is an event or trip with a time window (check-ins outside it are refused). */
export const TIME_BOUNDED: readonly VenueCategory[] = ['wedding_funeral'];

// The role lists are named one by one so the web app takes only those it shows (a bundler drops the rest).
/** Staff who register venues, run them and check people in at their door. */
export const VENUE_DOOR_ROLES: StaffRole[] = ['health_worker', 'venue_manager'];
/** Staff who see the venues' compliance statistics. */
export const VENUE_STATS_ROLES: StaffRole[] = ['health_worker', 'tracer', 'leader'];
/** Staff who verify a citizen-run venue for the commune. */
export const VENUE_VERIFY_ROLES: StaffRole[] = ['health_worker'];

/** The staff roles allowed each venue action (`policy.ts`); `admin` passes every check within its scope. */
export const venueActions = {
  'venues.create': VENUE_DOOR_ROLES,
  'venues.manage': VENUE_DOOR_ROLES,
  'venues.read': ['health_worker', 'venue_manager', 'tracer', 'leader'] as StaffRole[],
  'venues.stats': VENUE_STATS_ROLES,
  /** check people in at the venue (staff scanning) */
  'venues.checkin': VENUE_DOOR_ROLES,
  /** confirm for the commune that a citizen-run venue is real and its managers may type people in */
  'venues.verify': VENUE_VERIFY_ROLES,
} as const;
