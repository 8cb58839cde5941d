/** Validation of DCC payloads against the DCC 1.3.0 schema (src/greenpass/dcc-schema.ts) with Ajv and its formats. */
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { DCC_SCHEMA } from '../../../greenpass/dcc-schema.ts';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const ajv = new Ajv({ allErrors: false, strict: false });
addFormats(ajv);
const validate = ajv.compile(DCC_SCHEMA);

export function validateDcc(dcc: unknown): boolean {
  return validate(dcc) === true;
}

export function dccSchemaErrors(dcc: unknown): string[] {
  return validate(dcc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
