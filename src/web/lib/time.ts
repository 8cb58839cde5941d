/**
 * Every time the app shows is Việt Nam time, whatever zone the phone is set to: a check-in at 20:20 must read 20:20
 * on the citizen's history, the door scanner and the tracer's case page alike.
 */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** The locale dates and numbers are written in for the interface language. */
export function dateLocale(language: string): string {
  return language === 'en' ? 'en-GB' : 'vi-VN';
}

/** The calendar day (YYYY-MM-DD) of `at` in Việt Nam time: what "today" means for data kept on the device. */
export function localDay(at: Date = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD
  return at.toLocaleDateString('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
}
