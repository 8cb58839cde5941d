import { Type } from 'typebox';
import { StaffUserView } from '../auth/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const CreateStaffBody = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    role: Type.String({ minLength: 1, maxLength: 40 }),
    /** omitted or null = national scope (admin only) */
    unitCode: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
    displayName: Type.Optional(Type.String({ maxLength: 120 })),
  },
  { additionalProperties: false },
);

export const AddGrantBody = Type.Object(
  {
    role: Type.String({ minLength: 1, maxLength: 40 }),
    unitCode: Type.Union([Type.String({ maxLength: 20 }), Type.Null()]),
  },
  { additionalProperties: false },
);

/** What POST /staff answers. */
export const CreatedStaff = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const StaffIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** A grant as staff management shows it: with its id, to change or remove it. */
export const StaffGrantItem = Type.Object({
  id: Type.String(),
  role: Type.String(),
  unitCode: Nullable(Type.String()),
  unitName: Nullable(Type.String()),
});

/** An account in the staff list: `StaffUserView`'s fields, its grants with their ids, and its state. */
export const StaffListItem = Type.Object({
  id: StaffUserView.properties.id,
  username: StaffUserView.properties.username,
  displayName: StaffUserView.properties.displayName,
  totpEnabled: StaffUserView.properties.totpEnabled,
  grants: Type.Array(StaffGrantItem),
  disabled: Type.Boolean(),
  /** a one-time reset code is waiting to be used until then (the account cannot sign in with a password meanwhile) */
  passwordResetUntil: Nullable(Type.String({ format: 'date-time' })),
});

export const GrantParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  grantId: Type.String({ format: 'uuid' }),
});

/**
 * POST /staff/{id}/password-reset: two-factor sign-in stays as it is unless `resetTwoFactor` (the officer lost the
 * phone with the authenticator app): a reset code alone must not also bypass the second factor.
 */
export const PasswordResetBody = Type.Object(
  { resetTwoFactor: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

/**
 * What happened to the account's two-factor sign-in: `kept` (the code signs in only with the authenticator app's
 * code too), `reset` (removed: the officer sets it up again after choosing a password), `none` (it had none).
 */
export const TWO_FACTOR_AFTER_RESET = ['kept', 'reset', 'none'] as const;

/** POST /staff/{id}/password-reset: the one-time code, shown to the administrator once. */
export const PasswordResetCode = Type.Object({
  code: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  twoFactor: Type.Enum(TWO_FACTOR_AFTER_RESET),
});

export const SetDisabledBody = Type.Object({ disabled: Type.Boolean() }, { additionalProperties: false });
