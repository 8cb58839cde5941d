/** Shapes of the cases API (mirrors src/server/modules/cases/schemas.ts) and small helpers the case screens share. */
import { api } from '../../lib/api.ts';
import { dateLocale, TIME_ZONE } from '../../lib/time.ts';

/** Who works with cases: the server lets `admin` do everything too. */
export const CASE_ROLES: readonly string[] = ['tracer', 'health_worker'];

export const CASE_STATUSES = [
  'suspected',
  'confirmed',
  'isolating',
  'treated_home',
  'treated_field_hospital',
  'treated_hospital',
  'recovered',
  'died',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const FOLLOW_UPS = ['identified', 'notified', 'reached', 'tested', 'quarantined', 'released'] as const;
/** Follow-up statuses a tracer sets by hand (`identified` is where every contact starts). */
export const SETTABLE_FOLLOW_UPS = ['notified', 'reached', 'tested', 'quarantined', 'released'] as const;
export const VIA_TYPES = ['venue', 'household', 'manual', 'ble'] as const;

export interface CaseListItem {
  id: string;
  displayCode: string;
  status: string;
  confirmedAt: string | null;
  unitCode: string | null;
  unitName: string | null;
  personName: string;
  f1: number;
  f2: number;
}

export interface CaseDetail {
  id: string;
  displayCode: string;
  personId: string;
  personName: string;
  unitCode: string | null;
  unitName: string | null;
  status: string;
  confirmedAt: string | null;
  onsetAt: string | null;
  sampleAt: string | null;
  isolatedAt: string | null;
  sourceCaseId: string | null;
  sourceNote: string | null;
  origin: string;
  ruleVersion: number;
  exposureFrom: string;
  exposureTo: string;
  f1: number;
  f2: number;
}

export interface CaseStay {
  checkinId: string;
  venueId: string;
  venueName: string;
  venueCategory: string;
  venueAddress: string;
  zoneId: string | null;
  checkedInAt: string;
  checkedOutAt: string | null;
  impliedOutAt: string;
  overlapCount: number;
}

export interface Contact {
  personId: string;
  degree: number;
  via: {
    type: string;
    venueId?: string;
    venueName?: string;
    overlapStart?: string;
    overlapEnd?: string;
    overlapMinutes?: number;
    throughPersonId?: string;
  };
  evidenceCount: number;
  /** null (with phone and unitCode) when the contact lives outside the reader's area */
  name: string | null;
  phone: string | null;
  unitCode: string | null;
  /** lives outside the reader's area: shown as "someone in {district}", followed up by that area's tracers */
  outOfScope: boolean;
  district: { code: string; name: string } | null;
  followUp: string;
  /** pending: found only through a typed-in check-in nobody proved, "to confirm" (nobody told yet) */
  confirmation: 'confirmed' | 'pending' | 'dismissed';
  assignedTracerId: string | null;
  quarantine: { kind: string; startsOn: string; endsOn: string; status: string } | null;
}

/** A contact of another area's case who lives in the reader's area (GET /contact-tasks). */
export interface ContactTask {
  caseId: string;
  caseDisplayCode: string;
  caseDistrict: { code: string; name: string } | null;
  personId: string;
  name: string;
  phone: string | null;
  unitCode: string | null;
  unitName: string | null;
  degree: number;
  via: { type: string; venueName?: string; overlapStart?: string; overlapEnd?: string };
  followUp: string;
  assignedTracerId: string | null;
  handedAt: string;
  quarantine: { kind: string; startsOn: string; endsOn: string; status: string } | null;
}

/** What adding an interview contact answers: no identity when the contact lives outside the tracer's area. */
export interface AddedContact {
  contactId: string | null;
  personId: string;
  outOfScope: boolean;
  district: { code: string; name: string } | null;
}

export interface GraphData {
  nodes: Array<{ id: string; kind: string; label: string; cluster: number; status?: string }>;
  edges: Array<{ source: string; target: string; kind: string }>;
  clusters: number;
}

export interface MyExposure {
  id: string;
  kind: string;
  degree: number;
  venueId: string | null;
  venueName: string | null;
  exposureStart: string | null;
  exposureEnd: string | null;
  createdAt: string;
}

export interface MyQuarantine {
  id: string;
  kind: string;
  startsOn: string;
  endsOn: string;
  status: string;
}

/** PATCH through the shared client. */
export function apiPatch<T>(path: string, body: unknown): Promise<T> {
  return api<T>('PATCH', path, body);
}

/** Việt Nam has no daylight saving time: local time is always UTC+7. */
const OFFSET_MS = 7 * 3600_000;

/** "14:05 23/11/2026" in Việt Nam time. */
export function formatDateTime(iso: string | null | undefined, language: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(dateLocale(language), {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(new Date(iso));
}

export function formatTime(iso: string, language: string): string {
  return new Intl.DateTimeFormat(dateLocale(language), {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

/** The calendar day of `iso` in Việt Nam ("Thứ Hai, 23/11/2026"). */
export function formatDay(iso: string, language: string): string {
  return new Intl.DateTimeFormat(dateLocale(language), {
    timeZone: TIME_ZONE,
    weekday: 'long',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(new Date(iso));
}

/** A date-only value ("2026-11-23") as "23/11/2026". */
export function formatDateOnly(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : date;
}

/** The value for an `<input type="datetime-local">` showing `date` in Việt Nam time. */
export function toLocalInput(date: Date): string {
  return new Date(date.getTime() + OFFSET_MS).toISOString().slice(0, 16);
}

/** An `<input type="datetime-local">` value read as Việt Nam time, as an ISO instant; null when not a date. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const date = new Date(`${value.slice(0, 16)}:00+07:00`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Minutes between two instants, rounded. */
export function minutesBetween(from: string, to: string): number {
  return Math.round((new Date(to).getTime() - new Date(from).getTime()) / 60_000);
}
