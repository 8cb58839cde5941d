import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const PersonAccessQuery = Type.Object(
  {
    personId: Type.String({ format: 'uuid' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);

/** One recorded access to a person (`truyvet audit who-viewed` prints the same). */
export const PersonAccess = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorType: Type.String(),
  actorId: Nullable(Type.String()),
  /** the staff username, for staff actors */
  username: Nullable(Type.String()),
  action: Type.String(),
  route: Nullable(Type.String()),
  outcome: Type.String(),
});
