import { type Static, Type } from 'typebox';

export const OtpRequestBody = Type.Object(
  { phone: Type.String({ minLength: 1, maxLength: 32 }) },
  { additionalProperties: false },
);
export const OtpRequestResponse = Type.Object({
  expiresInSeconds: Type.Integer(),
  /** Only with the fake SMS adapter outside production, so demos and dev can sign in. */
  devCode: Type.Optional(Type.String()),
});

export const OtpVerifyBody = Type.Object(
  {
    phone: Type.String({ minLength: 1, maxLength: 32 }),
    code: Type.String({ minLength: 1, maxLength: 12 }),
  },
  { additionalProperties: false },
);

export const GrantView = Type.Object({
  role: Type.String(),
  unitCode: Type.Union([Type.String(), Type.Null()]),
  unitName: Type.Union([Type.String(), Type.Null()]),
});

export const StaffUserView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  displayName: Type.String(),
  totpEnabled: Type.Boolean(),
  grants: Type.Array(GrantView),
});
export type StaffUserView = Static<typeof StaffUserView>;

export const CitizenView = Type.Object({
  personId: Type.String({ format: 'uuid' }),
  phone: Type.String(),
  name: Type.String(),
  profileComplete: Type.Boolean(),
});
export type CitizenView = Static<typeof CitizenView>;

export const CitizenLoginResponse = Type.Object({ token: Type.String(), person: CitizenView });

export const StaffLoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    totp: Type.Optional(Type.String({ minLength: 6, maxLength: 8 })),
  },
  { additionalProperties: false },
);
export const StaffLoginResponse = Type.Object({ token: Type.String(), user: StaffUserView });

/** POST /auth/staff/password/reset: the first sign-in after an administrator's reset, choosing a new password. */
export const StaffPasswordResetBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    /** the one-time code the administrator handed over */
    code: Type.String({ minLength: 1, maxLength: 64 }),
    newPassword: Type.String({ minLength: 1, maxLength: 256 }),
    totp: Type.Optional(Type.String({ minLength: 6, maxLength: 8 })),
  },
  { additionalProperties: false },
);

export const MeResponse = Type.Union([
  Type.Object({ kind: Type.Literal('staff'), user: StaffUserView }),
  Type.Object({ kind: Type.Literal('citizen'), person: CitizenView }),
]);

export const TotpSetupResponse = Type.Object({ secret: Type.String(), otpauthUrl: Type.String() });
/** Switching two-factor on proves the password too: a stolen session alone must not lock the owner out. */
export const TotpEnableBody = Type.Object(
  { code: Type.String({ minLength: 6, maxLength: 8 }), currentPassword: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const PasswordChangeBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
    newPassword: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
