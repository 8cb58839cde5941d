/**
 * One-time codes at the door, for people without a smartphone (as tokhaiyte served them): the door (a venue's manager
 * or staff) has a code sent by SMS to the person's phone, the person reads it back, and the check-in that carries it
 * proves the person was there (evidence `otp`). Codes are six digits (platform/otp.ts, a purpose key of their own:
 * a door code never signs anyone in), stored as an HMAC, valid for TRUYVET_OTP_TTL_SECONDS, spent on use or after
 * TRUYVET_OTP_MAX_ATTEMPTS wrong tries; only the newest unspent code of a venue and phone counts. Sends are capped
 * per phone (from any venue) and per venue, against SMS pumping and harassment. The answer to a send is the same
 * whether or not the phone belongs to anyone the platform knows. The SMS is the platform's own ("Truyvet: …"), so it
 * carries nothing a registrant chose: the venue is named by its short code (`XXXX-XXXX`, printed on its poster and
 * shown on the door's screen), never by its free-text name, which could dress up a phishing text.
 */

import type { Actor } from '../../platform/access.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { newOneTimeCode } from '../../platform/otp.ts';
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

  /** Checks `code` against the venue's newest code for `phone` (see `check`), spending it when right and `spend`. */
  async function use(venueId: string, phone: string, code: string, spend: boolean): Promise<void> {
    const key = await ctx.otp.key(PURPOSE);
    const now = new Date();
    const max = ctx.config.otpMaxAttempts;
    const problem = await ctx.db.transaction().execute(async (trx) => {
      const row = await repo.lockLatestDoorCode(trx, venueId, phone);
      if (!row) return new AppError('DOOR_CODE_INVALID', 400, { attemptsLeft: 0 });
      if (row.expires_at <= now) {
        await repo.updateDoorCode(trx, row.id, { spent_at: now });
        return new AppError('DOOR_CODE_EXPIRED', 400);
      }
      if (!key.matches(row.code_hash, subject(venueId, phone), code)) {
        const attempts = row.attempts + 1;
        await repo.updateDoorCode(trx, row.id, { attempts, ...(attempts >= max ? { spent_at: now } : {}) });
        return new AppError('DOOR_CODE_INVALID', 400, { attemptsLeft: Math.max(0, max - attempts) });
      }
      if (spend) await repo.updateDoorCode(trx, row.id, { spent_at: now });
      return undefined;
    });
    if (problem) throw problem;
  }

  return {
    /**
     * Sends a code for `phone` (E.164) at the venue; the caller has authorized the actor on the venue. Audited
     * (`checkins.doorCode`, the venue's id only: never the phone).
     */
    async send(
      actor: Actor,
      venue: { id: string; short_code: string; unit_code: string },
      phone: string,
    ): Promise<{ expiresInSeconds: number }> {
      const now = new Date();
      const code = newOneTimeCode();
      const key = await ctx.otp.key(PURPOSE);
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
          code_hash: key.hash(subject(venue.id, phone), code),
          expires_at: new Date(now.getTime() + ttl * 1000),
        });
        // names the venue by its short code (the one on its poster and the door's screen), so a person who is not at
        // its door knows to ignore it and never reads it to anyone; the registrant's free-text name never goes out
        await ctx.notifier.enqueue(trx, {
          channel: 'sms',
          to: phone,
          text: smsText(
            `Truyvet: ma khai bao tai dia diem ${venue.short_code}: ${code}. Chi doc ma cho nguoi ghi nhan tai cua dia diem nay. Het han sau ${Math.round(ttl / 60)} phut. Neu ban khong o do, hay bo qua.`,
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
     * Refuses unless `code` is the venue's newest code for `phone` — counting a wrong try (the code is spent after too
     * many): DOOR_CODE_INVALID (400, `attemptsLeft`), DOOR_CODE_EXPIRED (400) — and leaves a right code unspent: the
     * door asks what else could refuse the check-in before it spends the code (`consume`).
     */
    check(venueId: string, phone: string, code: string): Promise<void> {
      return use(venueId, phone, code, false);
    },

    /** As `check`, and spends the code when it is right. */
    consume(venueId: string, phone: string, code: string): Promise<void> {
      return use(venueId, phone, code, true);
    },
  };
}
