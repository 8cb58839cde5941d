/**
 * Validation of DCC payloads against the EU DCC JSON schema 1.3.0 as the eHealth Network publishes it
 * (assets/dcc-schema/DCC.combined-schema.json, Apache-2.0, LICENSE/NOTICE beside it — vendored, not restated), with
 * Ajv's draft 2020-12 validator and ajv-formats (`date`, `date-time`). `valueset-uri` is the schema's own annotation
 * (the value sets are data for the business rules, see certlogic.ts), so it is declared as a keyword that checks
 * nothing.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

const SCHEMA_FILE = fileURLToPath(new URL('../../../../assets/dcc-schema/DCC.combined-schema.json', import.meta.url));

/** The vendored schema as published. */
export const DCC_SCHEMA = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown> & {
  $comment: string;
};
/** "1.3.0", from the schema's own `$comment`. */
export const DCC_SCHEMA_VERSION = /(\d+\.\d+\.\d+)/.exec(DCC_SCHEMA.$comment)?.[1] ?? 'unknown';

const ajv = new Ajv2020({ allErrors: false, strict: true, strictRequired: false });
ajv.addKeyword({ keyword: 'valueset-uri', schemaType: 'string' });
addFormats(ajv);
const validate = ajv.compile(DCC_SCHEMA);

export function validateDcc(dcc: unknown): boolean {
  return validate(dcc) === true;
}

export function dccSchemaErrors(dcc: unknown): string[] {
  return validate(dcc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
