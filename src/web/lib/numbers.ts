/** Numbers as the interface language writes them, whatever the phone's own locale: 12.345 in Vietnamese, 12,345 in English. */
import { dateLocale } from './time.ts';

export function formatNumber(n: number, language: string): string {
  return n.toLocaleString(dateLocale(language));
}
