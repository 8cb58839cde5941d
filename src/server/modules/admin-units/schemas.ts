import { type Static, Type } from 'typebox';

export const UnitSummary = Type.Object({
  code: Type.String(),
  name: Type.String(),
  type: Type.String(),
  level: Type.Integer(),
  parentCode: Type.Union([Type.String(), Type.Null()]),
});
export type UnitSummary = Static<typeof UnitSummary>;

export const UnitDetail = Type.Intersect([
  UnitSummary,
  Type.Object({
    isHamlet: Type.Boolean(),
    /** Ancestors from the province down, for breadcrumbs */
    ancestors: Type.Array(UnitSummary),
    children: Type.Array(UnitSummary),
  }),
]);
export type UnitDetail = Static<typeof UnitDetail>;

export const UnitSearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    level: Type.Optional(Type.Integer({ minimum: 1, maximum: 6 })),
    parentCode: Type.Optional(Type.String({ maxLength: 20 })),
    /** only this unit and those under it (a staff member's area: the filters of their lists offer nothing else) */
    within: Type.Optional(Type.String({ maxLength: 20 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
  },
  { additionalProperties: false },
);

export const UnitSearchResult = Type.Intersect([
  UnitSummary,
  Type.Object({ parentName: Type.Union([Type.String(), Type.Null()]) }),
]);

export const UnitCodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 20 }) });

export const HAMLET_TYPES = [
  'Thôn',
  'Ấp',
  'Tổ dân phố',
  'Khu phố',
  'Bản',
  'Làng',
  'Buôn',
  'Phum',
  'Sóc',
  'Khóm',
  'Xóm',
] as const;

export const CreateHamletBody = Type.Object(
  {
    parentCode: Type.String({ minLength: 1, maxLength: 20 }),
    name: Type.String({ minLength: 1, maxLength: 120 }),
    type: Type.Enum(HAMLET_TYPES),
  },
  { additionalProperties: false },
);
