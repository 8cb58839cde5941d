/**
 * Staff accounts: admins create officers with a role scoped to an admin unit, add, change and remove grants,
 * disable accounts, reset a password with a one-time code and end every session of an account (force logout). The
 * account row also holds the sign-in credentials (password hash, lock counters, TOTP, a pending reset): the auth
 * module decides sign-in and reaches them only through `credentials` below.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, STAFF_ROLES, type StaffRole } from '../../platform/access.ts';
import { authorize, authorizeAt, scopeOf } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../../platform/passwords.ts';
import type { AdminUnitsService } from '../admin-units/index.ts';
import type { StaffUserView } from '../auth/schemas.ts';
import { placesOf, staffPolicy } from './policy.ts';
import { staffRepo } from './repo.ts';
import { newResetCode, RESET_CODE_HOURS } from './reset-code.ts';

const USERNAME = /^[a-z0-9._-]{3,64}$/;

type Q = Kysely<DB> | Transaction<DB>;

/** What the staff module needs from other modules. */
export interface StaffDeps {
  adminUnits: Pick<AdminUnitsService, 'findByCode'>;
}

/** A staff account with its credentials, as the auth module reads it to decide a sign-in. */
export interface StaffCredentials {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  disabled: boolean;
  totp_enabled: boolean;
  totp_secret: string | null;
  /** set: the password hash is a one-time reset code's, good only to choose a new password until then */
  password_reset_expires_at: Date | null;
}

export function staffService(ctx: PlatformContext, deps: StaffDeps) {
  const repo = staffRepo(ctx.db);

  /** Resolves a grant target and checks the actor may hand it out (403 outside the actor's reach). */
  async function grantTarget(actor: Actor, role: string, unitCode: string | null | undefined) {
    if (!(STAFF_ROLES as string[]).includes(role)) throw new AppError('UNKNOWN_ROLE', 400, { allowed: STAFF_ROLES });
    let unitPath = '';
    if (unitCode) {
      const unit = await deps.adminUnits.findByCode(unitCode);
      if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
      unitPath = unit.path;
    }
    authorizeAt(staffPolicy, actor, 'staff.manage', { unitPath });
    return { role: role as StaffRole, unitCode: unitCode ?? null };
  }

  /**
   * Loads an account the actor may manage: 403 for a role that never manages staff, else 404 whether the account
   * is missing or has a grant out of the actor's reach (managing someone needs authority over every grant).
   */
  async function loadManageable(actor: Actor, id: string) {
    const user = await repo.findUser(id);
    const grants = user ? await repo.grants(id) : [];
    for (const place of placesOf(grants)) authorize(staffPolicy, actor, 'staff.manage', user && place);
    if (!user) throw new AppError('STAFF_NOT_FOUND', 404); // not reached (placesOf is never empty): narrows the type
    return { user, grants };
  }

  /** Where an account's audit entries are filed: its first grant's unit (null: national), so its admins see them. */
  const unitOf = (grants: readonly { unit_code: string | null }[]) => grants[0]?.unit_code ?? null;

  /**
   * An account the actor may manage and that is not the actor's own: an administrator does not take away their own
   * grants, reset their own password or end their own sessions from here (403 OWN_ACCOUNT).
   */
  async function loadOther(actor: Actor, id: string) {
    const loaded = await loadManageable(actor, id);
    if (actor.kind === 'staff' && actor.userId === id) throw new AppError('OWN_ACCOUNT', 403);
    return loaded;
  }

  /** An account as the API shows it (sign-in, `/auth/me`), or undefined for an unknown id. */
  async function view(userId: string): Promise<StaffUserView | undefined> {
    const user = await repo.findUser(userId);
    if (!user) return undefined;
    const grants = await repo.grants(userId);
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      totpEnabled: user.totp_enabled,
      grants: grants.map((g) => ({ role: g.role, unitCode: g.unit_code, unitName: g.unit_name })),
    };
  }

  return {
    view,

    /**
     * The account row's sign-in statements, for the auth module (which decides sign-in and audits it). No actor:
     * the caller is the sign-in itself. Each takes the caller's transaction (or the database) and is one statement,
     * so the lock holds under concurrency.
     */
    credentials: {
      findByUsername: (username: string, q: Q = ctx.db): Promise<StaffCredentials | undefined> =>
        repo.findByUsername(username, q),

      findById: (id: string, q: Q = ctx.db): Promise<StaffCredentials | undefined> => repo.findUser(id, q),

      /**
       * Counts one password attempt before the password is checked (`UPDATE … RETURNING`): the attempt's number,
       * or undefined while the account is locked (nothing counted). The attempt that reaches `maxFailures` locks the
       * account until `lockUntil`; a success must `resetLoginFailures`.
       */
      reserveLoginAttempt: (q: Q, id: string, lock: { maxFailures: number; now: Date; lockUntil: Date }) =>
        repo.reserveLoginAttempt(q, id, lock.maxFailures, lock.now, lock.lockUntil),

      /** After a successful sign-in: the failure count starts again from zero. */
      resetLoginFailures: (q: Q, id: string) => repo.setLoginFailures(q, id, 0, null),

      /**
       * A new password hash (a fresh failure count, no reset pending any more); the caller revokes the other
       * sessions in `trx`.
       */
      setPassword: (trx: Transaction<DB>, id: string, passwordHash: string) => repo.setPassword(trx, id, passwordHash),

      /** Accepts a TOTP time-step once: true only when it is newer than the last accepted one. */
      useTotpStep: (q: Q, id: string, step: number) => repo.useTotpStep(q, id, step),

      /** Stores a new, not yet confirmed TOTP secret (two-factor stays off until `enableTotp`). */
      setPendingTotp: (q: Q, id: string, secret: string) => repo.setPendingTotp(q, id, secret),

      /** Switches two-factor on for the pending secret, the confirming step counted as used; false if it changed. */
      enableTotp: (trx: Transaction<DB>, id: string, secret: string, step: number) =>
        repo.enableTotp(trx, id, secret, step),
    },

    async create(
      actor: Actor,
      input: {
        username: string;
        password: string;
        role: string;
        unitCode?: string | null | undefined;
        displayName?: string | undefined;
      },
    ): Promise<{ id: string }> {
      const username = input.username.trim().toLowerCase();
      if (!USERNAME.test(username))
        throw new AppError('VALIDATION_FAILED', 400, { field: 'username', pattern: USERNAME.source });
      const grant = await grantTarget(actor, input.role, input.unitCode);
      if (input.password.length < MIN_PASSWORD_LENGTH) throw new AppError('WEAK_PASSWORD', 400);
      const passwordHash = await hashPassword(input.password);
      return ctx.db.transaction().execute(async (trx) => {
        const created = await repo.create(trx, {
          username,
          passwordHash,
          displayName: input.displayName?.trim() ?? '',
        });
        if (!created) throw new AppError('USERNAME_TAKEN', 409);
        await repo.addGrant(trx, created.id, grant.role, grant.unitCode);
        await ctx.audit.append(trx, {
          actor,
          action: 'staff.create',
          resourceType: 'staff_user',
          resourceId: created.id,
          unitCode: grant.unitCode,
          details: { role: grant.role },
        });
        return { id: created.id };
      });
    },

    async addGrant(actor: Actor, id: string, input: { role: string; unitCode: string | null }) {
      await loadManageable(actor, id);
      const grant = await grantTarget(actor, input.role, input.unitCode);
      await ctx.db.transaction().execute(async (trx) => {
        await repo.addGrant(trx, id, grant.role, grant.unitCode);
        await ctx.audit.append(trx, {
          actor,
          action: 'staff.grant',
          resourceType: 'staff_user',
          resourceId: id,
          unitCode: grant.unitCode,
          details: { role: grant.role },
        });
      });
      ctx.sessions.clearCache();
    },

    /**
     * The account with this username when the actor may manage it (the audit viewer's filter by actor): 403 for a
     * role that never manages staff, else 404 STAFF_NOT_FOUND whether the name is unknown or out of reach.
     */
    async findManageable(actor: Actor, username: string): Promise<{ id: string; username: string }> {
      const user = await repo.findByUsername(username.trim().toLowerCase());
      const grants = user ? await repo.grants(user.id) : [];
      for (const place of placesOf(grants)) authorize(staffPolicy, actor, 'staff.manage', user && place);
      if (!user) throw new AppError('STAFF_NOT_FOUND', 404);
      return { id: user.id, username: user.username };
    },

    /**
     * Gives one of an account's grants another role and/or place (a change of job or of area): the actor must reach
     * the account (every grant) and the new place. Sessions pick the new grants up at once (the cache is dropped).
     */
    async changeGrant(actor: Actor, id: string, grantId: string, input: { role: string; unitCode: string | null }) {
      const { grants } = await loadOther(actor, id);
      const before = grants.find((g) => g.id === grantId);
      if (!before) throw new AppError('GRANT_NOT_FOUND', 404);
      const grant = await grantTarget(actor, input.role, input.unitCode);
      await ctx.db.transaction().execute(async (trx) => {
        if (!(await repo.updateGrant(trx, id, grantId, grant.role, grant.unitCode))) {
          throw new AppError('GRANT_NOT_FOUND', 404);
        }
        await ctx.audit.append(trx, {
          actor,
          action: 'staff.grant.change',
          resourceType: 'staff_user',
          resourceId: id,
          unitCode: grant.unitCode,
          details: {
            grantId,
            role: grant.role,
            previousRole: before.role,
            previousUnitCode: before.unit_code,
          },
        });
      });
      ctx.sessions.clearCache();
    },

    /** Removes one grant; an account's last grant stays (409 LAST_GRANT: change it, or disable the account). */
    async removeGrant(actor: Actor, id: string, grantId: string) {
      const { grants } = await loadOther(actor, id);
      const grant = grants.find((g) => g.id === grantId);
      if (!grant) throw new AppError('GRANT_NOT_FOUND', 404);
      if (grants.length === 1) throw new AppError('LAST_GRANT', 409);
      await ctx.db.transaction().execute(async (trx) => {
        await repo.removeGrant(trx, id, grantId);
        await ctx.audit.append(trx, {
          actor,
          action: 'staff.grant.remove',
          resourceType: 'staff_user',
          resourceId: id,
          unitCode: grant.unit_code,
          details: { grantId, role: grant.role },
        });
      });
      ctx.sessions.clearCache();
    },

    /**
     * Replaces the account's password with a one-time reset code, answered once (it is stored hashed, like a
     * password). The code signs in only to choose a new password (`POST /auth/staff/password/reset`), for
     * RESET_CODE_HOURS; the old password stops working and every session of the account ends now.
     * Two-factor sign-in is kept by default: whoever gets hold of the code (it travels from the administrator to the
     * officer) still needs the officer's authenticator app. `resetTwoFactor` — the officer lost the phone — removes
     * it in the same transaction (secret, enabled flag, last used step), so the officer sets it up again once signed
     * in; the audit row says which (`details.twoFactor`: kept / reset / none).
     */
    async resetPassword(
      actor: Actor,
      id: string,
      resetTwoFactor = false,
    ): Promise<{ code: string; expiresAt: string; twoFactor: 'kept' | 'reset' | 'none' }> {
      const { user, grants } = await loadOther(actor, id);
      const code = newResetCode();
      const codeHash = await hashPassword(code);
      const expiresAt = new Date(Date.now() + RESET_CODE_HOURS * 3600_000);
      const twoFactor = !user.totp_enabled ? 'none' : resetTwoFactor ? 'reset' : 'kept';
      await ctx.db.transaction().execute(async (trx) => {
        await repo.setResetCode(trx, id, codeHash, expiresAt);
        // a pending (never enabled) secret goes too: the officer starts the set-up afresh
        if (resetTwoFactor) await repo.removeTotp(trx, id);
        await ctx.sessions.revokeAllSessions(trx, id);
        await ctx.audit.append(trx, {
          actor,
          action: 'staff.password.reset',
          resourceType: 'staff_user',
          resourceId: id,
          unitCode: unitOf(grants),
          details: { expiresAt: expiresAt.toISOString(), twoFactor },
        });
      });
      ctx.sessions.forgetUser(id);
      return { code, expiresAt: expiresAt.toISOString(), twoFactor };
    },

    /** Ends every session of the account now (force logout); its password and grants stay as they are. */
    async revokeSessions(actor: Actor, id: string) {
      const { grants } = await loadOther(actor, id);
      await ctx.db.transaction().execute(async (trx) => {
        await ctx.sessions.revokeAllSessions(trx, id);
        await ctx.audit.append(trx, {
          actor,
          action: 'staff.sessions.revoke',
          resourceType: 'staff_user',
          resourceId: id,
          unitCode: unitOf(grants),
        });
      });
      ctx.sessions.forgetUser(id);
    },

    async setDisabled(actor: Actor, id: string, disabled: boolean) {
      await loadManageable(actor, id);
      if (actor.kind === 'staff' && actor.userId === id) throw new AppError('FORBIDDEN', 403);
      await ctx.db.transaction().execute(async (trx) => {
        await repo.setDisabled(trx, id, disabled);
        if (disabled) await ctx.sessions.revokeAllSessions(trx, id);
        await ctx.audit.append(trx, {
          actor,
          action: disabled ? 'staff.disable' : 'staff.enable',
          resourceType: 'staff_user',
          resourceId: id,
        });
      });
      ctx.sessions.clearCache();
    },

    async list(actor: Actor) {
      // non-admins have no authority over any staff: refused (403) rather than answered an empty list
      const scope = scopeOf(staffPolicy, actor, 'staff.list');
      const users = await repo.list(scope, 500);
      const grants = await repo.allGrants(users.map((u) => u.id));
      return users.map((u) => ({
        id: u.id,
        username: u.username,
        displayName: u.display_name,
        disabled: u.disabled,
        totpEnabled: u.totp_enabled,
        passwordResetUntil: u.password_reset_expires_at?.toISOString() ?? null,
        grants: grants
          .filter((g) => g.user_id === u.id)
          .map((g) => ({ id: g.id, role: g.role, unitCode: g.unit_code, unitName: g.unit_name })),
      }));
    },
  };
}

export type StaffService = ReturnType<typeof staffService>;
