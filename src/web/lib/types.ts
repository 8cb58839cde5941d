/** Shapes of the API responses the web app reads (mirrors the server's TypeBox schemas). */

export const STAFF_ROLES = [
  'venue_manager',
  'health_worker',
  'lab',
  'vaccinator',
  'tracer',
  'quarantine_officer',
  'welfare_officer',
  'hotline_operator',
  'leader',
  'admin',
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Roles that may search and register people (the server lets `admin` do everything). */
export const PEOPLE_ROLES: readonly string[] = [
  'health_worker',
  'tracer',
  'lab',
  'vaccinator',
  'quarantine_officer',
  'welfare_officer',
  'hotline_operator',
  'admin',
];

export const RELATIONS = ['child', 'parent', 'grandparent', 'spouse', 'sibling', 'other'] as const;
export type Relation = (typeof RELATIONS)[number];

export const SEXES = ['male', 'female', 'other'] as const;
export type Sex = (typeof SEXES)[number];

export interface Grant {
  role: string;
  unitCode: string | null;
  unitName: string | null;
}

export interface StaffUser {
  id: string;
  username: string;
  displayName: string;
  totpEnabled: boolean;
  grants: Grant[];
}

export interface StaffListItem extends StaffUser {
  disabled: boolean;
}

export interface CitizenPerson {
  personId: string;
  phone: string;
  name: string;
  profileComplete: boolean;
}

export type Me = { kind: 'staff'; user: StaffUser } | { kind: 'citizen'; person: CitizenPerson };

export interface Person {
  id: string;
  nationalId: string | null;
  phone: string | null;
  name: string;
  birthYear: number | null;
  birthDate: string | null;
  sex: Sex | null;
  unitCode: string | null;
  unitName: string | null;
  address: string | null;
  householdId: string | null;
}

export interface Dependant extends Person {
  relation: string;
}

export interface UnitResult {
  code: string;
  name: string;
  type: string;
  level: number;
  parentCode: string | null;
  parentName: string | null;
}

export interface OutboxMessage {
  channel: string;
  to: string;
  text: string;
  createdAt: string;
}

/** Whether the staff user holds one of `roles`; `admin` always counts, as on the server. */
export function hasRole(user: StaffUser, roles: readonly string[]): boolean {
  return user.grants.some((g) => g.role === 'admin' || roles.includes(g.role));
}

// ——— venues and check-ins (issue 4) ———

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

/** Staff roles that register venues and check people in at the door (the server lets `admin` do everything). */
export const VENUE_STAFF_ROLES: readonly string[] = ['health_worker', 'venue_manager', 'admin'];
/** Staff roles that see the venues' compliance statistics. */
export const VENUE_STATS_ROLES: readonly string[] = ['health_worker', 'tracer', 'leader', 'admin'];

export interface VenueView {
  id: string;
  shortCode: string;
  name: string;
  category: string;
  unitCode: string;
  unitName: string | null;
  address: string;
  lat: number | null;
  lng: number | null;
  defaultStayMinutes: number;
  capacity: number | null;
  qrMode: string;
  rotatingMinutes: number;
  startsAt: string | null;
  endsAt: string | null;
  vehiclePlate: string | null;
  route: string | null;
  parentVenueId: string | null;
  active: boolean;
  /** verified by the commune: its managers may type people in (national ID, phone, lists) */
  verified: boolean;
  verifiedAt: string | null;
  zones: Array<{ id: string; name: string }>;
  qr?: string;
}

export interface CreatedVenue {
  id: string;
  shortCode: string;
  qr: string;
}

export interface Occupancy {
  venueId: string;
  at: string;
  present: number;
  capacity: number | null;
  checkinsToday: number;
  byZone: Array<{ zoneId: string | null; name: string | null; present: number }>;
}

export interface VenueStats {
  unitCode: string;
  venuesByCategory: Array<{ category: string; venues: number }>;
  checkinsPerDay: Array<{ day: string; checkins: number }>;
  venuesWithoutCheckins24h: number;
  topVenues: Array<{ venueId: string; name: string; category: string; checkins: number }>;
}

export interface InactiveVenue {
  venueId: string;
  name: string;
  category: string;
  unitCode: string;
  unitName: string | null;
  address: string;
  lastCheckinAt: string | null;
}

export interface CheckinResult {
  id: string;
  venueId: string;
  personId: string;
  at: string;
  /** how the check-in proves the person was there */
  evidence?: 'qr_self' | 'qr_personal' | 'otp' | 'typed_staff' | 'typed_unverified';
}

export interface MyCheckin {
  id: string;
  venueId: string;
  venueName: string;
  venueCategory: string;
  venueAddress: string;
  zoneName: string | null;
  checkedInAt: string;
  checkedOutAt: string | null;
  impliedOutAt: string;
  method: string;
}

export interface BatchResultItem {
  index: number;
  idempotencyKey: string;
  status: number;
  checkin?: CheckinResult;
  error?: { code: string; message: string; messageVi: string; details?: unknown };
}

export interface BatchResponse {
  results: BatchResultItem[];
  accepted: number;
  rejected: number;
}
