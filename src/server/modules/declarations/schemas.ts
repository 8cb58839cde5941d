import { type Static, Type } from 'typebox';
import type { Actor } from '../../platform/access.ts';
import { AfterParam } from '../../platform/paging.ts';
import type { DoorPerson } from '../people/schemas.ts';
import {
  BADGE_COLOURS,
  DECLARATION_STATUSES,
  DECLARATION_TYPES,
  ENTERPRISE_LEVELS,
  FLAG_REASONS,
  HEALTH_TASK_STATUSES,
  ORGANISATION_KINDS,
  QUESTION_KINDS,
} from './constants.ts';

export {
  BADGE_COLOURS,
  DECLARATION_STATUSES,
  DECLARATION_TYPES,
  ENTERPRISE_LEVELS,
  FLAG_REASONS,
  HEALTH_TASK_STATUSES,
  ORGANISATION_KINDS,
  QUESTION_KINDS,
} from './constants.ts';

const Id = Type.String({ format: 'uuid' });
const QuestionId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9_]*$' });
const Label = Type.String({ minLength: 1, maxLength: 300 });

export const OptionSchema = Type.Object(
  { value: Type.String({ minLength: 1, maxLength: 64 }), labelVi: Label, labelEn: Label },
  { additionalProperties: false },
);

export const QuestionSchema = Type.Object(
  {
    id: QuestionId,
    kind: Type.Enum(QUESTION_KINDS),
    required: Type.Boolean(),
    labelVi: Label,
    labelEn: Label,
    options: Type.Optional(Type.Array(OptionSchema, { maxItems: 100 })),
    /**
     * asked only when another question (itself asked) has this answer: `equals` a boolean or a choice value (for a
     * multi: one of its values), or one of the values `in` the list; an answer to a question not asked is accepted
     * and not stored
     */
    showIf: Type.Optional(
      Type.Union([
        Type.Object(
          { questionId: QuestionId, equals: Type.Union([Type.Boolean(), Type.String({ maxLength: 64 })]) },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            questionId: QuestionId,
            in: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100 }),
          },
          { additionalProperties: false },
        ),
      ]),
    ),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

export const TriageRuleSchema = Type.Object(
  {
    questionId: QuestionId,
    reason: Type.Enum(FLAG_REASONS.filter((r) => r !== 'case_or_quarantine')),
    equals: Type.Optional(Type.Union([Type.Boolean(), Type.String({ maxLength: 64 })])),
    anyOf: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 500 })),
  },
  { additionalProperties: false },
);

export const FormTypeParams = Type.Object({ type: Type.Enum(DECLARATION_TYPES) });

export const FormView = Type.Object({
  type: Type.Enum(DECLARATION_TYPES),
  version: Type.Integer(),
  questions: Type.Array(QuestionSchema),
  rules: Type.Array(TriageRuleSchema),
  graceHours: Type.Integer(),
  publishedAt: Type.String({ format: 'date-time' }),
});
export type FormView = Static<typeof FormView>;

export const PublishFormBody = Type.Object(
  {
    questions: Type.Array(QuestionSchema, { minItems: 1, maxItems: 200 }),
    /** omitted: the previous version's rules for the questions this version still has */
    rules: Type.Optional(Type.Array(TriageRuleSchema, { maxItems: 500 })),
    /** how long the previous version stays accepted (hours, default 48) */
    graceHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 720 })),
  },
  { additionalProperties: false },
);
export type PublishFormBody = Static<typeof PublishFormBody>;

const Answers = Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 200 });

export const Subject = Type.Union([
  Type.Object({ personId: Id }, { additionalProperties: false }),
  Type.Object(
    { nationalId: Type.String({ maxLength: 32 }), name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })) },
    { additionalProperties: false },
  ),
  Type.Object(
    { phone: Type.String({ maxLength: 32 }), name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })) },
    { additionalProperties: false },
  ),
]);
export type Subject = Static<typeof Subject>;

export const DeclarationBody = Type.Object(
  {
    type: Type.Enum(DECLARATION_TYPES),
    formVersion: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    /** omitted: the signed-in citizen; a citizen may name only a dependant, staff anyone in their area */
    subject: Type.Optional(Subject),
    answers: Answers,
  },
  { additionalProperties: false },
);
export type DeclarationBody = Static<typeof DeclarationBody>;

export const Badge = Type.Object({
  colour: Type.Enum(BADGE_COLOURS),
  /** the end of the local day (Asia/Ho_Chi_Minh); null for grey */
  validUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type Badge = Static<typeof Badge>;

/**
 * What the door needs from declarations for a replayed check-in (the check-ins module calls it): the person's badge
 * of the day of `at` (grey when nothing was declared) and, with `person` (a personal QR), who the person is as
 * `actor` may see them (the people module's `doorPersonView`; undefined for an unknown id), read in the same
 * statement. A live scan is refused by a venue's rule in the check-in's own statement, never here.
 */
export type DoorDeclarationCheck = (
  actor: Actor,
  venueId: string,
  personId: string,
  at: Date,
  opts: { person: boolean },
) => Promise<{ badge: Badge; person?: DoorPerson | undefined }>;

/**
 * What check-ins take from declarations: the look-up of a replayed check-in (`check`), and the badge of a day's
 * status (`badge`: grey when nothing was declared) for a check-in whose own statement read the status
 * (db/functions/checkins_ingest.sql, through `declaration_door_checks`).
 */
export interface DoorDeclarations {
  check: DoorDeclarationCheck;
  badge: (status: 'ok' | 'flagged' | null, day: string) => Badge;
}

export const DeclarationResult = Type.Object({
  id: Id,
  personId: Type.Optional(Id),
  status: Type.Enum(DECLARATION_STATUSES),
  reasons: Type.Array(Type.Enum(FLAG_REASONS)),
  badge: Badge,
  /** what to do now, in Vietnamese and English (flagged declarations) */
  adviceVi: Type.Optional(Type.String()),
  adviceEn: Type.Optional(Type.String()),
});
export type DeclarationResult = Static<typeof DeclarationResult>;

export const PersonQuery = Type.Object({ personId: Type.Optional(Id) }, { additionalProperties: false });

export const TodayResponse = Type.Object({
  declared: Type.Boolean(),
  status: Type.Optional(Type.Enum(DECLARATION_STATUSES)),
  badge: Type.Optional(Badge),
});
export type TodayResponse = Static<typeof TodayResponse>;

export const LastQuery = Type.Object(
  { type: Type.Enum(DECLARATION_TYPES), personId: Type.Optional(Id) },
  { additionalProperties: false },
);

export const LastResponse = Type.Object({
  answers: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  formVersion: Type.Union([Type.Integer(), Type.Null()]),
  declaredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const MyDeclaration = Type.Object({
  id: Id,
  type: Type.Enum(DECLARATION_TYPES),
  status: Type.Enum(DECLARATION_STATUSES),
  reasons: Type.Array(Type.String()),
  declaredAt: Type.String({ format: 'date-time' }),
  via: Type.String(),
});
export const MyDeclarationList = Type.Object({ items: Type.Array(MyDeclaration) });

export const TaskQuery = Type.Object(
  {
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    status: Type.Optional(Type.Union([Type.Enum(HEALTH_TASK_STATUSES), Type.Literal('open')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export type TaskQuery = Static<typeof TaskQuery>;

export const TaskNote = Type.Object({
  at: Type.String(),
  by: Type.String(),
  status: Type.String(),
  text: Type.Optional(Type.String()),
});

export const TaskView = Type.Object({
  id: Id,
  personId: Id,
  personName: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  unitCode: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Enum(FLAG_REASONS),
  reasons: Type.Array(Type.Enum(FLAG_REASONS)),
  status: Type.Enum(HEALTH_TASK_STATUSES),
  assignedTo: Type.Union([Type.String(), Type.Null()]),
  notes: Type.Array(TaskNote),
  dueAt: Type.String({ format: 'date-time' }),
  createdAt: Type.String({ format: 'date-time' }),
  declarationId: Id,
});
export type TaskView = Static<typeof TaskView>;
export const TaskList = Type.Object({ items: Type.Array(TaskView) });

export const TaskParams = Type.Object({ id: Id });
export const UpdateTaskBody = Type.Object(
  {
    status: Type.Enum(HEALTH_TASK_STATUSES),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    /** the worker who follows it (a name or username); defaults to the one moving it */
    assignedTo: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
  },
  { additionalProperties: false },
);
export type UpdateTaskBody = Static<typeof UpdateTaskBody>;

export const VenueParams = Type.Object({ venueId: Id });
export const VenueRuleBody = Type.Object({ required: Type.Boolean() }, { additionalProperties: false });
export const VenueRuleView = Type.Object({ venueId: Id, required: Type.Boolean() });

export const StatsQuery = Type.Object(
  {
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    from: Type.Optional(Type.String({ format: 'date' })),
    to: Type.Optional(Type.String({ format: 'date' })),
  },
  { additionalProperties: false },
);
export type StatsQuery = Static<typeof StatsQuery>;

export const StatsRow = Type.Object({
  day: Type.String(),
  communeCode: Type.String(),
  communeName: Type.String(),
  declarations: Type.Integer(),
  people: Type.Integer(),
  residents: Type.Integer(),
  flagged: Type.Integer(),
  symptom: Type.Integer(),
  exposure: Type.Integer(),
  entryArea: Type.Integer(),
  caseOrQuarantine: Type.Integer(),
});
export const StatsResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  rows: Type.Array(StatsRow),
  totals: Type.Object({
    declarations: Type.Integer(),
    people: Type.Integer(),
    residents: Type.Integer(),
    flagged: Type.Integer(),
    byReason: Type.Record(Type.String(), Type.Integer()),
  }),
  tasksOpenByAge: Type.Object({ under1d: Type.Integer(), d1to3: Type.Integer(), over3d: Type.Integer() }),
  enterprises: Type.Object({ total: Type.Integer(), highRisk: Type.Integer(), overdue: Type.Integer() }),
});
export type StatsResponse = Static<typeof StatsResponse>;

// ——— partners ———
export const CreatePartnerBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    ratePerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  },
  { additionalProperties: false },
);
export const CreatedPartner = Type.Object({ id: Id, apiKey: Type.String() });
export const PartnerParams = Type.Object({ id: Id });
export const PartnerList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Id,
      name: Type.String(),
      ratePerMinute: Type.Integer(),
      active: Type.Boolean(),
      createdAt: Type.String({ format: 'date-time' }),
    }),
  ),
});
export const PartnerPhoneBody = Type.Object(
  { phone: Type.String({ minLength: 1, maxLength: 32 }) },
  { additionalProperties: false },
);
export const PartnerVerifyBody = Type.Object(
  { phone: Type.String({ minLength: 1, maxLength: 32 }), code: Type.String({ pattern: '^[0-9]{6}$' }) },
  { additionalProperties: false },
);
export const PartnerCodeSent = Type.Object({ expiresInSeconds: Type.Integer() });
export const PartnerVerified = Type.Object({ verified: Type.Boolean() });
export const PartnerDeclarationBody = Type.Object(
  {
    phone: Type.String({ minLength: 1, maxLength: 32 }),
    type: Type.Enum(DECLARATION_TYPES),
    formVersion: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    answers: Answers,
    /** used only when the phone belongs to nobody yet: who they are and where they live */
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  },
  { additionalProperties: false },
);
export type PartnerDeclarationBody = Static<typeof PartnerDeclarationBody>;

// ——— enterprises ———
export const CriteriaView = Type.Object({
  version: Type.Integer(),
  questions: Type.Array(QuestionSchema),
  bands: Type.Array(Type.Object({ level: Type.Enum(ENTERPRISE_LEVELS), min: Type.Number() })),
  validDays: Type.Integer(),
});

export const CreateEnterpriseBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    /** 10 digits, or 13 with a branch suffix (`0123456789-001`); checked by the service */
    taxCode: Type.String({ minLength: 10, maxLength: 14 }),
    unitCode: Type.String({ minLength: 1, maxLength: 20 }),
    workers: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    industrialPark: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    address: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    shifts: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
  },
  { additionalProperties: false },
);
export type CreateEnterpriseBody = Static<typeof CreateEnterpriseBody>;

export const IdResponse = Type.Object({ id: Id });
export const EnterpriseParams = Type.Object({ id: Id });

export const AssessmentBody = Type.Object(
  { criteriaVersion: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })), answers: Answers },
  { additionalProperties: false },
);
export type AssessmentBody = Static<typeof AssessmentBody>;

export const AssessmentResult = Type.Object({
  id: Id,
  score: Type.Number(),
  level: Type.Enum(ENTERPRISE_LEVELS),
  validUntil: Type.String({ format: 'date-time' }),
  criteriaVersion: Type.Optional(Type.Integer()),
  createdAt: Type.Optional(Type.String({ format: 'date-time' })),
});

export const EnterpriseOwnerBody = Type.Object(
  {
    /** the new owner's phone (their citizen account's); null: no owner, the oversight staff keep the enterprise */
    phone: Type.Union([Type.String({ minLength: 1, maxLength: 32 }), Type.Null()]),
  },
  { additionalProperties: false },
);

export const InspectionBody = Type.Object(
  {
    findings: Type.String({ minLength: 1, maxLength: 4000 }),
    passed: Type.Boolean(),
    requireReassessment: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const EnterpriseSummary = Type.Object({
  id: Id,
  name: Type.String(),
  taxCode: Type.String(),
  unitCode: Type.String(),
  industrialPark: Type.Union([Type.String(), Type.Null()]),
  workers: Type.Integer(),
  level: Type.Union([Type.Enum(ENTERPRISE_LEVELS), Type.Null()]),
  score: Type.Union([Type.Number(), Type.Null()]),
  validUntil: Type.Union([Type.String(), Type.Null()]),
  /** a current assessment, and no re-assessment required since it */
  allowedToOperate: Type.Boolean(),
  overdue: Type.Boolean(),
});
export const EnterpriseList = Type.Object({ items: Type.Array(EnterpriseSummary) });
export const EnterpriseListQuery = Type.Object(
  {
    filter: Type.Optional(Type.Union([Type.Literal('high_risk'), Type.Literal('overdue'), Type.Literal('all')])),
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  },
  { additionalProperties: false },
);

export const EnterpriseDetail = Type.Object({
  ...EnterpriseSummary.properties,
  address: Type.Union([Type.String(), Type.Null()]),
  shifts: Type.Integer(),
  /** whether a citizen account owns it (else the oversight staff keep it alone) */
  hasOwner: Type.Boolean(),
  reassessRequiredAt: Type.Union([Type.String(), Type.Null()]),
  assessments: Type.Array(AssessmentResult),
  inspections: Type.Array(
    Type.Object({
      id: Id,
      findings: Type.String(),
      passed: Type.Boolean(),
      requireReassessment: Type.Boolean(),
      createdAt: Type.String(),
    }),
  ),
});

export const PublishCriteriaBody = Type.Object(
  {
    questions: Type.Array(
      Type.Object(
        {
          ...QuestionSchema.properties,
          points: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Number({ minimum: 0, maximum: 100 }))),
          perUnit: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    bands: Type.Array(
      Type.Object(
        { level: Type.Enum(ENTERPRISE_LEVELS), min: Type.Number({ minimum: 0, maximum: 100 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 5 },
    ),
    validDays: Type.Integer({ minimum: 1, maximum: 365 }),
  },
  { additionalProperties: false },
);

// ——— organisations (the share of each organisation's members declaring) ———
export const CreateOrganisationBody = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('agency'),
      name: Type.String({ minLength: 1, maxLength: 200 }),
      unitCode: Type.String({ minLength: 1, maxLength: 20 }),
      /** its members are civil servants, held to 100 % daily declaration (default true) */
      civilService: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('enterprise'), enterpriseId: Id }, { additionalProperties: false }),
]);
export type CreateOrganisationBody = Static<typeof CreateOrganisationBody>;

export const OrganisationParams = Type.Object({ id: Id });
export const OrganisationMemberParams = Type.Object({ id: Id, personId: Id });

/** A new name (trimmed; blank: 400 ORGANISATION_NAME_INVALID). */
export const UpdateOrganisationBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type UpdateOrganisationBody = Static<typeof UpdateOrganisationBody>;

export const OrganisationListQuery = Type.Object(
  {
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    civilService: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type OrganisationListQuery = Static<typeof OrganisationListQuery>;

export const OrganisationSummary = Type.Object({
  id: Id,
  kind: Type.Enum(ORGANISATION_KINDS),
  name: Type.String(),
  enterpriseId: Type.Union([Id, Type.Null()]),
  unitCode: Type.String(),
  unitName: Type.Union([Type.String(), Type.Null()]),
  civilService: Type.Boolean(),
  members: Type.Integer(),
  declaredToday: Type.Integer(),
  /**
   * declared today with a flagged answer (symptoms, exposure); null for an enterprise's owner (a citizen): in a small
   * enterprise the count could point at a person, and what was flagged is the health station's business
   */
  flaggedToday: Type.Union([Type.Integer(), Type.Null()]),
  notDeclaredToday: Type.Integer(),
  /** declaredToday / members (0–1), null without members */
  share: Type.Union([Type.Number(), Type.Null()]),
  /** civil-service agencies: whether every member declared today (the 100 % target) */
  atTarget: Type.Union([Type.Boolean(), Type.Null()]),
});
export type OrganisationSummary = Static<typeof OrganisationSummary>;

export const OrganisationList = Type.Object({
  /** the local day (Asia/Ho_Chi_Minh) the figures are for */
  day: Type.String({ format: 'date' }),
  items: Type.Array(OrganisationSummary),
  civilService: Type.Object({
    /** the share every agency must reach (1 = 100 %) */
    target: Type.Number(),
    agencies: Type.Integer(),
    agenciesAtTarget: Type.Integer(),
    members: Type.Integer(),
    declaredToday: Type.Integer(),
    share: Type.Union([Type.Number(), Type.Null()]),
  }),
});
export type OrganisationList = Static<typeof OrganisationList>;

/** A member by id (staff, within their area), or by national ID / phone (+ name): found or registered. */
export const AddMemberBody = Type.Union([
  Type.Object({ personId: Id }, { additionalProperties: false }),
  Type.Object(
    {
      nationalId: Type.Optional(Type.String({ maxLength: 32 })),
      phone: Type.Optional(Type.String({ maxLength: 32 })),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    },
    { additionalProperties: false },
  ),
]);
export type AddMemberBody = Static<typeof AddMemberBody>;

export const AddedMember = Type.Object({ personId: Id, added: Type.Boolean() });

export const MembersImportResult = Type.Object({
  /** member lines read */
  rows: Type.Integer(),
  added: Type.Integer(),
  alreadyMembers: Type.Integer(),
  rejected: Type.Array(
    Type.Object({ row: Type.Integer(), code: Type.String(), message: Type.String(), messageVi: Type.String() }),
  ),
});

export const MemberListQuery = Type.Object(
  {
    filter: Type.Optional(Type.Union([Type.Literal('not_declared'), Type.Literal('all')])),
    /** members per page (default 200): when more follow, the answer carries X-Next-Cursor */
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    after: Type.Optional(AfterParam),
  },
  { additionalProperties: false },
);
export type MemberListQuery = Static<typeof MemberListQuery>;

/** A member as a manager sees them: enough to remind them, not to look them up (masked name, phone's last digits). */
export const MemberView = Type.Object({
  personId: Id,
  name: Type.Union([Type.String(), Type.Null()]),
  birthYear: Type.Union([Type.Integer(), Type.Null()]),
  phoneEnd: Type.Union([Type.String(), Type.Null()]),
  today: Type.Enum(BADGE_COLOURS),
});
export const MemberList = Type.Object({ day: Type.String({ format: 'date' }), items: Type.Array(MemberView) });
