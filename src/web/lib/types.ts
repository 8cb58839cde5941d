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
