/**
 * Sign-in. Citizens: phone + one-time code sent by SMS (codes expire, wrong codes are counted and lock the
 * phone for a while, sends per hour are capped against SMS pumping). Staff: username + scrypt password +
 * optional TOTP, with a per-account lock after repeated failures. Every outcome is audited.
 * Enabling TOTP or changing the password ends the user's other sessions (a thief's copy included). An account an
 * administrator reset signs in with its one-time code only to choose a new password (`resetPassword`): the plain
 * sign-in answers 403 PASSWORD_CHANGE_REQUIRED, and the same lock and throttling count every try.
 * Sign-in owns the codes and the throttle of unknown usernames; the citizen account is the people module's
 * (`findOrRegisterCitizen`), the staff account and its credentials the staff module's (`credentials`).
 */
import { createHash } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { isFakeNotify } from '../../config.ts';
import type { StaffActor } from '../../platform/access.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { normalizePhone } from '../../platform/formats.ts';
import { newOneTimeCode } from '../../platform/otp.ts';
import { dummyHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from '../../platform/passwords.ts';
import type { PeopleService } from '../people/index.ts';
import { normalizeResetCode, type StaffCredentials, type StaffService } from '../staff/index.ts';
import { authRepo } from './repo.ts';
import type { CitizenView, StaffUserView } from './schemas.ts';

const OTP_SENDS_PER_HOUR = 5;
const STAFF_MAX_FAILURES = 10;
const STAFF_LOCK_MINUTES = 15;

/** the purpose of sign-in codes, their key's name (platform/otp.ts); door and partner codes have their own */
const OTP_PURPOSE = 'truyvet-otp';

export function parsePhone(raw: string): string {
  const phone = normalizePhone(raw);
  if (!phone) throw new AppError('INVALID_PHONE', 400);
  return phone;
}

/** What sign-in needs from other modules. */
export interface AuthDeps {
  people: Pick<PeopleService, 'findOrRegisterCitizen' | 'citizenSummary'>;
  staff: Pick<StaffService, 'view' | 'credentials'>;
}

export function authService(ctx: PlatformContext, deps: AuthDeps) {
  const repo = authRepo();
  const { config } = ctx;
  const credentials = deps.staff.credentials;

  async function staffView(userId: string): Promise<StaffUserView> {
    const view = await deps.staff.view(userId);
    if (!view) throw new AppError('STAFF_NOT_FOUND', 404);
    return view;
  }

  /**
   * Checks a staff password against the lock: the attempt is counted in the database before scrypt runs, so
   * parallel guesses cannot all pass a lock check made before any of them failed. Returns 'locked' without
   * checking when the account is locked; a wrong password stays counted, a right one is the caller's to reset.
   */
  async function checkPassword(
    user: { id: string; password_hash: string },
    password: string,
  ): Promise<'ok' | 'wrong' | 'locked'> {
    const now = new Date();
    const attempt = await credentials.reserveLoginAttempt(ctx.db, user.id, {
      maxFailures: STAFF_MAX_FAILURES,
      now,
      lockUntil: new Date(now.getTime() + STAFF_LOCK_MINUTES * 60_000),
    });
    if (attempt === undefined) return 'locked';
    return (await verifyPassword(password, user.password_hash)) ? 'ok' : 'wrong';
  }

  /**
   * A signed-in staff member proves their current password before changing what guards the account (the password,
   * two-factor): a wrong one counts towards the sign-in lock (a stolen session must not become a password-guessing
   * oracle) and is audited as `action` denied. Returns the account's credentials.
   */
  async function provePassword(actor: StaffActor, password: string, action: string) {
    const user = await credentials.findById(actor.userId);
    if (!user) throw new AppError('UNAUTHENTICATED', 401);
    const current = await checkPassword(user, password);
    if (current === 'ok') return user;
    const error =
      current === 'locked' ? new AppError('ACCOUNT_LOCKED', 429) : new AppError('CURRENT_PASSWORD_WRONG', 403);
    await ctx.audit.record({
      actor,
      action,
      outcome: 'denied',
      resourceType: 'staff_user',
      resourceId: actor.userId,
      details: { reason: error.code },
    });
    throw error;
  }

  async function citizenView(personId: string, phone: string): Promise<CitizenView> {
    const p = await deps.people.citizenSummary(personId);
    return { personId, phone, name: p?.name ?? '', profileComplete: Boolean(p?.name && p.unitCode) };
  }

  /**
   * Decides whether the username and secret sign in: the account's password — or, while an administrator's reset is
   * pending, its one-time code — and the TOTP code when two-factor is on. `purpose` 'login' refuses an account with
   * a pending reset (403 PASSWORD_CHANGE_REQUIRED, once the code itself was right); 'reset' accepts only such an
   * account, before its code expires. Every refusal is audited and stays counted towards the lock.
   */
  async function authenticateStaff(
    input: { username: string; password: string; totp?: string | undefined },
    purpose: 'login' | 'reset',
  ): Promise<StaffCredentials> {
    const action = purpose === 'login' ? 'auth.staff.login' : 'auth.password.reset';
    const username = input.username.trim().toLowerCase();
    const user = await credentials.findByUsername(username);
    // every attempt that does not end in a session stays counted (the password check counted it), including one
    // without the TOTP code: otherwise knowing the password would buy unlimited TOTP guesses
    const deny = async (
      code: 'INVALID_CREDENTIALS' | 'TOTP_REQUIRED' | 'TOTP_INVALID' | 'ACCOUNT_LOCKED' | 'PASSWORD_CHANGE_REQUIRED',
      reason: string = code,
    ) => {
      await ctx.audit.record({
        actor: null,
        action,
        outcome: 'denied',
        resourceType: 'staff_user',
        ...(user ? { resourceId: user.id } : {}),
        details: { reason },
      });
      return new AppError(code, code === 'ACCOUNT_LOCKED' ? 429 : code === 'PASSWORD_CHANGE_REQUIRED' ? 403 : 401);
    };
    if (!user) {
      // an unknown name is counted and locked like an account, and costs the same scrypt while not locked, so
      // neither the status nor the time says whether the username exists
      const now = new Date();
      const attempt = await repo.reserveUnknownLoginAttempt(
        ctx.db,
        createHash('sha256').update(username).digest('hex'),
        STAFF_MAX_FAILURES,
        now,
        new Date(now.getTime() + STAFF_LOCK_MINUTES * 60_000),
      );
      if (attempt === undefined) throw await deny('ACCOUNT_LOCKED');
      await verifyPassword(input.password, await dummyHash());
      throw await deny('INVALID_CREDENTIALS');
    }
    const resetUntil = user.password_reset_expires_at;
    // a reset code is read however it was typed (case, dashes); a password exactly as typed
    const secret = resetUntil ? normalizeResetCode(input.password) : input.password;
    const password = await checkPassword(user, secret);
    if (password === 'locked') throw await deny('ACCOUNT_LOCKED');
    if (password === 'wrong' || user.disabled) throw await deny('INVALID_CREDENTIALS');
    if (resetUntil && resetUntil <= new Date()) throw await deny('INVALID_CREDENTIALS', 'RESET_CODE_EXPIRED');
    if (purpose === 'reset' && !resetUntil) throw await deny('INVALID_CREDENTIALS', 'NO_RESET_PENDING');
    if (user.totp_enabled && user.totp_secret) {
      if (!input.totp) throw await deny('TOTP_REQUIRED');
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(user.totp_secret) });
      const delta = totp.validate({ token: input.totp, window: 1 });
      if (delta === null) throw await deny('TOTP_INVALID');
      // a code works once: a replay of an intercepted code in the same 30 s window is refused
      const step = Math.floor(Date.now() / 1000 / totp.period) + delta;
      if (!(await credentials.useTotpStep(ctx.db, user.id, step))) throw await deny('TOTP_INVALID');
    }
    if (purpose === 'login' && resetUntil) throw await deny('PASSWORD_CHANGE_REQUIRED');
    return user;
  }

  /** The actor a new staff session is audited under (its grants are not needed for that). */
  const sessionActor = (user: StaffCredentials, sessionId: string): StaffActor => ({
    kind: 'staff',
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    grants: [],
    sessionId,
  });

  return {
    staffView,
    citizenView,

    async requestOtp(rawPhone: string): Promise<{ expiresInSeconds: number; devCode?: string }> {
      const phone = parsePhone(rawPhone);
      const code = newOneTimeCode();
      const key = await ctx.otp.key(OTP_PURPOSE);
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
          code_hash: key.hash(phone, code),
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
      const key = await ctx.otp.key(OTP_PURPOSE);
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
        if (!key.matches(row.code_hash, phone, code)) {
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
        // the phone is proven: its account holder, claimed or registered by the people module in this transaction
        const account = await deps.people.findOrRegisterCitizen(trx, phone);
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
      const user = await authenticateStaff(input, 'login');
      const session = await ctx.db.transaction().execute(async (trx) => {
        await credentials.resetLoginFailures(trx, user.id);
        return ctx.sessions.create(trx, { kind: 'staff', userId: user.id }, config.staffSessionHours * 3600);
      });
      await ctx.audit.record({ actor: sessionActor(user, session.sessionId), action: 'auth.staff.login' });
      return { token: session.token, expiresAt: session.expiresAt, user: await staffView(user.id) };
    },

    /**
     * The first sign-in after an administrator's reset: the one-time code (and the TOTP code when two-factor is on)
     * proves the account, the new password replaces the code, and a session opens. Password rules and the sign-in
     * lock apply as to any sign-in; every other session of the account ends.
     */
    async resetPassword(input: { username: string; code: string; newPassword: string; totp?: string | undefined }) {
      if (input.newPassword.length < MIN_PASSWORD_LENGTH) throw new AppError('WEAK_PASSWORD', 400);
      const user = await authenticateStaff(
        { username: input.username, password: input.code, ...(input.totp ? { totp: input.totp } : {}) },
        'reset',
      );
      const passwordHash = await hashPassword(input.newPassword);
      const session = await ctx.db.transaction().execute(async (trx) => {
        await credentials.setPassword(trx, user.id, passwordHash);
        await ctx.sessions.revokeAllSessions(trx, user.id);
        const opened = await ctx.sessions.create(
          trx,
          { kind: 'staff', userId: user.id },
          config.staffSessionHours * 3600,
        );
        await ctx.audit.append(trx, {
          actor: sessionActor(user, opened.sessionId),
          action: 'auth.password.reset',
          resourceType: 'staff_user',
          resourceId: user.id,
        });
        return opened;
      });
      ctx.sessions.forgetUser(user.id);
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
      const current = await credentials.findById(actor.userId);
      if (current?.totp_enabled) throw new AppError('TOTP_ALREADY_ENABLED', 409);
      const secret = new OTPAuth.Secret({ size: 20 });
      const totp = new OTPAuth.TOTP({ issuer: 'Truyvet', label: actor.username, secret });
      await credentials.setPendingTotp(ctx.db, actor.userId, secret.base32);
      await ctx.audit.record({
        actor,
        action: 'auth.totp.setup',
        resourceType: 'staff_user',
        resourceId: actor.userId,
      });
      return { secret: secret.base32, otpauthUrl: totp.toString() };
    },

    /**
     * Confirms the pending secret with a current code and switches two-factor on. The confirming code counts as
     * used (it cannot sign in afterwards), and every other session of the user ends: one opened with the password
     * alone, perhaps by whoever else knows it, must not outlive the new second factor. The current password is asked
     * first, as for a password change (a wrong one counts towards the sign-in lock): a stolen session alone could
     * otherwise enrol its own authenticator and lock the owner out.
     */
    async totpEnable(actor: StaffActor, code: string, currentPassword: string) {
      const user = await provePassword(actor, currentPassword, 'auth.totp.enable');
      if (!user.totp_secret) throw new AppError('TOTP_INVALID', 400);
      if (user.totp_enabled) throw new AppError('TOTP_ALREADY_ENABLED', 409);
      const secret = user.totp_secret;
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
      const delta = totp.validate({ token: code, window: 1 });
      if (delta === null) throw new AppError('TOTP_INVALID', 400);
      const step = Math.floor(Date.now() / 1000 / totp.period) + delta;
      await ctx.db.transaction().execute(async (trx) => {
        if (!(await credentials.enableTotp(trx, actor.userId, secret, step))) {
          throw new AppError('TOTP_ALREADY_ENABLED', 409);
        }
        await ctx.sessions.revokeOtherSessions(trx, actor.userId, actor.sessionId);
        await ctx.audit.append(trx, {
          actor,
          action: 'auth.totp.enable',
          resourceType: 'staff_user',
          resourceId: actor.userId,
        });
      });
      ctx.sessions.forgetUser(actor.userId);
    },

    /**
     * A staff member changes their own password, proving the current one. Wrong current passwords count towards
     * the sign-in lock (a stolen session must not become a password-guessing oracle). The new password ends every
     * other session of the user; the calling session stays.
     */
    async changePassword(actor: StaffActor, input: { currentPassword: string; newPassword: string }) {
      if (input.newPassword.length < MIN_PASSWORD_LENGTH) throw new AppError('WEAK_PASSWORD', 400);
      await provePassword(actor, input.currentPassword, 'auth.password.change');
      const passwordHash = await hashPassword(input.newPassword);
      await ctx.db.transaction().execute(async (trx) => {
        await credentials.setPassword(trx, actor.userId, passwordHash);
        await ctx.sessions.revokeOtherSessions(trx, actor.userId, actor.sessionId);
        await ctx.audit.append(trx, {
          actor,
          action: 'auth.password.change',
          resourceType: 'staff_user',
          resourceId: actor.userId,
        });
      });
      ctx.sessions.forgetUser(actor.userId);
    },
  };
}

export type AuthService = ReturnType<typeof authService>;
