/** Request and response schemas of /api/v1/exposure, and the topics this module owns. */
import { type Static, Type } from 'typebox';
import { defineTopic } from '../../platform/jobs.ts';

export const IssueCodeBody = Type.Object({ caseId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
export const IssuedCode = Type.Object({
  code: Type.String({ description: '8 digits, single use; also sent to the F0 by SMS' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const VerifyBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
export const VerifyResponse = Type.Object({
  token: Type.String({ description: 'signed upload token: one upload, within an hour' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const UploadKey = Type.Object(
  {
    key: Type.String({ maxLength: 64, description: 'the Temporary Exposure Key, 16 bytes in standard base64' }),
    rollingStartIntervalNumber: Type.Integer(),
    rollingPeriod: Type.Integer(),
    transmissionRisk: Type.Optional(Type.Integer({ description: '0-8 (default 4)' })),
    reportType: Type.Optional(
      Type.Integer({ description: '1 confirmed test (default), 2 clinical diagnosis, 3 self report' }),
    ),
    daysSinceOnsetOfSymptoms: Type.Optional(Type.Integer({ description: '-14 to 14' })),
  },
  { additionalProperties: false },
);
export type UploadKey = Static<typeof UploadKey>;

export const UploadBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 512 }),
    // the rules allow 30 keys (EN_TOO_MANY_KEYS past them); the schema only bounds the work of reading the body
    keys: Type.Array(UploadKey, { maxItems: 1000 }),
  },
  { additionalProperties: false },
);
export const UploadResponse = Type.Object({ inserted: Type.Integer({ minimum: 0 }) });

export const ExportFileParams = Type.Object({
  file: Type.String({ pattern: '^[0-9]{10}-[0-9]{10}-[0-9]{5,}\\.zip$', maxLength: 64 }),
});

/** A matched key the citizen chose to report (the library's KeyMatch, summarised). */
export const ReportedMatch = Type.Object(
  {
    key: Type.String({ maxLength: 64 }),
    rollingStartIntervalNumber: Type.Integer(),
    firstSeenAt: Type.String({ format: 'date-time' }),
    lastSeenAt: Type.String({ format: 'date-time' }),
    minutes: Type.Number({ minimum: 0, maximum: 14 * 24 * 60 }),
    risk: Type.Number({ minimum: 0, maximum: 1_000_000 }),
    minAttenuation: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
  },
  { additionalProperties: false },
);
export const ReportMatchesBody = Type.Object(
  {
    consent: Type.Literal(true, { description: 'the citizen agreed to tell the health service who they met' }),
    matches: Type.Array(ReportedMatch, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);
export const ReportMatchesResponse = Type.Object({
  reported: Type.Integer({
    description:
      'the matches received — the same whatever keys they named, so the answer tells nothing of which are whose',
  }),
});

export const CaseIdParams = Type.Object({ caseId: Type.String({ format: 'uuid' }) });
export const BleContact = Type.Object({
  personId: Type.String({ format: 'uuid' }),
  name: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  firstSeenAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
  minutes: Type.Number(),
  risk: Type.Number(),
  minAttenuation: Type.Union([Type.Integer(), Type.Null()]),
  reportedAt: Type.String({ format: 'date-time' }),
});
export type BleContact = Static<typeof BleContact>;

export const PublishResponse = Type.Object({
  path: Type.Union([Type.String(), Type.Null()]),
  keys: Type.Integer(),
  padding: Type.Integer(),
  held: Type.Integer({
    description: 'keys not published yet: still valid, or ended less than 2 hours ago (GAEN: never a live key)',
  }),
  heldUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'when the first of the held keys may be published',
  }),
});

/** `exposure.export`: publish the waiting keys as a batch and delete what is past retention (hourly, self-scheduling). */
export const EXPOSURE_EXPORT = defineTopic('exposure.export', Type.Object({}, { additionalProperties: false }));
