/** Times on the exposure pages, in Việt Nam time like every other page. */
import { dateLocale, TIME_ZONE } from '../../lib/time.ts';

/** A Unix time (seconds) or ISO string as "dd/mm/yyyy hh:mm", or "—". */
export function formatWhen(at: number | string | null, language: string): string {
  if (at === null) return '—';
  const date = typeof at === 'number' ? new Date(at * 1000) : new Date(at);
  return new Intl.DateTimeFormat(dateLocale(language), {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(date);
}
