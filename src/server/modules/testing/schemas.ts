/** TypeBox schemas of the testing routes, and the outbox topics this module owns. */
import { type Static, Type } from 'typebox';
import { defineTopic } from '../../platform/jobs.ts';
import {
  MAX_BARCODES,
  MAX_SHIPMENT,
  MEMBER_STATUSES,
  POOL_MAX_LIMIT,
  REJECT_REASONS,
  RESULTS,
  SAMPLE_KINDS,
  SAMPLE_STATUSES,
  TASK_REASONS,
} from './constants.ts';

/** The value lists are plain data in `constants.ts` (the web app imports them too). */
export {
  MEMBER_STATUSES,
  REJECT_REASONS,
  RESULTS,
  SAMPLE_KINDS,
  SAMPLE_STATUSES,
  TASK_REASONS,
} from './constants.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Uuid = Type.String({ format: 'uuid' });
const UnitCode = Type.String({ minLength: 1, maxLength: 20 });
const Day = Type.String({ format: 'date' });
const Barcode = Type.String({ minLength: 4, maxLength: 40, pattern: '^[A-Za-z0-9-]+$' });
const Ct = Type.Number({ minimum: 0, maximum: 60 });

export const IdParams = Type.Object({ id: Uuid });
export const LabIdParams = Type.Object({ labId: Uuid });
export const IdResponse = Type.Object({ id: Uuid });

// ——— labs ———
export const CreateLabBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), unitCode: UnitCode },
  { additionalProperties: false },
);
export const LabView = Type.Object({
  id: Uuid,
  name: Type.String(),
  unitCode: Type.String(),
  unitName: Nullable(Type.String()),
});
export const LabList = Type.Object({ items: Type.Array(LabView) });

export const CreateLabKeyBody = Type.Object(
  { label: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
/** The key itself is shown once, here; the server keeps only its hash. */
export const CreatedLabKey = Type.Object({ id: Uuid, key: Type.String(), label: Type.String() });
export const LabKeyView = Type.Object({
  id: Uuid,
  label: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
});
export const LabKeyParams = Type.Object({ labId: Uuid, keyId: Uuid });

// ——— samples ———
export const PersonRef = Type.Union([
  Type.Object({ personId: Uuid }, { additionalProperties: false }),
  /** the signed personal QR the collector scanned */
  Type.Object({ personQr: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
  Type.Object(
    { nationalId: Type.String({ minLength: 1, maxLength: 20 }), name: Type.Optional(Type.String({ maxLength: 200 })) },
    { additionalProperties: false },
  ),
  Type.Object(
    { phone: Type.String({ minLength: 1, maxLength: 32 }), name: Type.Optional(Type.String({ maxLength: 200 })) },
    { additionalProperties: false },
  ),
]);
export type PersonRef = Static<typeof PersonRef>;

export const CreateSampleBody = Type.Object(
  {
    kind: Type.Enum(SAMPLE_KINDS),
    people: Type.Array(PersonRef, { minItems: 1, maxItems: POOL_MAX_LIMIT }),
    collectedAt: Type.String({ format: 'date-time' }),
    unitCode: UnitCode,
    campaignId: Type.Optional(Uuid),
    pointId: Type.Optional(Uuid),
    /** a pre-printed label (or one reserved for offline collection); the server issues one when absent */
    barcode: Type.Optional(Barcode),
  },
  { additionalProperties: false },
);
export type CreateSampleInput = Static<typeof CreateSampleBody>;

export const CreatedSample = Type.Object({
  id: Uuid,
  barcode: Type.String(),
  people: Type.Array(Type.Object({ personId: Uuid })),
});
export type CreatedSample = Static<typeof CreatedSample>;

export const SampleView = Type.Object({
  id: Uuid,
  barcode: Type.String(),
  kind: Type.Enum(SAMPLE_KINDS),
  status: Type.Enum(SAMPLE_STATUSES),
  result: Type.Optional(Type.Enum(RESULTS)),
  ct: Type.Optional(Type.Number()),
  testedAt: Type.Optional(Type.String()),
  collectedAt: Type.String(),
  unitCode: Type.String(),
  campaignId: Nullable(Uuid),
  labId: Nullable(Uuid),
  labName: Nullable(Type.String()),
  receivedAt: Nullable(Type.String()),
  rejectedReason: Nullable(Type.String()),
  people: Type.Array(Type.Object({ personId: Uuid, status: Type.Enum(MEMBER_STATUSES) })),
});
export type SampleView = Static<typeof SampleView>;

export const SampleListQuery = Type.Object(
  {
    unitCode: Type.Optional(UnitCode),
    campaignId: Type.Optional(Uuid),
    status: Type.Optional(Type.Enum(SAMPLE_STATUSES)),
    day: Type.Optional(Day),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export const SampleListItem = Type.Object({
  id: Uuid,
  barcode: Type.String(),
  kind: Type.Enum(SAMPLE_KINDS),
  status: Type.Enum(SAMPLE_STATUSES),
  result: Nullable(Type.Enum(RESULTS)),
  collectedAt: Type.String(),
  memberCount: Type.Integer(),
  unitCode: Type.String(),
  labName: Nullable(Type.String()),
});
export const SampleList = Type.Object({ items: Type.Array(SampleListItem) });

export const ReserveBarcodesBody = Type.Object(
  { count: Type.Integer({ minimum: 1, maximum: MAX_BARCODES }) },
  { additionalProperties: false },
);
export const ReservedBarcodes = Type.Object({ barcodes: Type.Array(Type.String()) });

// ——— results ———
export const ResultBody = Type.Object(
  {
    result: Type.Enum(RESULTS),
    ct: Type.Optional(Ct),
    testedAt: Type.String({ format: 'date-time' }),
    labId: Uuid,
  },
  { additionalProperties: false },
);
export type ResultInput = Static<typeof ResultBody>;

export const CorrectionBody = Type.Object(
  {
    result: Type.Enum(RESULTS),
    ct: Type.Optional(Ct),
    testedAt: Type.String({ format: 'date-time' }),
    labId: Uuid,
    reason: Type.String({ minLength: 5, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type CorrectionInput = Static<typeof CorrectionBody>;

export const ImportResponse = Type.Object({
  accepted: Type.Integer(),
  /** rows whose tube already had this very result (counted in `accepted`: nothing to change) */
  unchanged: Type.Integer(),
  positive: Type.Integer(),
  /** the refused lines in line order: the first IMPORT_REJECTED_LISTED (1,000) of them */
  rejected: Type.Array(
    Type.Object({ row: Type.Integer(), code: Type.String(), message: Type.String(), messageVi: Type.String() }),
  ),
  /** every refused line, listed or not */
  rejectedCount: Type.Integer(),
});
export type ImportResponse = Static<typeof ImportResponse>;

// ——— intake and shipments ———
export const IntakeBody = Type.Object(
  {
    barcode: Barcode,
    decision: Type.Union([Type.Literal('accept'), Type.Literal('reject')]),
    reason: Type.Optional(Type.Enum(REJECT_REASONS)),
    note: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);
export type IntakeInput = Static<typeof IntakeBody>;

export const CreateShipmentBody = Type.Object(
  { labId: Uuid, barcodes: Type.Array(Barcode, { minItems: 1, maxItems: MAX_SHIPMENT }) },
  { additionalProperties: false },
);
export const CreatedShipment = Type.Object({ id: Uuid, count: Type.Integer() });

export const QueueTube = Type.Object({
  sampleId: Uuid,
  barcode: Type.String(),
  kind: Type.Enum(SAMPLE_KINDS),
  status: Type.Enum(SAMPLE_STATUSES),
  memberCount: Type.Integer(),
  collectedAt: Type.String(),
  receivedAt: Nullable(Type.String()),
  unitCode: Type.String(),
  unitName: Nullable(Type.String()),
  shipmentId: Nullable(Uuid),
  /** hours since collection */
  ageHours: Type.Number(),
});
export const LabQueue = Type.Object({
  lab: LabView,
  /** shipped to this lab, not scanned in yet */
  inTransit: Type.Array(QueueTube),
  /** received, waiting for a result */
  awaitingResult: Type.Array(QueueTube),
  counts: Type.Object({ inTransit: Type.Integer(), awaitingResult: Type.Integer(), resultedToday: Type.Integer() }),
});

// ——— campaigns ———
export const CreateCampaignBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    unitCode: UnitCode,
    startsOn: Day,
    endsOn: Day,
    round: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    poolMax: Type.Optional(Type.Integer({ minimum: 2, maximum: POOL_MAX_LIMIT })),
  },
  { additionalProperties: false },
);
export type CreateCampaignInput = Static<typeof CreateCampaignBody>;

export const CampaignListItem = Type.Object({
  id: Uuid,
  name: Type.String(),
  unitCode: Type.String(),
  unitName: Nullable(Type.String()),
  startsOn: Type.String(),
  endsOn: Type.String(),
  round: Type.Integer(),
  target: Type.Integer(),
  tested: Type.Integer(),
});
export const CampaignList = Type.Object({ items: Type.Array(CampaignListItem) });

export const CommuneCoverage = Type.Object({
  unitCode: Type.String(),
  unitName: Type.String(),
  target: Type.Integer(),
  adjusted: Type.Boolean(),
  tested: Type.Integer(),
  /** tested / target, percent (null without a target) */
  coverage: Nullable(Type.Number()),
  positivity: Type.Number(),
  advisedPoolSize: Type.Integer(),
  testsPerPerson: Type.Number(),
});
export const TestPointView = Type.Object({
  id: Uuid,
  name: Type.String(),
  unitCode: Type.String(),
  address: Nullable(Type.String()),
  team: Nullable(Type.String()),
  tubes: Type.Integer(),
});
export const CampaignView = Type.Object({
  id: Uuid,
  name: Type.String(),
  unitCode: Type.String(),
  unitName: Nullable(Type.String()),
  startsOn: Type.String(),
  endsOn: Type.String(),
  round: Type.Integer(),
  poolMax: Type.Integer(),
  communes: Type.Array(CommuneCoverage),
  points: Type.Array(TestPointView),
  totals: Type.Object({
    target: Type.Integer(),
    tested: Type.Integer(),
    tubes: Type.Integer(),
    pooledTubes: Type.Integer(),
    /** people tested minus tubes used (re-tests included): what pooling saved against one test each */
    testsSaved: Type.Integer(),
  }),
});
export type CampaignView = Static<typeof CampaignView>;

export const TargetParams = Type.Object({ id: Uuid, unitCode: UnitCode });
export const TargetBody = Type.Object(
  { target: Type.Integer({ minimum: 0, maximum: 10_000_000 }) },
  { additionalProperties: false },
);
export const CreatePointBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    unitCode: UnitCode,
    address: Type.Optional(Type.String({ maxLength: 300 })),
    team: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);

// ——— statistics ———
export const StatsQuery = Type.Object(
  {
    unitCode: Type.Optional(UnitCode),
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    format: Type.Optional(Type.Literal('csv')),
  },
  { additionalProperties: false },
);
export const StatsDay = Type.Object({
  day: Type.String(),
  unitCode: Type.String(),
  unitName: Type.String(),
  kind: Type.Enum(SAMPLE_KINDS),
  tubes: Type.Integer(),
  people: Type.Integer(),
  positiveTubes: Type.Integer(),
  positivePeople: Type.Integer(),
  invalidTubes: Type.Integer(),
});
export const StatsResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  days: Type.Array(StatsDay),
  totals: Type.Object({
    tubes: Type.Integer(),
    people: Type.Integer(),
    positiveTubes: Type.Integer(),
    positivePeople: Type.Integer(),
    pooledTubes: Type.Integer(),
    pooledPeople: Type.Integer(),
    individualTubes: Type.Integer(),
    /** positive tubes / tubes, percent */
    positivity: Type.Number(),
  }),
  turnaround: Type.Object({
    resulted: Type.Integer(),
    collectToResultP50Hours: Nullable(Type.Number()),
    collectToResultP90Hours: Nullable(Type.Number()),
    collectToReceiptP50Hours: Nullable(Type.Number()),
    receiptToResultP50Hours: Nullable(Type.Number()),
  }),
  backlog: Type.Array(
    Type.Object({
      labId: Uuid,
      name: Type.String(),
      inTransit: Type.Integer(),
      awaitingResult: Type.Integer(),
      oldestHours: Nullable(Type.Number()),
    }),
  ),
});
export type StatsResponse = Static<typeof StatsResponse>;

export const CommuneStatsQuery = Type.Object(
  { unitCode: Type.Optional(UnitCode), days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })) },
  { additionalProperties: false },
);
export const CommuneStat = Type.Object({
  unitCode: Type.String(),
  unitName: Type.String(),
  people: Type.Integer(),
  tubes: Type.Integer(),
  positivePeople: Type.Integer(),
  positiveTubes: Type.Integer(),
  /** estimated per-person positivity, 0–1 */
  positivity: Type.Number(),
  advisedPoolSize: Type.Integer(),
  testsPerPerson: Type.Number(),
});
export const CommuneStats = Type.Object({
  days: Type.Integer(),
  poolMax: Type.Integer(),
  items: Type.Array(CommuneStat),
});

// ——— tasks ———
export const TaskQuery = Type.Object(
  {
    unitCode: Type.Optional(UnitCode),
    reason: Type.Optional(Type.Enum(TASK_REASONS)),
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('done'), Type.Literal('cancelled')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export const TaskView = Type.Object({
  id: Uuid,
  personId: Uuid,
  name: Type.String(),
  phone: Nullable(Type.String()),
  unitCode: Nullable(Type.String()),
  unitName: Nullable(Type.String()),
  reason: Type.Enum(TASK_REASONS),
  dueOn: Type.String(),
  day: Nullable(Type.Integer()),
  status: Type.String(),
  sourceBarcode: Nullable(Type.String()),
});
export const TaskList = Type.Object({ items: Type.Array(TaskView) });

// ——— settings ———
export const SettingsView = Type.Object({
  poolMax: Type.Integer({ minimum: 2, maximum: POOL_MAX_LIMIT }),
  antigenOpensCase: Type.Boolean(),
  f1TestDays: Type.Array(Type.Integer({ minimum: 1, maximum: 30 }), { minItems: 0, maxItems: 10 }),
});
export type SettingsView = Static<typeof SettingsView>;
export const SettingsBody = Type.Object(
  {
    poolMax: Type.Integer({ minimum: 2, maximum: POOL_MAX_LIMIT }),
    antigenOpensCase: Type.Boolean(),
    f1TestDays: Type.Array(Type.Integer({ minimum: 1, maximum: 30 }), { maxItems: 10 }),
  },
  { additionalProperties: false },
);

// ——— citizens ———
export const MyTest = Type.Object({
  sampleId: Uuid,
  kind: Type.Enum(SAMPLE_KINDS),
  result: Type.Optional(Type.Enum(RESULTS)),
  collectedAt: Type.String(),
  testedAt: Type.Optional(Type.String()),
  personId: Uuid,
  personName: Type.String(),
  /** the person's standing in the tube (`retest` after a positive pool) */
  status: Type.Enum(MEMBER_STATUSES),
  labName: Nullable(Type.String()),
  barcode: Type.String(),
});
export const MyTests = Type.Object({ items: Type.Array(MyTest) });

// ——— topics ———
/** Results recorded in one transaction, whose people are to be told (the worker sends the messages). */
export const RESULTS_RECORDED = defineTopic(
  'testing.results-recorded',
  Type.Object({ resultIds: Type.Array(Uuid, { minItems: 1, maxItems: 5000 }) }),
);
/**
 * A recorded result was replaced by a correction (a lab's mistake put right): the people of the tube, for what was
 * derived from the old result — the greenpass module withdraws a negative-test pass at once when the test turns
 * positive, rather than at the holder's next fetch.
 */
export const RESULT_CORRECTED = defineTopic(
  'testing.result-corrected',
  Type.Object({ sampleId: Uuid, personIds: Type.Array(Uuid, { minItems: 1, maxItems: 5000 }) }),
);
/** Tubes a lab rejected: their people are asked to come back. */
export const SAMPLES_REJECTED = defineTopic(
  'testing.samples-rejected',
  Type.Object({ sampleIds: Type.Array(Uuid, { minItems: 1, maxItems: 5000 }) }),
);
/** Recurring: the test days of F1s under quarantine become tasks. */
export const SCHEDULE_QUARANTINE_TESTS = defineTopic('testing.schedule-quarantine-tests', Type.Object({}));
