/** Text helpers for SMS, shared by every module that sends one (tracing messages, door codes). */

/** "Đồng Nai" → "Dong Nai": SMS text without diacritics (GSM-7, one segment), case kept. */
export function smsText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

/** The calendar date in Việt Nam (UTC+7, no daylight saving) as `YYYY-MM-DD`: what a message or an order states. */
export function localDate(d: Date): string {
  return new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}
