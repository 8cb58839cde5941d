/** Text helpers for what people read — SMS (tracing messages, door codes) and other texts stating Việt Nam dates. */

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

/** The time and date in Việt Nam as a text or a refusal states it: `hh:mm dd/mm/yyyy`, or `dd/mm/yyyy` alone. */
export function localDateText(d: Date, withTime = true): string {
  const iso = new Date(d.getTime() + 7 * 3600_000).toISOString();
  const date = `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
  return withTime ? `${iso.slice(11, 16)} ${date}` : date;
}
