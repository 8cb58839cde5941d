/**
 * One-time codes (platform/otp.ts): the stored hash is keyed by the deployment's secret, so a copy of the database
 * (or of this repository) is not enough to try the million six-digit codes against it.
 */
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DB } from '../db/types.ts';
import { createOneTimeCodes, newOneTimeCode, oneTimeCodeKey } from './otp.ts';

const SECRET = 'the first deployment secret, 32+ characters long';
const OTHER_SECRET = 'the second deployment secret, 32+ characters long';

/** a database handle that fails any use: a configured secret needs no query */
const noDatabase = new Proxy({} as Kysely<DB>, {
  get() {
    throw new Error('the database was used');
  },
});

describe('one-time codes', () => {
  it('draws six-digit codes, zero-padded', () => {
    for (let i = 0; i < 50; i++) expect(newOneTimeCode()).toMatch(/^\d{6}$/);
  });

  it('hashes a code differently under two secrets', () => {
    const one = oneTimeCodeKey(SECRET, 'truyvet-otp');
    const other = oneTimeCodeKey(OTHER_SECRET, 'truyvet-otp');
    expect(one.hash('+84912000001', '123456')).toMatch(/^[0-9a-f]{64}$/);
    expect(one.hash('+84912000001', '123456')).toBe(
      oneTimeCodeKey(SECRET, 'truyvet-otp').hash('+84912000001', '123456'),
    );
    expect(one.hash('+84912000001', '123456')).not.toBe(other.hash('+84912000001', '123456'));
  });

  it('does not match a code hashed under another secret', () => {
    const stored = oneTimeCodeKey(SECRET, 'truyvet-otp').hash('+84912000001', '123456');
    expect(oneTimeCodeKey(SECRET, 'truyvet-otp').matches(stored, '+84912000001', '123456')).toBe(true);
    expect(oneTimeCodeKey(OTHER_SECRET, 'truyvet-otp').matches(stored, '+84912000001', '123456')).toBe(false);
  });

  it('keeps the purposes apart: a door code never matches as a sign-in code', () => {
    const door = oneTimeCodeKey(SECRET, 'truyvet-door-otp');
    const signIn = oneTimeCodeKey(SECRET, 'truyvet-otp');
    const stored = door.hash('+84912000001', '123456');
    expect(door.matches(stored, '+84912000001', '123456')).toBe(true);
    expect(signIn.matches(stored, '+84912000001', '123456')).toBe(false);
  });

  it('matches the right code only, for its subject, spaces around it ignored', () => {
    const key = oneTimeCodeKey(SECRET, 'truyvet-otp');
    const stored = key.hash('+84912000001', '123456');
    expect(key.matches(stored, '+84912000001', ' 123456 ')).toBe(true);
    expect(key.matches(stored, '+84912000001', '123457')).toBe(false);
    expect(key.matches(stored, '+84912000002', '123456')).toBe(false);
    // a spent code (the empty hash) and a malformed one match nothing
    expect(key.matches('', '+84912000001', '123456')).toBe(false);
    expect(key.matches('abc', '+84912000001', '123456')).toBe(false);
  });

  it('derives the keys from the configured secret, without the database', async () => {
    const codes = createOneTimeCodes(noDatabase, { env: 'production', otpSecret: SECRET });
    const key = await codes.key('truyvet-otp');
    expect(key.hash('+84912000001', '123456')).toBe(
      oneTimeCodeKey(SECRET, 'truyvet-otp').hash('+84912000001', '123456'),
    );
    expect(await codes.key('truyvet-otp')).toBe(key);
  });

  it('refuses to generate a secret in production', async () => {
    const codes = createOneTimeCodes(noDatabase, { env: 'production', otpSecret: undefined });
    await expect(codes.key('truyvet-otp')).rejects.toThrow(/TRUYVET_OTP_SECRET/);
  });
});
