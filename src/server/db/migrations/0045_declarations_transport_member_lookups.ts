/**
 * Declarations (declarations/README.md):
 *   - The `vehicle` question kind is gone (the integration contract serves `boolean`, `choice`, `multi`, `date`,
 *     `text`, `number`, `unit` only). Every stored form version with a `vehicle` question — the entry form's
 *     `transport` since it became one — gets that question as a `choice` of the same options, followed by the texts
 *     its answer carried: `<id>_plate` (required, shown for a coach), `<id>_number` (required, shown for a train or a
 *     flight) and `<id>_seat` (optional, shown for a train or a flight), each only where the question offers those
 *     modes. The default entry form's question becomes exactly the new default's four. Declarations keep their
 *     stored answers (`{mode, plate?, number?, seat?}`): they are read only to pre-fill a form, which reads them in
 *     the new shape (forms.ts `currentShapeAnswers`).
 *   - `organisation_member_lookups`: the look-ups of members by national ID or phone + name that matched no one, per
 *     citizen account (an enterprise's owner), one row per request with how many missed (a request first reserves
 *     what it may use, under the account's advisory lock, then keeps what it used). A request counts the rows of the
 *     last 24 hours; rows older are deleted by the account's next request and by the hourly maintenance.
 */
import { type Kysely, sql } from 'kysely';

interface StoredOption {
  value: string;
  labelVi: string;
  labelEn: string;
}

interface StoredQuestion {
  id: string;
  kind: string;
  required: boolean;
  labelVi: string;
  labelEn: string;
  options?: StoredOption[];
  [k: string]: unknown;
}

/** The modes a `vehicle` question offered when it listed none (the constants of the time). */
const MODES: StoredOption[] = [
  { value: 'car', labelVi: 'Ô tô cá nhân', labelEn: 'Car' },
  { value: 'motorbike', labelVi: 'Xe máy', labelEn: 'Motorbike' },
  { value: 'coach', labelVi: 'Xe khách', labelEn: 'Coach' },
  { value: 'train', labelVi: 'Tàu hỏa', labelEn: 'Train' },
  { value: 'flight', labelVi: 'Máy bay', labelEn: 'Flight' },
];

/** The default entry form's vehicle question's label, replaced by the new default's. */
const DEFAULT_VEHICLE_LABEL_VI = 'Phương tiện (xe khách: biển số; tàu, máy bay: số hiệu và số ghế)';

const PARTS: Array<{ suffix: string; required: boolean; labelVi: string; labelEn: string; modes: string[] }> = [
  { suffix: 'plate', required: true, labelVi: 'Biển số xe khách', labelEn: 'Coach plate number', modes: ['coach'] },
  {
    suffix: 'number',
    required: true,
    labelVi: 'Số hiệu tàu hoặc chuyến bay',
    labelEn: 'Train or flight number',
    modes: ['train', 'flight'],
  },
  {
    suffix: 'seat',
    required: false,
    labelVi: 'Số ghế (tàu: số toa, số ghế)',
    labelEn: 'Seat (train: carriage and seat)',
    modes: ['train', 'flight'],
  },
];

/** A form's questions without `vehicle`: each becomes a choice and the text questions its answer carried. */
function withoutVehicles(questions: StoredQuestion[]): StoredQuestion[] {
  const ids = new Set(questions.map((q) => q.id));
  const out: StoredQuestion[] = [];
  for (const q of questions) {
    if (q.kind !== 'vehicle') {
      out.push(q);
      continue;
    }
    const options = q.options?.length ? q.options : MODES;
    const values = options.map((o) => o.value);
    out.push({
      ...q,
      kind: 'choice',
      options,
      ...(q.labelVi === DEFAULT_VEHICLE_LABEL_VI ? { labelVi: 'Phương tiện', labelEn: 'Transport' } : {}),
    });
    for (const part of PARTS) {
      const id = `${q.id}_${part.suffix}`;
      const when = part.modes.filter((m) => values.includes(m));
      if (when.length === 0 || ids.has(id)) continue;
      out.push({
        id,
        kind: 'text',
        required: part.required,
        labelVi: part.labelVi,
        labelEn: part.labelEn,
        showIf: { questionId: q.id, in: when },
      });
    }
  }
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  const forms = await sql<{ type: string; version: number; questions: StoredQuestion[] }>`
    select type, version, questions from declaration_forms where questions @> '[{"kind": "vehicle"}]'::jsonb
  `.execute(db);
  for (const f of forms.rows) {
    await sql`update declaration_forms set questions = ${JSON.stringify(withoutVehicles(f.questions))}::jsonb
              where type = ${f.type} and version = ${f.version}`.execute(db);
  }
  await sql`
    create table organisation_member_lookups (
      id uuid primary key default gen_random_uuid(),
      owner_person_id uuid not null,
      at timestamptz not null default now(),
      misses integer not null check (misses >= 0)
    );
    create index organisation_member_lookups_owner_idx on organisation_member_lookups (owner_person_id, at);
  `.execute(db);
}
