/** Numbers as the interface language writes them, whatever the phone's own locale: 12.345 in Vietnamese, 12,345 in English. */
import { dateLocale } from './time.ts';

export function formatNumber(n: number, language: string): string {
  return n.toLocaleString(dateLocale(language));
}

/** A share 0–1 as a percentage with at most one decimal (33,3% in Vietnamese, 33.3% in English); a dash when unknown. */
export function formatPercent(share: number | null, language: string): string {
  return share === null
    ? '—'
    : share.toLocaleString(dateLocale(language), { style: 'percent', maximumFractionDigits: 1 });
}
