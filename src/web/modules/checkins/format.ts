import type { TFunction } from 'i18next';
import { dateLocale, TIME_ZONE } from '../../lib/time.ts';

/** "14:05, 23/11/2026" in Vietnamese, "23/11/2026, 14:05" style in English, in Việt Nam time. */
export function formatTime(iso: string, language: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(dateLocale(language), {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  });
}

/** The translated name of a venue category (the raw value if unknown). */
export function categoryLabel(category: string, t: TFunction): string {
  return t(`checkins.categories.${category}`, { defaultValue: category });
}
