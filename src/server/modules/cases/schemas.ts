import { type Static, Type } from 'typebox';
import { defineTopic } from '../../platform/jobs.ts';
import {
  CASE_STATUSES,
  CONFIRMATIONS,
  FOLLOW_UPS,
  QUARANTINE_STATUSES,
  SETTABLE_FOLLOW_UPS,
  VIA_TYPES,
} from './constants.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** The value lists are plain data in `constants.ts` (the web app imports them too). */
export {
  CASE_STATUSES,
  CONFIRMATIONS,
  FOLLOW_UPS,
  QUARANTINE_STATUSES,
  SETTABLE_FOLLOW_UPS,
  VIA_TYPES,
} from './constants.ts';

export const PersonRef = Type.Object(
  {
    personId: Type.Optional(Type.String({ format: 'uuid' })),
    nationalId: Type.Optional(Type.String({ maxLength: 32 })),
    phone: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);

export const CreateCaseBody = Type.Object(
  {
    person: PersonRef,
    confirmedAt: Type.String({ format: 'date-time' }),
    onsetAt: Type.Optional(Type.String({ format: 'date-time' })),
    sampleAt: Type.Optional(Type.String({ format: 'date-time' })),
    isolatedAt: Type.Optional(Type.String({ format: 'date-time' })),
    sourceCaseId: Type.Optional(Type.String({ format: 'uuid' })),
    sourceNote: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CreateCaseInput = Static<typeof CreateCaseBody>;

export const CreatedCase = Type.Object({
  id: Type.String({ format: 'uuid' }),
  displayCode: Type.String(),
  contacts: Type.Object({ f1: Type.Integer(), f2: Type.Integer() }),
});

export const CaseView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  displayCode: Type.String(),
  personId: Type.String({ format: 'uuid' }),
  personName: Type.String(),
  unitCode: Nullable(Type.String()),
  unitName: Nullable(Type.String()),
  status: Type.String(),
  confirmedAt: Nullable(Type.String()),
  onsetAt: Nullable(Type.String()),
  sampleAt: Nullable(Type.String()),
  isolatedAt: Nullable(Type.String()),
  sourceCaseId: Nullable(Type.String()),
  sourceNote: Nullable(Type.String()),
  origin: Type.String(),
  ruleVersion: Type.Integer(),
  exposureFrom: Type.String(),
  exposureTo: Type.String(),
  f1: Type.Integer(),
  f2: Type.Integer(),
});
export type CaseView = Static<typeof CaseView>;

/** One row of GET /cases. */
export const CaseListItem = Type.Object({
  id: Type.String(),
  displayCode: Type.String(),
  status: Type.String(),
  confirmedAt: Nullable(Type.String()),
  unitCode: Nullable(Type.String()),
  unitName: Nullable(Type.String()),
  personId: Type.String(),
  personName: Type.String(),
  f1: Type.Integer(),
  f2: Type.Integer(),
});

/** What re-tracing a case found (POST /cases/:id/retrace). */
export const TraceSummary = Type.Object({
  f1: Type.Integer(),
  f2: Type.Integer(),
  newF1: Type.Integer(),
  newF2: Type.Integer(),
});

/** How many contacts a bulk or follow-up change updated. */
export const UpdatedCount = Type.Object({ updated: Type.Integer() });

/** Who a venue alert reached (its preview and the alert itself). */
export const VenueAlertResult = Type.Object({ people: Type.Integer(), notified: Type.Integer() });

export const CaseIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const CaseListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(CASE_STATUSES)),
    unitCode: Type.Optional(Type.String({ maxLength: 20 })),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    /** one person's cases (the testing platform's contract: a positive result's case appears here) */
    personId: Type.Optional(Type.String({ format: 'uuid' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);

export const UpdateCaseBody = Type.Object(
  {
    status: Type.Optional(Type.Enum(CASE_STATUSES)),
    isolatedAt: Type.Optional(Type.String({ format: 'date-time' })),
    onsetAt: Type.Optional(Type.String({ format: 'date-time' })),
    sourceCaseId: Type.Optional(Nullable(Type.String({ format: 'uuid' }))),
    sourceNote: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);

export const CaseStay = Type.Object({
  checkinId: Type.String(),
  venueId: Type.String(),
  venueName: Type.String(),
  venueCategory: Type.String(),
  venueAddress: Type.String(),
  zoneId: Nullable(Type.String()),
  checkedInAt: Type.String(),
  checkedOutAt: Nullable(Type.String()),
  impliedOutAt: Type.String(),
  /** people whose stays overlapped this one by at least the rule's minimum */
  overlapCount: Type.Integer(),
});

export const ContactsQuery = Type.Object(
  {
    degree: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
    via: Type.Optional(Type.Enum(VIA_TYPES)),
    followUp: Type.Optional(Type.Enum(FOLLOW_UPS)),
  },
  { additionalProperties: false },
);

export const DistrictRef = Type.Object({ code: Type.String(), name: Type.String() });

export const ContactView = Type.Object({
  personId: Type.String({ format: 'uuid' }),
  degree: Type.Integer(),
  via: Type.Object({
    type: Type.String(),
    venueId: Type.Optional(Type.String()),
    venueName: Type.Optional(Type.String()),
    overlapStart: Type.Optional(Type.String()),
    overlapEnd: Type.Optional(Type.String()),
    overlapMinutes: Type.Optional(Type.Integer()),
    throughPersonId: Type.Optional(Type.String()),
  }),
  evidenceCount: Type.Integer(),
  /** null, like phone and unitCode, when the contact lives outside the reader's area (`outOfScope`) */
  name: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  unitCode: Nullable(Type.String()),
  /** the contact lives outside the reader's tracing area: identity hidden, handed to that area's tracers */
  outOfScope: Type.Boolean(),
  /** for an out-of-scope contact, the district they live in (the only place shown); null otherwise */
  district: Nullable(DistrictRef),
  followUp: Type.String(),
  /**
   * confirmed: acted on (order, message); pending: found only through weak evidence (a typed-in check-in nobody
   * proved) — "to confirm" by a tracer, nobody told yet; dismissed: a tracer found it false
   */
  confirmation: Type.Enum(CONFIRMATIONS),
  assignedTracerId: Nullable(Type.String()),
  quarantine: Nullable(
    Type.Object({ kind: Type.String(), startsOn: Type.String(), endsOn: Type.String(), status: Type.String() }),
  ),
});
export type ContactView = Static<typeof ContactView>;

export const ManualContactBody = Type.Object(
  {
    person: PersonRef,
    note: Type.Optional(Type.String({ maxLength: 500 })),
    lastContactAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

/** What the tracer who named a contact in an interview learns: no identity when the contact is out of scope. */
export const AddedContact = Type.Object({
  contactId: Nullable(Type.String()),
  personId: Type.String(),
  outOfScope: Type.Boolean(),
  district: Nullable(DistrictRef),
  summary: Type.Object({ f1: Type.Integer(), f2: Type.Integer(), newF1: Type.Integer(), newF2: Type.Integer() }),
});

export const ContactTasksQuery = Type.Object(
  {
    followUp: Type.Optional(Type.Enum(FOLLOW_UPS)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);

export const ContactTaskParams = Type.Object({
  caseId: Type.String({ format: 'uuid' }),
  personId: Type.String({ format: 'uuid' }),
});

export const ContactTaskBody = Type.Object(
  { followUp: Type.Enum(SETTABLE_FOLLOW_UPS) },
  { additionalProperties: false },
);

/** A contact of another area's case who lives in the reader's area: theirs to follow up, with identity. */
export const ContactTask = Type.Object({
  caseId: Type.String({ format: 'uuid' }),
  caseDisplayCode: Type.String(),
  caseDistrict: Nullable(DistrictRef),
  personId: Type.String({ format: 'uuid' }),
  name: Type.String(),
  phone: Nullable(Type.String()),
  unitCode: Nullable(Type.String()),
  unitName: Nullable(Type.String()),
  degree: Type.Integer(),
  via: Type.Object({
    type: Type.String(),
    venueName: Type.Optional(Type.String()),
    overlapStart: Type.Optional(Type.String()),
    overlapEnd: Type.Optional(Type.String()),
  }),
  followUp: Type.String(),
  assignedTracerId: Nullable(Type.String()),
  handedAt: Type.String(),
  quarantine: Nullable(
    Type.Object({ kind: Type.String(), startsOn: Type.String(), endsOn: Type.String(), status: Type.String() }),
  ),
});

export const ContactPersonParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  personId: Type.String({ format: 'uuid' }),
});

export const ContactConfirmationResult = Type.Object({
  personId: Type.String({ format: 'uuid' }),
  confirmation: Type.Enum(CONFIRMATIONS),
  /** the person was told (quarantine order for an F1, message) by this confirmation */
  notified: Type.Boolean(),
});

export const BulkContactsBody = Type.Object(
  {
    personIds: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 5000 }),
    followUp: Type.Optional(Type.Enum(FOLLOW_UPS)),
    assignedTracerId: Type.Optional(Nullable(Type.String({ format: 'uuid' }))),
  },
  { additionalProperties: false },
);

export const VenueAlertBody = Type.Object(
  {
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    caseId: Type.String({ format: 'uuid' }),
  },
  { additionalProperties: false },
);

export const GraphQuery = Type.Object(
  {
    unitCode: Type.Optional(Type.String({ maxLength: 20 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20000, default: 10000 })),
  },
  { additionalProperties: false },
);

export const GraphResponse = Type.Object({
  nodes: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      label: Type.String(),
      cluster: Type.Integer(),
      status: Type.Optional(Type.String()),
    }),
  ),
  edges: Type.Array(Type.Object({ source: Type.String(), target: Type.String(), kind: Type.String() })),
  clusters: Type.Integer(),
});

export const MyExposure = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  degree: Type.Integer(),
  venueId: Nullable(Type.String()),
  venueName: Nullable(Type.String()),
  exposureStart: Nullable(Type.String()),
  exposureEnd: Nullable(Type.String()),
  createdAt: Type.String(),
});

export const MyQuarantine = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  startsOn: Type.String(),
  endsOn: Type.String(),
  status: Type.String(),
});

// ——— quarantine orders (the quarantine officer's work) ———

const LocalDate = Type.String({ format: 'date' });

/** GET /quarantine-orders: orders issued in the caller's area, soonest end first. */
export const QuarantineListQuery = Type.Object(
  {
    /** default `active`; `all` lists every status */
    status: Type.Optional(Type.Union([Type.Enum(QUARANTINE_STATUSES), Type.Literal('all')])),
    /** only orders ending on or before this day (the ones to release) */
    endsBy: Type.Optional(LocalDate),
    /** a unit inside the caller's area */
    unitCode: Type.Optional(Type.String({ maxLength: 20 })),
    /** part of the person's name or phone number */
    q: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 500 })),
  },
  { additionalProperties: false },
);

/** One quarantine order as the quarantine officer sees it (the person, where, until when; the case by code only). */
export const QuarantineOrderView = Type.Object({
  id: Type.String(),
  personId: Type.String(),
  name: Type.String(),
  phone: Nullable(Type.String()),
  address: Nullable(Type.String()),
  unitCode: Nullable(Type.String()),
  unitName: Nullable(Type.String()),
  kind: Type.String(),
  startsOn: Type.String(),
  endsOn: Type.String(),
  status: Type.Enum(QUARANTINE_STATUSES),
  caseDisplayCode: Type.String(),
});

export const QuarantineOrderParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** PATCH /quarantine-orders/{id}: a new end date (while active) and/or a new status. */
export const UpdateQuarantineBody = Type.Object(
  {
    status: Type.Optional(Type.Enum(QUARANTINE_STATUSES)),
    endsOn: Type.Optional(LocalDate),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const UpdatedQuarantineOrder = Type.Object({
  id: Type.String(),
  status: Type.Enum(QUARANTINE_STATUSES),
  startsOn: Type.String(),
  endsOn: Type.String(),
});

// ——— the outbreak's figures (leaders' dashboard) ———

export const CaseStatsQuery = Type.Object(
  {
    /** a unit inside the caller's area (default: the whole area) */
    unitCode: Type.Optional(Type.String({ maxLength: 20 })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, default: 14 })),
  },
  { additionalProperties: false },
);

/** Counts only, never a name: cases per local day, open cases, people under an active quarantine order. */
export const CaseStats = Type.Object({
  unitCode: Nullable(Type.String()),
  days: Type.Integer(),
  /** every day of the window, oldest first, zero-filled (Asia/Ho_Chi_Minh days) */
  casesPerDay: Type.Array(Type.Object({ day: Type.String(), cases: Type.Integer() })),
  openCases: Type.Integer(),
  /** F1 under an active order that has not ended (orders are issued to F1 only) */
  underQuarantine: Type.Integer(),
});

/**
 * The event the testing module writes to the outbox (topic `test.result.positive`) when a result is positive.
 * The cases module consumes it and opens a case (idempotent by `resultId`).
 */
export const TestResultPositiveEvent = Type.Object({
  resultId: Type.String({ minLength: 1, maxLength: 100 }),
  personId: Type.String({ format: 'uuid' }),
  sampleTakenAt: Type.String({ format: 'date-time' }),
  resultAt: Type.String({ format: 'date-time' }),
  testType: Type.Enum(['rt_pcr', 'rapid_antigen', 'pooled_rt_pcr']),
  labUnitCode: Type.Optional(Type.String()),
  ctValue: Type.Optional(Type.Number()),
});
export type TestResultPositiveEvent = Static<typeof TestResultPositiveEvent>;
/** The outbox topic the testing module writes and this module consumes (the shape above is the contract). */
export const TEST_RESULT_POSITIVE = defineTopic('test.result.positive', TestResultPositiveEvent);
