/**
 * Sign-in. Citizens: phone + one-time code sent by SMS (codes expire, wrong codes are counted and lock the
 * phone for a while, sends per hour are capped against SMS pumping). Staff: username + scrypt password +
 * optional TOTP, with a per-account lock after repeated failures. Every outcome is audited.
 */
import { createHmac, randomInt } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { isFakeNotify } from '../../config.ts';
import type { AppContext } from '../../context.ts';
import type { StaffActor } from '../../platform/access.ts';
import { AppError } from '../../platform/errors.ts';
import { normalizePhone } from '../../platform/formats.ts';
import { dummyHash, verifyPassword } from '../../platform/passwords.ts';
import { authRepo } from './repo.ts';
import type { CitizenView, StaffUserView } from './schemas.ts';

const OTP_SENDS_PER_HOUR = 5;
const STAFF_MAX_FAILURES = 10;
const STAFF_LOCK_MINUTES = 15;

function hashOtp(phone: string, code: string): string {
  return createHmac('sha256', 'truyvet-otp').update(`${phone}:${code}`).digest('hex');
}

export function parsePhone(raw: string): string {
  const phone = normalizePhone(raw);
  if (!phone) throw new AppError('INVALID_PHONE', 400);
  return phone;
}

export function authService(ctx: AppContext) {
  const repo = authRepo();
  const { config } = ctx;

  async function staffView(userId: string): Promise<StaffUserView> {
    const user = await repo.findStaffById(ctx.db, userId);
    if (!user) throw new AppError('STAFF_NOT_FOUND', 404);
    const grants = await repo.grantsWithNames(ctx.db, userId);
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      totpEnabled: user.totp_enabled,
      grants: grants.map((g) => ({ role: g.role, unitCode: g.unit_code, unitName: g.name })),
    };
  }

  async function citizenView(personId: string, phone: string): Promise<CitizenView> {
    const p = await repo.findPerson(ctx.db, personId);
    return { personId, phone, name: p?.name ?? '', profileComplete: Boolean(p?.name && p.unit_code) };
  }

  return {
    staffView,
    citizenView,

    async requestOtp(rawPhone: string): Promise<{ expiresInSeconds: number; devCode?: string }> {
      const phone = parsePhone(rawPhone);
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const now = new Date();
      const problem = await ctx.db.transaction().execute(async (trx) => {
        const row = await repo.lockOtp(trx, phone);
        if (row?.locked_until && row.locked_until > now) {
          return new AppError('OTP_LOCKED', 429, undefined, {
            minutes: Math.ceil((row.locked_until.getTime() - now.getTime()) / 60_000),
          });
        }
        const windowFresh = row && now.getTime() - row.window_started_at.getTime() < 3600_000;
        const sends = windowFresh ? row.sends_in_window : 0;
        if (sends >= OTP_SENDS_PER_HOUR) return new AppError('OTP_TOO_MANY_SENDS', 429);
        await repo.upsertOtp(trx, {
          phone,
          code_hash: hashOtp(phone, code),
          expires_at: new Date(now.getTime() + config.otpTtlSeconds * 1000),
          sends_in_window: sends + 1,
          window_started_at: windowFresh ? row.window_started_at : now,
        });
        // SMS text without diacritics: GSM-7 encoding, one segment, readable on every handset
        await ctx.notifier.enqueue(trx, {
          channel: 'sms',
          to: phone,
          text: `Ma xac thuc Truyvet: ${code}. Het han sau ${Math.round(config.otpTtlSeconds / 60)} phut. Khong chia se ma nay cho bat ky ai.`,
        });
        return undefined;
      });
      await ctx.audit.record({ actor: null, action: 'auth.otp.request', outcome: problem ? 'denied' : 'ok' });
      if (problem) throw problem;
      ctx.jobs.wake();
      return {
        expiresInSeconds: config.otpTtlSeconds,
        ...(isFakeNotify(config) && config.env !== 'production' ? { devCode: code } : {}),
      };
    },

    async verifyOtp(rawPhone: string, code: string) {
      const phone = parsePhone(rawPhone);
      const now = new Date();
      type Outcome =
        | { error: AppError }
        | { personId: string; session: { token: string; sessionId: string; expiresAt: Date } };
      const outcome = await ctx.db.transaction().execute(async (trx): Promise<Outcome> => {
        const row = await repo.lockOtp(trx, phone);
        // a locked phone answers "locked" (not "invalid") for as long as the lock lasts, even for the right code
        if (row?.locked_until && row.locked_until > now) {
          const minutes = Math.ceil((row.locked_until.getTime() - now.getTime()) / 60_000);
          return { error: new AppError('OTP_LOCKED', 429, undefined, { minutes }) };
        }
        if (!row || row.code_hash === '') return { error: new AppError('OTP_INVALID', 401) };
        if (row.expires_at <= now) return { error: new AppError('OTP_EXPIRED', 401) };
        if (row.code_hash !== hashOtp(phone, code.trim())) {
          const attempts = row.attempts + 1;
          const lock = attempts >= config.otpMaxAttempts;
          await repo.recordOtpFailure(
            trx,
            phone,
            attempts,
            lock ? new Date(now.getTime() + config.otpLockMinutes * 60_000) : null,
          );
          if (lock) {
            // the code is spent too: after the lock a fresh code must be requested
            await repo.consumeOtp(trx, phone);
            return { error: new AppError('OTP_LOCKED', 429, undefined, { minutes: config.otpLockMinutes }) };
          }
          return { error: new AppError('OTP_INVALID', 401, { attemptsLeft: config.otpMaxAttempts - attempts }) };
        }
        await repo.consumeOtp(trx, phone);
        let account = await repo.findAccount(trx, phone);
        if (!account) {
          // a person registered by staff with this phone and no account yet becomes the account holder when
          // unambiguous; otherwise a new person is created and the citizen completes the profile
          const unclaimed = await repo.findUnclaimedByPhone(trx, phone);
          const person =
            unclaimed.length === 1 && unclaimed[0] ? unclaimed[0] : await repo.createPersonForPhone(trx, phone);
          await repo.createAccount(trx, phone, person.id);
          account = { id: person.id, name: person.name, unit_code: person.unit_code, phone };
        }
        const session = await ctx.sessions.create(
          trx,
          { kind: 'citizen', personId: account.id },
          config.citizenSessionDays * 86400,
        );
        return { personId: account.id, session };
      });
      if ('error' in outcome) {
        await ctx.audit.record({
          actor: null,
          action: 'auth.citizen.login',
          outcome: 'denied',
          details: { reason: outcome.error.code },
        });
        throw outcome.error;
      }
      await ctx.audit.record({
        actor: { kind: 'citizen', personId: outcome.personId, phone, sessionId: outcome.session.sessionId },
        action: 'auth.citizen.login',
      });
      return {
        token: outcome.session.token,
        expiresAt: outcome.session.expiresAt,
        person: await citizenView(outcome.personId, phone),
      };
    },

    async staffLogin(input: { username: string; password: string; totp?: string | undefined }) {
      const username = input.username.trim().toLowerCase();
      const user = await repo.findStaffByUsername(ctx.db, username);
      const now = new Date();
      const deny = async (
        code: 'INVALID_CREDENTIALS' | 'TOTP_REQUIRED' | 'TOTP_INVALID' | 'ACCOUNT_LOCKED',
        countFailure: boolean,
      ) => {
        if (user && countFailure) {
          // atomic in the database: parallel guesses must not all read the same count and escape the lock
          await repo.recordLoginFailure(
            ctx.db,
            user.id,
            STAFF_MAX_FAILURES,
            new Date(now.getTime() + STAFF_LOCK_MINUTES * 60_000),
          );
        }
        await ctx.audit.record({
          actor: null,
          action: 'auth.staff.login',
          outcome: 'denied',
          resourceType: 'staff_user',
          ...(user ? { resourceId: user.id } : {}),
          details: { reason: code },
        });
        return new AppError(code, code === 'ACCOUNT_LOCKED' ? 429 : 401);
      };
      if (!user) {
        await verifyPassword(input.password, await dummyHash());
        throw await deny('INVALID_CREDENTIALS', false);
      }
      if (user.locked_until && user.locked_until > now) throw await deny('ACCOUNT_LOCKED', false);
      const passwordOk = await verifyPassword(input.password, user.password_hash);
      if (!passwordOk || user.disabled) throw await deny('INVALID_CREDENTIALS', true);
      if (user.totp_enabled && user.totp_secret) {
        if (!input.totp) throw await deny('TOTP_REQUIRED', false);
        const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(user.totp_secret) });
        const delta = totp.validate({ token: input.totp, window: 1 });
        if (delta === null) throw await deny('TOTP_INVALID', true);
        // a code works once: a replay of an intercepted code in the same 30 s window is refused
        const step = Math.floor(Date.now() / 1000 / totp.period) + delta;
        if (!(await repo.useTotpStep(ctx.db, user.id, step))) throw await deny('TOTP_INVALID', true);
      }
      const session = await ctx.db.transaction().execute(async (trx) => {
        await repo.setLoginFailures(trx, user.id, 0, null);
        return ctx.sessions.create(trx, { kind: 'staff', userId: user.id }, config.staffSessionHours * 3600);
      });
      await ctx.audit.record({
        actor: {
          kind: 'staff',
          userId: user.id,
          username: user.username,
          displayName: user.display_name,
          grants: [],
          sessionId: session.sessionId,
        },
        action: 'auth.staff.login',
      });
      return { token: session.token, expiresAt: session.expiresAt, user: await staffView(user.id) };
    },

    async logout(
      token: string | undefined,
      actor: StaffActor | { kind: 'citizen'; personId: string; phone: string; sessionId: string } | undefined,
    ) {
      if (!token) return;
      await ctx.sessions.revoke(token);
      if (actor) await ctx.audit.record({ actor, action: 'auth.logout' });
    },

    async totpSetup(actor: StaffActor) {
      // a new secret would switch two-factor off until confirmed: a stolen session must not be able to do that
      const current = await repo.findStaffById(ctx.db, actor.userId);
      if (current?.totp_enabled) throw new AppError('TOTP_ALREADY_ENABLED', 409);
      const secret = new OTPAuth.Secret({ size: 20 });
      const totp = new OTPAuth.TOTP({ issuer: 'Truyvet', label: actor.username, secret });
      await repo.setTotp(ctx.db, actor.userId, secret.base32, false);
      await ctx.audit.record({
        actor,
        action: 'auth.totp.setup',
        resourceType: 'staff_user',
        resourceId: actor.userId,
      });
      return { secret: secret.base32, otpauthUrl: totp.toString() };
    },

    async totpEnable(actor: StaffActor, code: string) {
      const user = await repo.findStaffById(ctx.db, actor.userId);
      if (!user?.totp_secret) throw new AppError('TOTP_INVALID', 400);
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(user.totp_secret) });
      if (totp.validate({ token: code, window: 1 }) === null) throw new AppError('TOTP_INVALID', 400);
      await repo.setTotp(ctx.db, actor.userId, user.totp_secret, true);
      await ctx.audit.record({
        actor,
        action: 'auth.totp.enable',
        resourceType: 'staff_user',
        resourceId: actor.userId,
      });
    },
  };
}
