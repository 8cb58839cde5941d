/**
 * TypeBox schemas of the vaccination API (the integration contract of issue 13: exact paths, fields and codes) and
 * the outbox topic this module owns, `vaccination.record-changed`.
 */
import { type Static, Type } from 'typebox';
import { defineTopic } from '../../platform/jobs.ts';
import {
  AEFI_SEVERITIES,
  AEFI_SYMPTOMS,
  APPROVE_REASONS,
  CORRECTION_FIELDS,
  CORRECTION_STATUSES,
  DOSE_STATUSES,
  REGISTRATION_STATUSES,
  REJECT_REASONS,
  SCREENING_OUTCOMES,
  VOID_REASONS,
} from './constants.ts';

export {
  AEFI_SEVERITIES,
  AEFI_SYMPTOMS,
  AGE_BANDS,
  APPROVE_REASONS,
  CORRECTION_FIELDS,
  CORRECTION_STATUSES,
  DOSE_STATUSES,
  REGISTRATION_STATUSES,
  REJECT_REASONS,
  SCREENING_OUTCOMES,
  VOID_REASONS,
} from './constants.ts';

const Id = Type.String({ format: 'uuid' });
const ProductCode = Type.String({ minLength: 1, maxLength: 40 });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/**
 * `vaccination.record-changed`: a person's vaccination record changed — a dose `recorded` (at a site, or a declared
 * dose verified), `corrected` (an approved correction) or `revoked` (voided). Enqueued in the transaction that made
 * the change; the green pass (issue 17) re-issues what it derived from the record. At-least-once: consumers re-read
 * the record (`dosesForCertificate`) rather than trust the order of events.
 */
export const RECORD_CHANGED = defineTopic(
  'vaccination.record-changed',
  Type.Object({
    personId: Id,
    doseId: Id,
    change: Type.Enum(['recorded', 'corrected', 'revoked'] as const),
  }),
);
export type RecordChanged = Static<typeof RECORD_CHANGED.schema>;

/** `vaccination.refresh-population`: recounts residents per commune and age band (coverage denominators), hourly. */
export const REFRESH_POPULATION = defineTopic('vaccination.refresh-population', Type.Object({}));

export const IdResponse = Type.Object({ id: Id });

// ——— products and priority groups ———
export const ProductView = Type.Object({
  code: Type.String(),
  name: Type.String(),
  manufacturer: Type.String(),
  platform: Type.String(),
  dosesInPrimarySeries: Type.Integer(),
  minIntervalDays: Type.Integer(),
  recommendedIntervalDays: Type.Integer(),
  mixWith: Type.Array(Type.String()),
  boosterProducts: Type.Array(Type.String()),
  boosterMinIntervalDays: Type.Integer(),
  minAgeYears: Type.Integer(),
  maxAgeYears: Nullable(Type.Integer()),
  euProductCode: Type.String(),
  euManufacturerCode: Type.String(),
  euProphylaxisCode: Type.String(),
});
export type ProductView = Static<typeof ProductView>;
export const ProductList = Type.Object({ items: Type.Array(ProductView) });

export const PriorityGroupView = Type.Object({
  code: Type.String(),
  rank: Type.Integer(),
  nameVi: Type.String(),
  nameEn: Type.String(),
});
export const PriorityGroupList = Type.Object({ items: Type.Array(PriorityGroupView) });

export const PriorityGroupBody = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9_]{2,40}$' }),
    rank: Type.Integer({ minimum: 1, maximum: 1000 }),
    nameVi: Name,
    nameEn: Name,
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

// ——— registration ———
/**
 * Required data a registration may complete (a dose needs the birth year): written to the person's record only where
 * it has none — never changing a recorded one.
 */
const BirthFields = {
  birthYear: Type.Optional(Type.Integer({ minimum: 1880, maximum: 2200 })),
  birthDate: Type.Optional(Type.String({ format: 'date' })),
};
export const Subject = Type.Union([
  Type.Object({ personId: Id, ...BirthFields }, { additionalProperties: false }),
  Type.Object(
    {
      nationalId: Type.String({ maxLength: 32 }),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
      ...BirthFields,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      phone: Type.String({ maxLength: 32 }),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
      ...BirthFields,
    },
    { additionalProperties: false },
  ),
]);
export type Subject = Static<typeof Subject>;

export const RegistrationBody = Type.Object(
  { subject: Type.Optional(Subject), priorityGroup: Type.String({ maxLength: 40 }), siteId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type RegistrationBody = Static<typeof RegistrationBody>;

export const RegistrationView = Type.Object({
  id: Id,
  personId: Id,
  name: Type.String(),
  priorityGroup: Type.String(),
  status: Type.Enum(REGISTRATION_STATUSES),
  siteId: Nullable(Id),
  sessionId: Nullable(Id),
  sessionDay: Nullable(Type.String()),
  siteName: Nullable(Type.String()),
  hasPhone: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type RegistrationView = Static<typeof RegistrationView>;
export const RegistrationListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(REGISTRATION_STATUSES)),
    sessionId: Type.Optional(Id),
    withoutPhone: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export const RegistrationList = Type.Object({ items: Type.Array(RegistrationView) });

// ——— planning ———
export const SiteBody = Type.Object(
  { name: Name, unitCode: Type.String({ minLength: 1, maxLength: 40 }), address: Type.Optional(Name) },
  { additionalProperties: false },
);
export const SiteView = Type.Object({
  id: Id,
  name: Type.String(),
  unitCode: Type.String(),
  unitName: Type.String(),
  address: Nullable(Type.String()),
});
export const SiteList = Type.Object({ items: Type.Array(SiteView) });

export const LotBody = Type.Object(
  {
    product: ProductCode,
    /** letters, digits and `./_-`, single spaces between them ("LOT 42"); the ends are trimmed */
    lotNumber: Type.String({
      minLength: 1,
      maxLength: 40,
      pattern: '^\\s*[A-Za-z0-9./_-]+( [A-Za-z0-9./_-]+)*\\s*$',
    }),
    expiresOn: Type.String({ format: 'date' }),
    siteId: Id,
    quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);
/** A lot recorded; `expired`: its expiry had passed already (recorded all the same, no dose is given from it). */
export const LotCreated = Type.Object({ id: Id, expired: Type.Boolean() });
export const LotView = Type.Object({
  id: Id,
  siteId: Id,
  siteName: Type.String(),
  product: Type.String(),
  lotNumber: Type.String(),
  expiresOn: Type.String(),
  quantity: Type.Integer(),
  used: Type.Integer(),
  remaining: Type.Integer(),
  expired: Type.Boolean(),
});
export const LotList = Type.Object({ items: Type.Array(LotView) });
export const SiteQuery = Type.Object({ siteId: Type.Optional(Id) }, { additionalProperties: false });

export const SessionBody = Type.Object(
  {
    siteId: Id,
    day: Type.String({ format: 'date' }),
    capacity: Type.Integer({ minimum: 1, maximum: 100_000 }),
    product: ProductCode,
  },
  { additionalProperties: false },
);
export const SessionView = Type.Object({
  id: Id,
  siteId: Id,
  siteName: Type.String(),
  day: Type.String(),
  capacity: Type.Integer(),
  product: Type.String(),
  invited: Type.Integer(),
  vaccinated: Type.Integer(),
});
export const SessionList = Type.Object({ items: Type.Array(SessionView) });
export const SessionQuery = Type.Object(
  { siteId: Type.Optional(Id), day: Type.Optional(Type.String({ format: 'date' })) },
  { additionalProperties: false },
);

export const InvitationBody = Type.Object({ sessionId: Id }, { additionalProperties: false });
export const InvitationResult = Type.Object({
  invited: Type.Integer(),
  messaged: Type.Integer(),
  /** invited people without a phone (theirs or a guardian's): the commune calls them */
  withoutPhone: Type.Array(RegistrationView),
});

// ——— at the site ———
export const ChecklistQuestion = Type.Object({
  id: Type.String(),
  outcome: Type.Enum(['defer', 'refer'] as const),
  vi: Type.String(),
  en: Type.String(),
});
export const ChecklistView = Type.Object({ version: Type.Integer(), questions: Type.Array(ChecklistQuestion) });

export const CheckInBody = Type.Object(
  {
    siteId: Id,
    qr: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    nationalId: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);

export const DoseView = Type.Object({
  id: Id,
  product: Type.String(),
  productName: Type.String(),
  doseNumber: Type.Integer(),
  givenAt: Type.String({ format: 'date-time' }),
  site: Nullable(Type.String()),
  siteId: Nullable(Id),
  lot: Nullable(Type.String()),
  country: Type.String(),
  source: Type.Enum(['site', 'declared'] as const),
  status: Type.Enum(DOSE_STATUSES),
  overridden: Type.Boolean(),
});
export type DoseView = Static<typeof DoseView>;

export const NextDueView = Type.Object({
  doseNumber: Type.Integer(),
  product: Type.String(),
  earliest: Type.String({ format: 'date-time' }),
  recommended: Type.String({ format: 'date-time' }),
  booster: Type.Boolean(),
});

export const CorrectionView = Type.Object({
  id: Id,
  doseId: Id,
  personId: Id,
  personName: Type.String(),
  field: Type.Enum(CORRECTION_FIELDS),
  oldValue: Nullable(Type.String()),
  proposedValue: Type.String(),
  hasEvidence: Type.Boolean(),
  status: Type.Enum(CORRECTION_STATUSES),
  reason: Nullable(Type.String()),
  /** the reviewer's words when `reason` is `other` */
  reasonNote: Type.Optional(Nullable(Type.String())),
  siteName: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});
export type CorrectionView = Static<typeof CorrectionView>;

/** A person's record: the contract's `items` (`{id, product, doseNumber, givenAt, site}` and more), and the rest. */
export const VaccinationRecord = Type.Object({
  personId: Id,
  name: Type.String(),
  items: Type.Array(DoseView),
  nextDue: Nullable(NextDueView),
  registration: Nullable(RegistrationView),
  corrections: Type.Array(CorrectionView),
});
export const PersonQuery = Type.Object({ personId: Type.Optional(Id) }, { additionalProperties: false });
export const PersonParams = Type.Object({ personId: Id });

export const CheckInView = Type.Object({
  person: Type.Object({
    id: Id,
    name: Type.String(),
    birthYear: Nullable(Type.Integer()),
    unitName: Nullable(Type.String()),
  }),
  /** required data still missing (a dose cannot be recorded until it is completed): `name`, `birthYear`, `unit` */
  missing: Type.Array(Type.String()),
  record: VaccinationRecord,
  screening: Nullable(Type.Object({ id: Id, outcome: Type.Enum(SCREENING_OUTCOMES), at: Type.String() })),
});

export const ScreeningBody = Type.Object(
  {
    personId: Id,
    siteId: Id,
    checklistVersion: Type.Integer({ minimum: 1 }),
    answers: Type.Record(Type.String({ maxLength: 64 }), Type.Boolean(), { maxProperties: 50 }),
  },
  { additionalProperties: false },
);
export const ScreeningResult = Type.Object({ id: Id, outcome: Type.Enum(SCREENING_OUTCOMES) });

export const PersonRef = Type.Union([
  Type.Object({ personId: Id }, { additionalProperties: false }),
  Type.Object({ nationalId: Type.String({ maxLength: 32 }) }, { additionalProperties: false }),
]);

export const DoseBody = Type.Object(
  {
    person: PersonRef,
    product: ProductCode,
    /** the lot's `lotNumber` at `siteId` */
    lot: Type.String({ minLength: 1, maxLength: 40 }),
    doseNumber: Type.Integer({ minimum: 1, maximum: 10 }),
    siteId: Id,
    givenAt: Type.String({ format: 'date-time' }),
    screeningId: Type.Optional(Id),
    /** a doctor overriding an interval, mix, age or screening rule says why (audited) */
    override: Type.Optional(
      Type.Object({ reason: Type.String({ minLength: 5, maxLength: 500 }) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
export type DoseBody = Static<typeof DoseBody>;
export const DoseCreated = Type.Object({ id: Id, observationUntil: Type.String({ format: 'date-time' }) });
export type DoseCreated = Static<typeof DoseCreated>;

export const DoseParams = Type.Object({ id: Id });
export const VoidBody = Type.Object({ reason: Type.Enum(VOID_REASONS) }, { additionalProperties: false });

export const AefiBody = Type.Object(
  {
    doseId: Id,
    severity: Type.Enum(AEFI_SEVERITIES),
    symptoms: Type.Array(Type.Enum(AEFI_SYMPTOMS), { minItems: 1, maxItems: 12, uniqueItems: true }),
    onsetAt: Type.Optional(Type.String({ format: 'date-time' })),
    notes: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export const AefiView = Type.Object({
  id: Id,
  doseId: Id,
  personId: Id,
  personName: Type.String(),
  severity: Type.Enum(AEFI_SEVERITIES),
  symptoms: Type.Array(Type.String()),
  onsetAt: Type.String({ format: 'date-time' }),
  product: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
export const AefiList = Type.Object({ items: Type.Array(AefiView) });
export const AefiQuery = Type.Object(
  { severity: Type.Optional(Type.Enum(AEFI_SEVERITIES)) },
  { additionalProperties: false },
);

// ——— corrections and doses given elsewhere ———
/** A photo as a data URL (`data:image/jpeg;base64,…`): JPEG, PNG or WebP, at most 2 MiB. */
const Evidence = Type.String({ minLength: 1, maxLength: 2_900_000 });

export const CorrectionBody = Type.Object(
  {
    doseId: Id,
    field: Type.Enum(CORRECTION_FIELDS),
    /**
     * product: a product code; lot: a lot number at the dose's site; givenAt: a timestamp, or a date (`2026-11-06`:
     * that day in Asia/Ho_Chi_Minh); doseNumber: 1–10 (a number or its text); siteId: a site's id
     */
    proposedValue: Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Number()]),
    evidence: Type.Optional(Evidence),
  },
  { additionalProperties: false },
);
export type CorrectionBody = Static<typeof CorrectionBody>;
export const CorrectionCreated = Type.Object({ id: Id, status: Type.Literal('pending') });
export const CorrectionParams = Type.Object({ id: Id });
export const DecisionBody = Type.Object(
  {
    approve: Type.Boolean(),
    reason: Type.String({
      minLength: 1,
      maxLength: 500,
      description:
        `A code of the fixed list — approving: ${APPROVE_REASONS.join(', ')}; rejecting: ${REJECT_REASONS.join(', ')} — ` +
        'is kept as that code (`other` with `note`: the reviewer’s words); any other reason (words, or a word not ' +
        'on the list) is kept as `other` with that text as its note. A blank reason → 400.',
    }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export const DecisionResult = Type.Object({ id: Id, status: Type.String() });
export const CorrectionList = Type.Object({ items: Type.Array(CorrectionView) });
export const CorrectionListQuery = Type.Object(
  { status: Type.Optional(Type.Enum(CORRECTION_STATUSES)) },
  { additionalProperties: false },
);

export const DeclaredDoseBody = Type.Object(
  {
    personId: Type.Optional(Id),
    product: ProductCode,
    doseNumber: Type.Integer({ minimum: 1, maximum: 10 }),
    givenAt: Type.String({ format: 'date-time' }),
    /** ISO 3166-1 alpha-2 (`FR`) */
    country: Type.String({ minLength: 2, maxLength: 2 }),
    place: Type.String({ minLength: 1, maxLength: 200 }),
    evidence: Evidence,
  },
  { additionalProperties: false },
);
export const DeclaredDoseView = Type.Object({
  id: Id,
  personId: Id,
  personName: Type.String(),
  product: Type.String(),
  doseNumber: Type.Integer(),
  givenAt: Type.String({ format: 'date-time' }),
  country: Type.String(),
  place: Nullable(Type.String()),
  status: Type.Enum(DOSE_STATUSES),
});
export const DeclaredDoseList = Type.Object({ items: Type.Array(DeclaredDoseView) });

// ——— statistics ———
export const StatsQuery = Type.Object(
  {
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    from: Type.Optional(Type.String({ format: 'date' })),
    to: Type.Optional(Type.String({ format: 'date' })),
  },
  { additionalProperties: false },
);
export type StatsQuery = Static<typeof StatsQuery>;

export const CommuneCoverage = Type.Object({
  communeCode: Type.String(),
  communeName: Type.String(),
  adults: Type.Integer(),
  adultsDose1: Type.Integer(),
  over50: Type.Integer(),
  over50Full: Type.Integer(),
  /** share of adults (18+) with at least one dose, 0–1 (null without residents) */
  adultsDose1Share: Nullable(Type.Number()),
  /** share of people aged 50+ with the full primary series, 0–1 */
  over50FullShare: Nullable(Type.Number()),
  dose1: Type.Integer(),
  full: Type.Integer(),
  booster: Type.Integer(),
  doses: Type.Integer(),
});
export const CoverageResponse = Type.Object({ items: Type.Array(CommuneCoverage) });

const Counts = Type.Object({
  key: Type.String(),
  people: Type.Integer(),
  dose1: Type.Integer(),
  full: Type.Integer(),
  booster: Type.Integer(),
  doses: Type.Integer(),
});

export const StatsResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  totals: Type.Object({
    doses: Type.Integer(),
    dose1: Type.Integer(),
    full: Type.Integer(),
    booster: Type.Integer(),
    waiting: Type.Integer(),
    invited: Type.Integer(),
    aefiMild: Type.Integer(),
    aefiModerate: Type.Integer(),
    aefiSerious: Type.Integer(),
  }),
  communes: Type.Array(CommuneCoverage),
  ageBands: Type.Array(Counts),
  priorityGroups: Type.Array(Counts),
  byDose: Type.Array(Type.Object({ doseNumber: Type.Integer(), doses: Type.Integer() })),
  days: Type.Array(Type.Object({ day: Type.String(), doses: Type.Integer() })),
  lots: Type.Array(LotView),
});
export type StatsResponse = Static<typeof StatsResponse>;
export const CsvQuery = Type.Object(
  {
    table: Type.Enum(['communes', 'age_bands', 'priority_groups', 'days', 'lots'] as const),
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    from: Type.Optional(Type.String({ format: 'date' })),
    to: Type.Optional(Type.String({ format: 'date' })),
  },
  { additionalProperties: false },
);

export const CdcContactBody = Type.Object(
  { districtCode: Type.String({ minLength: 1, maxLength: 40 }), phone: Type.String({ maxLength: 32 }) },
  { additionalProperties: false },
);

export type CertificateDose = {
  id: string;
  productCode: string;
  euProductCode: string;
  euManufacturerCode: string;
  euProphylaxisCode: string;
  doseNumber: number;
  dosesInPrimarySeries: number;
  givenAt: Date;
  /** 'VN' for doses given here, the ISO 3166-1 alpha-2 code for a verified dose given abroad */
  country: string;
  siteName: string | null;
};
