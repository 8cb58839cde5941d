/**
 * The EU DCC payload schema, version 1.3.0, restated here as JSON Schema (draft 7) from the eHealth Network's
 * published constraints: exactly one of `v`/`t`/`r` with one entry, `nam.fnt`/`nam.gnt` in ICAO 9303 machine-readable
 * characters (`A–Z` and `<`, at most 80), `dob` as a year, year-month or full date in 1900–2099, dates and date-times
 * in ISO 8601, text fields at most 80 characters. Value-set codes are free text here as in the published schema (the
 * value sets are data for the business rules, see certlogic.ts).
 */
const text80 = { type: 'string', maxLength: 80 } as const;
const date = { type: 'string', format: 'date' } as const;
const code = { type: 'string' } as const;
const dose = { type: 'integer', minimum: 1 } as const;
const country = { type: 'string', pattern: '[A-Z]{1,10}' } as const;
const icao = { type: 'string', pattern: '^[A-Z<]*$', maxLength: 80 } as const;

export const DCC_SCHEMA_VERSION = '1.3.0';

export const DCC_SCHEMA = {
  $id: 'https://truyvet.example/schemas/dcc-1.3.0.json',
  title: 'EU DCC 1.3.0',
  type: 'object',
  oneOf: [
    { required: ['ver', 'nam', 'dob', 'v'], not: { anyOf: [{ required: ['t'] }, { required: ['r'] }] } },
    { required: ['ver', 'nam', 'dob', 't'], not: { anyOf: [{ required: ['v'] }, { required: ['r'] }] } },
    { required: ['ver', 'nam', 'dob', 'r'], not: { anyOf: [{ required: ['v'] }, { required: ['t'] }] } },
  ],
  properties: {
    ver: { type: 'string', pattern: '^\\d+.\\d+.\\d+$' },
    nam: {
      type: 'object',
      required: ['fnt'],
      properties: { fn: text80, fnt: icao, gn: text80, gnt: icao },
    },
    dob: { type: 'string', pattern: '^((19|20)\\d\\d(-\\d\\d){0,2}){0,1}$' },
    v: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      items: {
        type: 'object',
        required: ['tg', 'vp', 'mp', 'ma', 'dn', 'sd', 'dt', 'co', 'is', 'ci'],
        properties: {
          tg: code,
          vp: code,
          mp: code,
          ma: code,
          dn: dose,
          sd: dose,
          dt: date,
          co: country,
          is: text80,
          ci: text80,
        },
      },
    },
    t: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      items: {
        type: 'object',
        required: ['tg', 'tt', 'sc', 'tr', 'tc', 'co', 'is', 'ci'],
        properties: {
          tg: code,
          tt: code,
          nm: text80,
          ma: code,
          sc: { type: 'string', format: 'date-time' },
          tr: code,
          tc: text80,
          co: country,
          is: text80,
          ci: text80,
        },
      },
    },
    r: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      items: {
        type: 'object',
        required: ['tg', 'fr', 'co', 'is', 'df', 'du', 'ci'],
        properties: { tg: code, fr: date, co: country, is: text80, df: date, du: date, ci: text80 },
      },
    },
  },
} as const;
