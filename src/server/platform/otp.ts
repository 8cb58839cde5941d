/**
 * One-time codes sent by SMS: citizens' sign-in codes (auth) and the codes a venue's door sends to a person without
 * a smartphone (checkins). Six digits, drawn from the CSPRNG; stored only as an HMAC keyed per purpose, so a code
 * of one purpose never verifies as the other (a code read out at a door must never sign anyone in).
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/** A fresh six-digit code, zero-padded. */
export function newOneTimeCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** The stored form of `code` for `subject` (a phone, or venue + phone) under the purpose key `purpose`. */
export function hashOneTimeCode(purpose: string, subject: string, code: string): string {
  return createHmac('sha256', purpose).update(`${subject}:${code}`).digest('hex');
}

/** Whether `code` is the one stored as `storedHash` (constant time). */
export function oneTimeCodeMatches(storedHash: string, purpose: string, subject: string, code: string): boolean {
  const given = Buffer.from(hashOneTimeCode(purpose, subject, code.trim()), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === given.length && timingSafeEqual(stored, given);
}
