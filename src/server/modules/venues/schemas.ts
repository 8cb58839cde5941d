import { type Static, Type } from 'typebox';
import { AfterParam } from '../../platform/paging.ts';
import { VENUE_CATEGORIES } from './constants.ts';

/** The value lists are plain data in `constants.ts` (the web app imports them too). */
export { TIME_BOUNDED, VENUE_CATEGORIES, VENUE_REGISTRATIONS_PER_DAY, type VenueCategory } from './constants.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Category = Type.Enum(VENUE_CATEGORIES);

export const CreateVenueBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    category: Category,
    unitCode: Type.String({ minLength: 1, maxLength: 20 }),
    address: Type.String({ minLength: 1, maxLength: 300 }),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    defaultStayMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
    capacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    qrMode: Type.Optional(Type.Union([Type.Literal('static'), Type.Literal('rotating')])),
    rotatingMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
    startsAt: Type.Optional(Type.String({ format: 'date-time' })),
    endsAt: Type.Optional(Type.String({ format: 'date-time' })),
    vehiclePlate: Type.Optional(Type.String({ maxLength: 20 })),
    route: Type.Optional(Type.String({ maxLength: 200 })),
    zones: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 200 })),
    /**
     * staff registering on someone's behalf: the phone of the citizen who will manage the venue (staff only: 403
     * VENUE_MANAGER_PHONE_STAFF_ONLY for a citizen, who manages what they register)
     */
    managerPhone: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);
export type CreateVenueInput = Static<typeof CreateVenueBody>;

export const CreatedVenue = Type.Object({
  id: Type.String({ format: 'uuid' }),
  shortCode: Type.String(),
  /** the exact string encoded in the QR image */
  qr: Type.String(),
});

export const ZoneView = Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() });

export const VenueView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  shortCode: Type.String(),
  name: Type.String(),
  category: Type.String(),
  unitCode: Type.String(),
  unitName: Nullable(Type.String()),
  address: Type.String(),
  lat: Nullable(Type.Number()),
  lng: Nullable(Type.Number()),
  defaultStayMinutes: Type.Integer(),
  capacity: Nullable(Type.Integer()),
  qrMode: Type.String(),
  rotatingMinutes: Type.Integer(),
  startsAt: Nullable(Type.String()),
  endsAt: Nullable(Type.String()),
  vehiclePlate: Nullable(Type.String()),
  route: Nullable(Type.String()),
  parentVenueId: Nullable(Type.String()),
  active: Type.Boolean(),
  /** verified by the commune: its managers may record people by typed national ID / phone */
  verified: Type.Boolean(),
  verifiedAt: Nullable(Type.String({ format: 'date-time' })),
  zones: Type.Array(ZoneView),
  /** present for people who manage the venue */
  qr: Type.Optional(Type.String()),
});
export type VenueView = Static<typeof VenueView>;

export const VenueIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const VenueListQuery = Type.Object(
  {
    unitCode: Type.Optional(Type.String({ maxLength: 20 })),
    category: Type.Optional(Category),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    /** keyset paging (staff lists): the previous page's `X-Next-Cursor` */
    after: Type.Optional(AfterParam),
  },
  { additionalProperties: false },
);

export const AddZoneBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const CreateTripBody = Type.Object(
  {
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
    route: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const RotatingQrResponse = Type.Object({
  qr: Type.String(),
  validUntil: Type.String({ format: 'date-time' }),
  rotatingMinutes: Type.Integer(),
});

/**
 * POST /venues/:id/qr/rotate: the new static QR, until when the previous one is still accepted, and the new short
 * code (the previous short code is refused at once).
 */
export const RotatedQr = Type.Object({
  qr: Type.String(),
  previousValidUntil: Type.String(),
  shortCode: Type.String(),
});

export const OccupancyResponse = Type.Object({
  venueId: Type.String({ format: 'uuid' }),
  at: Type.String({ format: 'date-time' }),
  present: Type.Integer(),
  capacity: Nullable(Type.Integer()),
  checkinsToday: Type.Integer(),
  byZone: Type.Array(
    Type.Object({ zoneId: Nullable(Type.String()), name: Nullable(Type.String()), present: Type.Integer() }),
  ),
});

export const StatsQuery = Type.Object(
  {
    unitCode: Type.String({ minLength: 1, maxLength: 20 }),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, default: 14 })),
  },
  { additionalProperties: false },
);

export const StatsResponse = Type.Object({
  unitCode: Type.String(),
  venuesByCategory: Type.Array(Type.Object({ category: Type.String(), venues: Type.Integer() })),
  checkinsPerDay: Type.Array(Type.Object({ day: Type.String(), checkins: Type.Integer() })),
  venuesWithoutCheckins24h: Type.Integer(),
  topVenues: Type.Array(
    Type.Object({ venueId: Type.String(), name: Type.String(), category: Type.String(), checkins: Type.Integer() }),
  ),
});

export const InactiveQuery = Type.Object(
  {
    unitCode: Type.String({ minLength: 1, maxLength: 20 }),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000 })),
  },
  { additionalProperties: false },
);

export const InactiveVenue = Type.Object({
  venueId: Type.String(),
  name: Type.String(),
  category: Type.String(),
  unitCode: Type.String(),
  unitName: Nullable(Type.String()),
  address: Type.String(),
  lastCheckinAt: Nullable(Type.String()),
});

/** GET /venues/by-qr?qr=: a scanned venue QR (the bare payload or its `…/q/<payload>` link). */
export const VenueByQrQuery = Type.Object(
  { qr: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

/**
 * What the venue's poster shows beside its QR, so the scan page can name the venue before "Ghi nhận": name, category,
 * address and administrative unit — nothing else (no id, no manager, no counts).
 */
export const VenueByQr = Type.Object({
  name: Type.String(),
  category: Type.String(),
  address: Type.String(),
  unitName: Nullable(Type.String()),
});
export type VenueByQr = Static<typeof VenueByQr>;
