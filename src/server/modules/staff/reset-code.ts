/**
 * One-time password reset codes an administrator hands to a staff member (issue 11, item 14). A code is 16
 * characters from a 32-letter alphabet without look-alikes (80 random bits), written in groups of four
 * (`K7QD-M2XH-…`) so it can be read out over the phone. It is stored like a password (scrypt, as the account's
 * password hash) and signs in only to choose a new password; typing it in lower case or without dashes works too.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LENGTH = 16;

/** How long a reset code works after the administrator made it. */
export const RESET_CODE_HOURS = 24;

/** A new code in its canonical form (`XXXX-XXXX-XXXX-XXXX`). */
export function newResetCode(): string {
  // 256 is a multiple of 32: taking each byte modulo 32 keeps every letter equally likely
  const letters = [...randomBytes(LENGTH)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return letters.replace(/(.{4})(?=.)/g, '$1-');
}

/** The canonical form of a code as typed (case, spaces and dashes do not matter); anything else is returned as is. */
export function normalizeResetCode(typed: string): string {
  const letters = typed.toUpperCase().replace(/[\s-]/g, '');
  if (letters.length !== LENGTH || [...letters].some((c) => !ALPHABET.includes(c))) return typed;
  return letters.replace(/(.{4})(?=.)/g, '$1-');
}
