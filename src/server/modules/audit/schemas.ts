import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/**
 * GET /audit: the audit log viewer's filters; every one given must hold. Without `personId` or `actor`, the entries
 * whose unit lies in the admin's area (a national admin: every entry).
 */
export const AuditQuery = Type.Object(
  {
    /** "who viewed this person": every access to them, alone or in a search or list */
    personId: Type.Optional(Type.String({ format: 'uuid' })),
    /** entries made by this staff account (its username) */
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** one action (`people.read`), or every action of a module with a trailing dot (`cases.`) */
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 80, pattern: '^[a-z][a-zA-Z0-9_.-]*$' })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    /** the next page: entries older than this id (the last id of the page before) */
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);

/**
 * One audit entry: who (actor, the staff username), what (action, resource, unit, outcome, the request's route),
 * when — and of the details only ids, counts and reasons; a search's list of people is given as its size.
 * (`truyvet audit who-viewed` prints the first fields for one person.)
 */
export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorType: Type.String(),
  actorId: Nullable(Type.String()),
  /** the staff username, for staff actors */
  username: Nullable(Type.String()),
  action: Type.String(),
  route: Nullable(Type.String()),
  outcome: Type.String(),
  resourceType: Nullable(Type.String()),
  resourceId: Nullable(Type.String()),
  unitCode: Nullable(Type.String()),
  /** how many people a search or list returned */
  personCount: Type.Integer(),
  details: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])),
});
