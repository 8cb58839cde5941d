/**
 * Small helpers the case screens share. The cases API's shapes (`lib/api-types.ts`) and value lists
 * (`server/modules/cases/constants.ts`) are the server's own.
 */
import { api } from '../../lib/api.ts';
import { dateLocale, TIME_ZONE } from '../../lib/time.ts';

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
