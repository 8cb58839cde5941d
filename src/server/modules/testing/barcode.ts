/**
 * Tube barcodes. The server issues 12 digits — an 11-digit serial from `sample_barcode_seq` and a Luhn check digit —
 * so a mistyped barcode is caught before it reaches a tube (a single wrong digit or two swapped neighbours). Labels
 * printed elsewhere (a lab's own LIS labels) may carry any 4–40 letters, digits or dashes; only 12-digit codes are
 * held to the check digit. Printed as Code 128 (set C packs digit pairs: a short symbol for a small label).
 */

const PATTERN = /^[A-Za-z0-9-]{4,40}$/;

/** The Luhn check digit of a string of digits. */
export function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** The barcode of serial `n` (1, 2, …): 11 digits and the check digit. */
export function barcodeOf(serial: number): string {
  const body = String(serial).padStart(11, '0');
  return `${body}${luhnDigit(body)}`;
}

/** A barcode as typed or scanned: trimmed, upper case; undefined when it cannot be a tube's barcode. */
export function normalizeBarcode(raw: string): string | undefined {
  const code = raw.trim().toUpperCase();
  if (!PATTERN.test(code)) return undefined;
  if (/^\d{12}$/.test(code) && luhnDigit(code.slice(0, 11)) !== Number(code[11])) return undefined;
  return code;
}
