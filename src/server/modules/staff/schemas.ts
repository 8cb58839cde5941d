import { Type } from 'typebox';
import { StaffUserView } from '../auth/schemas.ts';

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

export const StaffListItem = Type.Intersect([StaffUserView, Type.Object({ disabled: Type.Boolean() })]);

export const SetDisabledBody = Type.Object({ disabled: Type.Boolean() }, { additionalProperties: false });
