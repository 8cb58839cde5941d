import { type Static, type TLiteral, Type } from 'typebox';
import { AfterParam } from '../../platform/paging.ts';
import { RELATIONS, SEXES } from './constants.ts';

/** The value lists are plain data in `constants.ts` (the web app imports them too). */
export { RELATIONS, type Relation, SEXES, type Sex } from './constants.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
/** `anyOf` of one `const` per value (as before the list moved to constants.ts), typed as the tuple it is made from. */
type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };
const Sex = Type.Union(SEXES.map((s) => Type.Literal(s)) as Literals<typeof SEXES>);

/** National ID and phone are plain strings here; the service checks their format for precise error codes. */
export const CreatePersonBody = Type.Object(
  {
    nationalId: Type.Optional(Type.String({ maxLength: 32 })),
    phone: Type.Optional(Type.String({ maxLength: 32 })),
    name: Type.String({ minLength: 1, maxLength: 120 }),
    birthYear: Type.Optional(Type.Integer({ minimum: 1880, maximum: 2200 })),
    birthDate: Type.Optional(Type.String({ format: 'date' })),
    sex: Type.Optional(Sex),
    unitCode: Type.String({ minLength: 1, maxLength: 20 }),
    address: Type.Optional(Type.String({ maxLength: 300 })),
    householdId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);
export type CreatePersonInput = Static<typeof CreatePersonBody>;

export const UpdatePersonBody = Type.Object(
  {
    nationalId: Type.Optional(Nullable(Type.String({ maxLength: 32 }))),
    phone: Type.Optional(Nullable(Type.String({ maxLength: 32 }))),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    birthYear: Type.Optional(Nullable(Type.Integer({ minimum: 1880, maximum: 2200 }))),
    birthDate: Type.Optional(Nullable(Type.String({ format: 'date' }))),
    sex: Type.Optional(Nullable(Sex)),
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    address: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
  },
  { additionalProperties: false },
);
export type UpdatePersonInput = Static<typeof UpdatePersonBody>;

export const PersonView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  /** the verified national ID, else the one a citizen typed (a claim): `nationalIdVerified` tells which */
  nationalId: Nullable(Type.String()),
  /** true when `nationalId` is verified (typed by staff, or a claim staff verified against the card) */
  nationalIdVerified: Type.Boolean(),
  phone: Nullable(Type.String()),
  name: Type.String(),
  birthYear: Nullable(Type.Integer()),
  birthDate: Nullable(Type.String()),
  sex: Nullable(Sex),
  unitCode: Nullable(Type.String()),
  unitName: Nullable(Type.String()),
  address: Nullable(Type.String()),
  householdId: Nullable(Type.String()),
});
export type PersonView = Static<typeof PersonView>;

/**
 * The person a door scanned (their personal QR), as the door may see them: the name — masked unless the actor may
 * read the person's record (`maskPersonName`) — and the birth year, to match the QR to the face in front of it.
 */
export const DoorPerson = Type.Object({
  /** the name, or its masked form ("N. V. An"); null when the person has not given one */
  name: Nullable(Type.String()),
  /** true when `name` is masked */
  nameMasked: Type.Boolean(),
  birthYear: Nullable(Type.Integer()),
});
export type DoorPerson = Static<typeof DoorPerson>;

/** The id of what a POST created (a person, a household, a dependant). */
export const IdResponse = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const PersonIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const PeopleSearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 2, maxLength: 120 }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);

/** `GET /people/national-id-claims`: the commune's work list of national IDs to check against the card. */
export const NationalIdClaimsQuery = Type.Object(
  {
    /** a unit inside the caller's area (a commune, a hamlet, a district): only the claims of people living there */
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    /** keyset paging: the previous page's `X-Next-Cursor` */
    after: Type.Optional(AfterParam),
  },
  { additionalProperties: false },
);

/** A person whose national ID is a claim (`nationalIdVerified` false), as the work list shows them. */
export const NationalIdClaimView = Type.Object({
  ...PersonView.properties,
  /**
   * true when another record holds the same number verified: verifying answers 409 `PERSON_EXISTS`, so staff settle
   * which record is the card holder's first
   */
  contested: Type.Boolean(),
});
export type NationalIdClaimView = Static<typeof NationalIdClaimView>;

export const CreateHouseholdBody = Type.Object(
  {
    unitCode: Type.String({ minLength: 1, maxLength: 20 }),
    address: Type.Optional(Type.String({ maxLength: 300 })),
    memberIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);

export const HouseholdView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  unitCode: Type.String(),
  address: Nullable(Type.String()),
  members: Type.Array(PersonView),
});

export const AddMemberBody = Type.Object(
  { personId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const ProfileBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    nationalId: Type.Optional(Type.String({ maxLength: 32 })),
    birthYear: Type.Optional(Type.Integer({ minimum: 1880, maximum: 2200 })),
    sex: Type.Optional(Sex),
    unitCode: Type.String({ minLength: 1, maxLength: 20 }),
    address: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);

export const DependantBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    relation: Type.Enum(RELATIONS),
    nationalId: Type.Optional(Type.String({ maxLength: 32 })),
    phone: Type.Optional(Type.String({ maxLength: 32 })),
    birthYear: Type.Optional(Type.Integer({ minimum: 1880, maximum: 2200 })),
    sex: Type.Optional(Sex),
    /** defaults to the guardian's unit */
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    address: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);

export const DependantView = Type.Intersect([PersonView, Type.Object({ relation: Type.String() })]);

export const QrResponse = Type.Object({
  /** the exact string to encode in the QR image */
  qr: Type.String(),
  personId: Type.String({ format: 'uuid' }),
});
