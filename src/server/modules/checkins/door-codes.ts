/**
 * One-time codes at the door, for people without a smartphone (as tokhaiyte served them): the door (a venue's manager
 * or staff) has a code sent by SMS to the person's phone, the person reads it back, and the check-in that carries it
 * proves the person was there (evidence `otp`). Codes are six digits (platform/otp.ts, a purpose key of their own:
 * a door code never signs anyone in), stored as an HMAC, valid for TRUYVET_OTP_TTL_SECONDS, spent on use or after
 * TRUYVET_OTP_MAX_ATTEMPTS wrong tries; only the newest unspent code of a venue and phone counts. Sends are capped
 * per phone (from any venue) and per venue, against SMS pumping and harassment. The answer to a send is the same
 * whether or not the phone belongs to anyone the platform knows.
 */

import type { Actor } from '../../platform/access.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { hashOneTimeCode, newOneTimeCode, oneTimeCodeMatches } from '../../platform/otp.ts';
import { smsText } from '../../platform/sms.ts';
import { checkinsRepo } from './repo.ts';

const PURPOSE = 'truyvet-door-otp';
const HOUR = 3600_000;
/** codes one phone may receive per hour, from all venues together */
export const DOOR_CODES_PER_PHONE_PER_HOUR = 5;
/** codes one venue may send per hour (a busy market door serves many people without smartphones) */
export const DOOR_CODES_PER_VENUE_PER_HOUR = 200;

const subject = (venueId: string, phone: string) => `${venueId}:${phone}`;

export function doorCodes(ctx: PlatformContext) {
  const repo = checkinsRepo(ctx.db);

  return {
    /**
     * Sends a code for `phone` (E.164) at the venue; the caller has authorized the actor on the venue. Audited
     * (`checkins.doorCode`, the venue's id only: never the phone).
     */
    async send(
      actor: Actor,
      venue: { id: string; name: string; unit_code: string },
      phone: string,
    ): Promise<{ expiresInSeconds: number }> {
      const now = new Date();
      const code = newOneTimeCode();
      const ttl = ctx.config.otpTtlSeconds;
      await ctx.db.transaction().execute(async (trx) => {
        await repo.lockDoorCodes(trx, venue.id, phone);
        const sent = await repo.doorCodesSent(trx, venue.id, phone, new Date(now.getTime() - HOUR));
        if (sent.phone >= DOOR_CODES_PER_PHONE_PER_HOUR)
          throw new AppError('DOOR_CODE_TOO_MANY_SENDS', 429, { limit: 'phone' });
        if (sent.venue >= DOOR_CODES_PER_VENUE_PER_HOUR)
          throw new AppError('DOOR_CODE_TOO_MANY_SENDS', 429, { limit: 'venue' });
        await repo.insertDoorCode(trx, {
          venue_id: venue.id,
          phone,
          code_hash: hashOneTimeCode(PURPOSE, subject(venue.id, phone), code),
          expires_at: new Date(now.getTime() + ttl * 1000),
        });
        // names the venue, so a person who is not at its door knows to ignore it and never reads it to anyone
        await ctx.notifier.enqueue(trx, {
          channel: 'sms',
          to: phone,
          text: smsText(
            `Truyvet: ma khai bao tai ${venue.name}: ${code}. Chi doc ma nay cho nguoi ghi nhan tai cua dia diem nay. Het han sau ${Math.round(ttl / 60)} phut. Neu ban khong o do, hay bo qua tin nhan nay.`,
          ),
        });
        await ctx.audit.append(trx, {
          actor,
          action: 'checkins.doorCode',
          resourceType: 'venue',
          resourceId: venue.id,
          unitCode: venue.unit_code,
        });
      });
      ctx.jobs.wake();
      return { expiresInSeconds: ttl };
    },

    /**
     * Spends the venue's newest code for `phone` when `code` is it; otherwise counts a wrong try (the code is spent
     * after too many) and refuses: DOOR_CODE_INVALID (400, `attemptsLeft`), DOOR_CODE_EXPIRED (400).
     */
    async consume(venueId: string, phone: string, code: string): Promise<void> {
      const now = new Date();
      const max = ctx.config.otpMaxAttempts;
      const problem = await ctx.db.transaction().execute(async (trx) => {
        const row = await repo.lockLatestDoorCode(trx, venueId, phone);
        if (!row) return new AppError('DOOR_CODE_INVALID', 400, { attemptsLeft: 0 });
        if (row.expires_at <= now) {
          await repo.updateDoorCode(trx, row.id, { spent_at: now });
          return new AppError('DOOR_CODE_EXPIRED', 400);
        }
        if (!oneTimeCodeMatches(row.code_hash, PURPOSE, subject(venueId, phone), code)) {
          const attempts = row.attempts + 1;
          await repo.updateDoorCode(trx, row.id, { attempts, ...(attempts >= max ? { spent_at: now } : {}) });
          return new AppError('DOOR_CODE_INVALID', 400, { attemptsLeft: Math.max(0, max - attempts) });
        }
        await repo.updateDoorCode(trx, row.id, { spent_at: now });
        return undefined;
      });
      if (problem) throw problem;
    },
  };
}
