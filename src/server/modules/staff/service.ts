/** Staff accounts: admins create officers with a role scoped to an admin unit, add grants, disable accounts. */

import { type Actor, STAFF_ROLES, type StaffRole, scopeFor } from '../../platform/access.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../../platform/passwords.ts';
import { adminUnitsRepo } from '../admin-units/repo.ts';
import { can } from './policy.ts';
import { staffRepo } from './repo.ts';

const USERNAME = /^[a-z0-9._-]{3,64}$/;

export function staffService(ctx: PlatformContext) {
  const repo = staffRepo(ctx.db);
  const units = adminUnitsRepo(ctx.db);

  /** Resolves a grant target and checks the actor may hand it out. */
  async function grantTarget(actor: Actor, role: string, unitCode: string | null | undefined) {
    if (!(STAFF_ROLES as string[]).includes(role)) throw new AppError('UNKNOWN_ROLE', 400, { allowed: STAFF_ROLES });
    let unitPath = '';
    if (unitCode) {
      const unit = await units.findByCode(unitCode);
      if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
      unitPath = unit.path;
    }
    if (!can(actor, 'staff.manage', { unitPath })) throw new AppError('FORBIDDEN', 403);
    return { role: role as StaffRole, unitCode: unitCode ?? null };
  }

  async function loadManageable(actor: Actor, id: string) {
    const user = await repo.findUser(id);
    if (!user) throw new AppError('STAFF_NOT_FOUND', 404);
    const grants = await repo.grants(id);
    // managing someone needs authority over every one of their grants
    const allowed =
      grants.length > 0
        ? grants.every((g) => can(actor, 'staff.manage', { unitPath: g.unit_path }))
        : can(actor, 'staff.manage', { unitPath: '' });
    if (!allowed) throw new AppError('STAFF_NOT_FOUND', 404);
    return user;
  }

  return {
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

    async setDisabled(actor: Actor, id: string, disabled: boolean) {
      await loadManageable(actor, id);
      if (actor.kind === 'staff' && actor.userId === id) throw new AppError('FORBIDDEN', 403);
      await ctx.db.transaction().execute(async (trx) => {
        await repo.setDisabled(trx, id, disabled);
        if (disabled) await repo.revokeSessions(trx, id);
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
      const scope = scopeFor(actor, []);
      // non-admins have no authority over any staff: refuse rather than answer an empty list
      if (scope !== 'all' && scope.length === 0) throw new AppError('FORBIDDEN', 403);
      const users = await repo.list(scope, 500);
      const grants = await repo.allGrants(users.map((u) => u.id));
      return users.map((u) => ({
        id: u.id,
        username: u.username,
        displayName: u.display_name,
        disabled: u.disabled,
        totpEnabled: u.totp_enabled,
        grants: grants
          .filter((g) => g.user_id === u.id)
          .map((g) => ({ role: g.role, unitCode: g.unit_code, unitName: g.unit_name })),
      }));
    },
  };
}

export type StaffService = ReturnType<typeof staffService>;
