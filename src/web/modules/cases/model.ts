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

/** Minutes between two instants, rounded. */
export function minutesBetween(from: string, to: string): number {
  return Math.round((new Date(to).getTime() - new Date(from).getTime()) / 60_000);
}
