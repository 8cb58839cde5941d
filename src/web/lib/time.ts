/**
 * Every time the app shows is Việt Nam time, whatever zone the phone is set to: a check-in at 20:20 must read 20:20
 * on the citizen's history, the door scanner and the tracer's case page alike.
 */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** The locale dates and numbers are written in for the interface language. */
export function dateLocale(language: string): string {
  return language === 'en' ? 'en-GB' : 'vi-VN';
}

/** Việt Nam has no daylight saving time: its local time is always UTC+7. */
const OFFSET_MS = 7 * 3_600_000;

/** The value of an `<input type="datetime-local">` showing `date` in Việt Nam time (`YYYY-MM-DDTHH:mm`). */
export function toLocalInput(date: Date = new Date()): string {
  return new Date(date.getTime() + OFFSET_MS).toISOString().slice(0, 16);
}

/**
 * An `<input type="datetime-local">` value read as Việt Nam time, whatever zone the device is set to, as an ISO
 * instant; null when it is empty or not a date and time.
 */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const date = new Date(`${value.slice(0, 16)}:00+07:00`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The calendar day (YYYY-MM-DD) of `at` in Việt Nam time: what "today" means for data kept on the device. */
export function localDay(at: Date = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD
  return at.toLocaleDateString('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
}
