/** Formats of identifiers that arrive from people: phone numbers and national IDs (CCCD). */

/**
 * Normalizes a phone number to E.164. Vietnamese numbers may be written "0912 345 678", "84912345678" or
 * "+84 912 345 678"; numbers of other countries must carry their "+" prefix. Returns null when invalid.
 */
export function normalizePhone(input: string): string | null {
  const compact = input.trim().replace(/[\s.\-()]/g, '');
  let e164: string;
  if (/^\+[1-9]\d{7,14}$/.test(compact)) e164 = compact;
  else if (/^0\d{9,10}$/.test(compact)) e164 = `+84${compact.slice(1)}`;
  else if (/^84\d{9,10}$/.test(compact)) e164 = `+${compact}`;
  else return null;
  if (e164.startsWith('+84')) {
    const national = e164.slice(3);
    // mobile: 9 digits starting 3/5/7/8/9; fixed line: 10 digits starting 2
    if (!/^[35789]\d{8}$/.test(national) && !/^2\d{9}$/.test(national)) return null;
  }
  return e164;
}

/** A UUID in its text form (any version, either case): what a `uuid` column accepts as an id from outside. */
export function isUuid(input: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input);
}

/** A CCCD (citizen identity card) number: exactly 12 digits. */
export function isNationalId(input: string): boolean {
  return /^\d{12}$/.test(input);
}

/** Lower-case text without Vietnamese diacritics, for accent-insensitive search ("Đồng Nai" → "dong nai"). */
export function foldDiacritics(input: string): string {
  return input
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const VIETNAMESE_LETTERS = 'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ';
/** `translate()` arguments that fold Vietnamese letters (both cases) to plain lower-case ASCII inside SQL. */
export const SQL_FOLD_FROM = `${VIETNAMESE_LETTERS}${VIETNAMESE_LETTERS.toUpperCase()}ABCDEFGHIJKLMNOPQRSTUVWXYZ`;
export const SQL_FOLD_TO = [...SQL_FOLD_FROM].map((c) => foldDiacritics(c)).join('');
