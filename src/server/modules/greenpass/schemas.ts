/** The greenpass API's request and response types (TypeBox), per the integration contract. */
import { Type } from 'typebox';
import { GP_STATUSES, GP_TYPES, GP_VERDICTS } from './constants.ts';

export const MyPassQuery = Type.Object(
  { personId: Type.Optional(Type.String({ format: 'uuid' })) },
  { additionalProperties: false },
);

export const PassItem = Type.Object({
  type: Type.Enum(GP_TYPES),
  qr: Type.String(),
  validFrom: Type.String({ format: 'date-time' }),
  validUntil: Type.String({ format: 'date-time' }),
  summary: Type.String(),
  status: Type.Enum(GP_STATUSES),
  certificateId: Type.String(),
  uvci: Type.String(),
});

export const MyPassResponse = Type.Object({ items: Type.Array(PassItem) });

export const TrustListResponse = Type.Object({
  certificates: Type.Array(
    Type.Object({
      kid: Type.String({ description: 'base64 of the first 8 bytes of SHA-256 of the certificate DER' }),
      certificate: Type.String({ description: 'base64 DER of the document-signer X.509 certificate' }),
      validFrom: Type.String({ format: 'date-time' }),
      validUntil: Type.String({ format: 'date-time' }),
    }),
  ),
});

export const RevocationsResponse = Type.Object({
  hashes: Type.Array(Type.String({ description: 'base64 SHA-256 of the UVCI (the `ci` text, UTF-8)' })),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const VerifyBody = Type.Object(
  // no length or character limit of its own: whatever was scanned gets an answer (valid: false with TOO_LONG, PREFIX,
  // BASE45…), within the API's body limit
  { qr: Type.String() },
  { additionalProperties: false },
);

export const VerifyResponse = Type.Object({
  valid: Type.Boolean(),
  verdict: Type.Enum(GP_VERDICTS),
  reason: Type.String(),
  holder: Type.Optional(Type.Object({ name: Type.String(), dob: Type.String() })),
  type: Type.Optional(Type.Enum(GP_TYPES)),
  failedRules: Type.Optional(
    Type.Array(Type.Object({ identifier: Type.String(), description: Type.Optional(Type.String()) })),
  ),
});

export const RevokeBody = Type.Object(
  { uvci: Type.String({ minLength: 10, maxLength: 80 }), reason: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);
export const RevokeResponse = Type.Object({ uvci: Type.String(), revokedAt: Type.String({ format: 'date-time' }) });

/**
 * A rule as the public list gives it: only what every verifier reads first is typed — rules stored before `Rule`
 * (below) was typed may be looser, and the list must still answer; verifiers fail such a rule (certlogic.ts).
 */
const PublishedRule = Type.Object(
  {
    Identifier: Type.String({ maxLength: 50 }),
    CertificateType: Type.String({ maxLength: 20 }),
    Logic: Type.Unknown(),
  },
  { additionalProperties: true },
);
/** A version as the EU rule format writes `Version`, `SchemaVersion` and `EngineVersion`: text ("1.0.0"). */
const Version = Type.String({ minLength: 1, maxLength: 30 });
/**
 * A business rule to publish, in the EU DCC validation-rule format (the eHealth Network's
 * validation-rule.schema.json): the fields it names are typed as it types them — a verifier must never meet a number
 * where it reads a version, or a string where it reads the list of descriptions — and required where this server has
 * always required them (rule sets written before may leave the rest out). Other fields pass through.
 */
const Rule = Type.Object(
  {
    Identifier: Type.String({ minLength: 1, maxLength: 50 }),
    Type: Type.Optional(Type.String({ maxLength: 20 })),
    Country: Type.Optional(Type.String({ maxLength: 10 })),
    Region: Type.Optional(Type.String({ maxLength: 10 })),
    Version: Type.Optional(Version),
    SchemaVersion: Type.Optional(Version),
    Engine: Type.Optional(Type.String({ maxLength: 30 })),
    EngineVersion: Type.Optional(Version),
    /** General, Test, Vaccination or Recovery (a rule of another type applies to no certificate) */
    CertificateType: Type.String({ maxLength: 20 }),
    Description: Type.Optional(
      Type.Array(
        Type.Object(
          { lang: Type.String({ minLength: 1, maxLength: 10 }), desc: Type.String({ maxLength: 1000 }) },
          { additionalProperties: false },
        ),
        { maxItems: 50 },
      ),
    ),
    ValidFrom: Type.Optional(Type.String({ format: 'date-time' })),
    ValidTo: Type.Optional(Type.String({ format: 'date-time' })),
    AffectedFields: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
    Logic: Type.Unknown(),
  },
  { additionalProperties: true },
);
export const RulesResponse = Type.Object({
  rules: Type.Array(PublishedRule),
  valueSets: Type.Record(Type.String(), Type.Array(Type.String())),
});
export const PublishRulesBody = Type.Object(
  {
    rules: Type.Optional(Type.Array(Rule, { maxItems: 500 })),
    valueSets: Type.Optional(
      Type.Record(Type.String({ maxLength: 80 }), Type.Array(Type.String({ maxLength: 80 }), { maxItems: 2000 })),
    ),
  },
  { additionalProperties: false },
);

export const StatsQuery = Type.Object(
  {
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
export const StatsResponse = Type.Object({
  days: Type.Array(Type.Object({ day: Type.String(), kind: Type.String(), key: Type.String(), n: Type.Integer() })),
});
export const RotateResponse = Type.Object({ kid: Type.String() });
