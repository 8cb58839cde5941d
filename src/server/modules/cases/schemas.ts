import { type Static, Type } from 'typebox';
import { defineTopic } from '../../platform/jobs.ts';
import { AfterParam } from '../../platform/paging.ts';
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

/**
 * A unit with the units above it, nearest first, without the province ("Ấp 1, Xã An Phước, Huyện Long Thành"): how a
 * place is shown wherever a hamlet's or commune's name alone would be ambiguous. The province alone when the unit is
 * the province.
 */
const UnitFullName = Nullable(Type.String());

/** The values of the tracing rule a case was traced with: what its counts mean. */
export const CaseRule = Type.Object({
  version: Type.Integer(),
  /** the exposure window starts this many days before onset (else sample, else confirmation) */
  lookbackDays: Type.Integer(),
  /** two stays at a venue are a contact when they overlap at least this long */
  minOverlapMinutes: Type.Integer(),
  includeF2: Type.Boolean(),
  f1QuarantineDays: Type.Integer(),
  f1QuarantineKind: Type.String(),
});

export const CaseView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  displayCode: Type.String(),
  personId: Type.String({ format: 'uuid' }),
  personName: Type.String(),
  unitCode: Nullable(Type.String()),
  unitName: Nullable(Type.String()),
  unitFullName: UnitFullName,
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
  /** what the window starts from: `lookbackDays` before onset, else the sample, else confirmation */
  exposureFromBasis: Type.Enum(['onset', 'sample', 'confirmation']),
  /** what ends the window: isolation, else confirmation */
  exposureToBasis: Type.Enum(['isolation', 'confirmation']),
  rule: CaseRule,
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
  unitFullName: UnitFullName,
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
export const VenueAlertResult = Type.Object({
  /** everyone present at the venue in the window (the F0 excluded) */
  people: Type.Integer(),
  /** people told now (order for an F1, exposure notice, message when they have a phone); 0 in a preview */
  notified: Type.Integer(),
  /** of `people`, those this case had told already (tracing found them earlier): not told again */
  alreadyNotified: Type.Integer(),
  /** of `people`, those present only through a typed-in check-in nobody proved: stored "to confirm", not told */
  toConfirm: Type.Integer(),
});

export const CaseIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const CaseListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(CASE_STATUSES)),
    unitCode: Type.Optional(Type.String({ maxLength: 20 })),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    /** one person's cases (the testing platform's contract: a positive result's case appears here) */
    personId: Type.Optional(Type.String({ format: 'uuid' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    /** keyset paging: the previous page's `X-Next-Cursor` */
    after: Type.Optional(AfterParam),
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
    /** a name fragment (accents ignored) or a phone: only contacts the reader may identify are matched */
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    /** a page of this many people (then `X-Next-Cursor` when more follow); without it, every contact */
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    /** keyset paging: the previous page's `X-Next-Cursor` */
    after: Type.Optional(AfterParam),
  },
  { additionalProperties: false },
);

/** The F1/F2 list of a case for a spreadsheet (`csv`) or the printable page (`json`): every contact, audited. */
export const ContactsExportQuery = Type.Object(
  {
    format: Type.Union([Type.Literal('csv'), Type.Literal('json')]),
    degree: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
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
    /** the F1 an F2 met, by name, when the reader may identify them */
    throughName: Type.Optional(Type.String()),
  }),
  evidenceCount: Type.Integer(),
  /** null, like phone and unitCode, when the contact lives outside the reader's area (`outOfScope`) */
  name: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  unitCode: Nullable(Type.String()),
  unitFullName: UnitFullName,
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

/** The F1/F2 list of a case for the printable page (`GET /cases/{id}/contacts/export?format=json`). */
export const ContactsExport = Type.Object({
  displayCode: Type.String(),
  contacts: Type.Array(ContactView),
});

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
  unitFullName: UnitFullName,
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
      /** `case` (an F0), or `contact` (a person who is no case in the graph: F1 or F2, see `degree`) */
      kind: Type.String(),
      /** a case's display code; a contact's "F1 · BN75-000012" (whose contact: never who they are) */
      label: Type.String(),
      cluster: Type.Integer(),
      status: Type.Optional(Type.String()),
      /** a contact's lowest degree in the graph: 1 (F1 of a case) or 2 (F2, met an F1) */
      degree: Type.Optional(Type.Integer()),
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
    /** keyset paging: the previous page's `X-Next-Cursor` */
    after: Type.Optional(AfterParam),
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
