/**
 * Forms as data: typed questions (with conditional ones), triage rules and the enterprise criteria, the defaults
 * that follow the Ministry of Health's 2021 declaration content, and the pure functions that check an answer set
 * against a form, triage it and score an assessment. Nothing here touches the database.
 */
import {
  type DeclarationType,
  type EnterpriseLevel,
  type FlagReason,
  type QuestionKind,
  VEHICLE_MODES,
} from './constants.ts';

export interface Option {
  value: string;
  labelVi: string;
  labelEn: string;
}

export interface Question {
  id: string;
  kind: QuestionKind;
  required: boolean;
  labelVi: string;
  labelEn: string;
  options?: Option[];
  /** asked only when another question has this answer (a boolean, or a choice value, or one of a multi's values) */
  showIf?: { questionId: string; equals: boolean | string };
  /** number bounds */
  min?: number;
  max?: number;
}

/** An answer that flags: `equals` (a boolean or choice value; for multi, contains it) or one of `anyOf`. */
export interface TriageRule {
  questionId: string;
  reason: FlagReason;
  equals?: boolean | string;
  anyOf?: string[];
}

export interface FormDefinition {
  type: DeclarationType;
  version: number;
  questions: Question[];
  rules: TriageRule[];
}

export type Answers = Record<string, unknown>;

export interface AnswerProblem {
  questionId: string;
  problem: 'unknown' | 'required' | 'type' | 'future' | 'hidden';
}

const yes = (id: string, labelVi: string, labelEn: string, extra: Partial<Question> = {}): Question => ({
  id,
  kind: 'boolean',
  required: true,
  labelVi,
  labelEn,
  ...extra,
});

/** The symptoms, exposure, chronic-condition and vaccination questions both forms share (the Ministry's 2021 list). */
const HEALTH_QUESTIONS: Question[] = [
  yes('fever', 'Sốt trong 14 ngày qua?', 'Fever in the past 14 days?'),
  yes('cough', 'Ho?', 'Cough?'),
  yes('breath', 'Khó thở?', 'Shortness of breath?'),
  yes('sore_throat', 'Đau họng?', 'Sore throat?'),
  yes('taste_smell', 'Mất vị giác hoặc khứu giác?', 'Loss of taste or smell?'),
  yes('fatigue', 'Mệt mỏi?', 'Fatigue?'),
  {
    id: 'other_symptoms',
    kind: 'text',
    required: false,
    labelVi: 'Triệu chứng khác (nếu có)',
    labelEn: 'Other symptoms (if any)',
  },
  yes(
    'contact_f0',
    'Tiếp xúc gần với người mắc (F0) hoặc nghi mắc COVID-19?',
    'Close contact with a confirmed (F0) or suspected case?',
  ),
  yes('outbreak_area', 'Đã đến khu vực có dịch theo danh sách công bố?', 'Been in a listed outbreak area?'),
  yes('from_abroad', 'Từ nước ngoài về trong 14 ngày qua?', 'Arrived from abroad in the past 14 days?'),
  {
    id: 'chronic',
    kind: 'multi',
    required: false,
    labelVi: 'Bệnh nền',
    labelEn: 'Chronic conditions',
    options: [
      { value: 'heart', labelVi: 'Tim mạch', labelEn: 'Heart disease' },
      { value: 'blood_pressure', labelVi: 'Huyết áp', labelEn: 'High blood pressure' },
      { value: 'diabetes', labelVi: 'Tiểu đường', labelEn: 'Diabetes' },
      { value: 'lung', labelVi: 'Bệnh phổi', labelEn: 'Lung disease' },
      { value: 'kidney_liver', labelVi: 'Thận, gan', labelEn: 'Kidney or liver disease' },
      { value: 'cancer', labelVi: 'Ung thư', labelEn: 'Cancer' },
      { value: 'pregnant', labelVi: 'Đang mang thai', labelEn: 'Pregnant' },
    ],
  },
  {
    id: 'vaccine_doses',
    kind: 'choice',
    required: true,
    labelVi: 'Số mũi vắc xin COVID-19 đã tiêm',
    labelEn: 'COVID-19 vaccine doses received',
    options: [
      { value: '0', labelVi: 'Chưa tiêm', labelEn: 'None' },
      { value: '1', labelVi: '1 mũi', labelEn: '1 dose' },
      { value: '2', labelVi: '2 mũi', labelEn: '2 doses' },
      { value: '3', labelVi: '3 mũi trở lên', labelEn: '3 or more doses' },
    ],
  },
];

const HEALTH_RULES: TriageRule[] = [
  ...['fever', 'cough', 'breath', 'sore_throat', 'taste_smell', 'fatigue'].map(
    (questionId): TriageRule => ({ questionId, reason: 'symptom', equals: true }),
  ),
  { questionId: 'contact_f0', reason: 'exposure', equals: true },
  { questionId: 'outbreak_area', reason: 'exposure', equals: true },
  { questionId: 'from_abroad', reason: 'exposure', equals: true },
];

/** Provinces listed as outbreak areas in the default entry form (Hồ Chí Minh City, Bình Dương, Hà Nội). */
const LISTED_PROVINCES = ['79', '74', '01'];

const ENTRY_QUESTIONS: Question[] = [
  {
    id: 'origin_kind',
    kind: 'choice',
    required: true,
    labelVi: 'Đến từ',
    labelEn: 'Coming from',
    options: [
      { value: 'province', labelVi: 'Tỉnh/thành khác', labelEn: 'Another province' },
      { value: 'country', labelVi: 'Nước ngoài', labelEn: 'Abroad' },
    ],
  },
  {
    id: 'origin_province',
    kind: 'unit',
    required: true,
    labelVi: 'Tỉnh/thành phố đi từ',
    labelEn: 'Province of origin',
    showIf: { questionId: 'origin_kind', equals: 'province' },
  },
  {
    id: 'origin_country',
    kind: 'text',
    required: true,
    labelVi: 'Quốc gia đi từ',
    labelEn: 'Country of origin',
    showIf: { questionId: 'origin_kind', equals: 'country' },
  },
  {
    id: 'transport',
    kind: 'vehicle',
    required: true,
    labelVi: 'Phương tiện (xe khách: biển số; tàu, máy bay: số hiệu và số ghế)',
    labelEn: 'Transport (coach: plate; train or flight: number and seat)',
    options: [
      { value: 'car', labelVi: 'Ô tô cá nhân', labelEn: 'Car' },
      { value: 'motorbike', labelVi: 'Xe máy', labelEn: 'Motorbike' },
      { value: 'coach', labelVi: 'Xe khách', labelEn: 'Coach' },
      { value: 'train', labelVi: 'Tàu hỏa', labelEn: 'Train' },
      { value: 'flight', labelVi: 'Máy bay', labelEn: 'Flight' },
    ],
  },
  { id: 'arrival_date', kind: 'date', required: true, labelVi: 'Ngày đến', labelEn: 'Arrival date' },
  {
    id: 'destination_unit',
    kind: 'unit',
    required: true,
    labelVi: 'Xã/phường nơi đến',
    labelEn: 'Destination commune',
  },
  {
    id: 'destination_address',
    kind: 'text',
    required: true,
    labelVi: 'Địa chỉ nơi đến (số nhà, đường, thôn/ấp)',
    labelEn: 'Destination address',
  },
  {
    id: 'companions',
    kind: 'number',
    required: false,
    labelVi: 'Số người đi cùng',
    labelEn: 'People travelling together',
    min: 0,
    max: 100,
  },
];

const ENTRY_RULES: TriageRule[] = [
  { questionId: 'origin_province', reason: 'entry_area', anyOf: LISTED_PROVINCES },
  { questionId: 'origin_kind', reason: 'entry_area', equals: 'country' },
];

/** The forms the platform starts with (version 1 of each type), published when a type has none yet. */
export function defaultForm(type: DeclarationType): Omit<FormDefinition, 'version'> {
  if (type === 'domestic') return { type, questions: HEALTH_QUESTIONS, rules: HEALTH_RULES };
  return { type, questions: [...ENTRY_QUESTIONS, ...HEALTH_QUESTIONS], rules: [...ENTRY_RULES, ...HEALTH_RULES] };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UNIT = /^[0-9A-Za-z-]{1,20}$/;
const MAX_TEXT = 500;
const VEHICLE_FIELDS = new Set(['mode', 'plate', 'number', 'seat']);

/**
 * A `vehicle` answer: `{mode, plate?, number?, seat?}` with `mode` one of the question's options (or of
 * VEHICLE_MODES when it lists none); a coach needs `plate`, a train or a flight `number`; every text ≤ 32 characters.
 * Returns the answer as stored (texts trimmed, empty ones dropped) or undefined when it is not one.
 */
export function vehicleAnswer(q: Pick<Question, 'options'>, v: unknown): Record<string, string> | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.some(([k, x]) => !VEHICLE_FIELDS.has(k) || typeof x !== 'string' || x.length > 32)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of entries) if ((x as string).trim()) out[k] = (x as string).trim();
  const modes = q.options?.length ? q.options.map((o) => o.value) : [...VEHICLE_MODES];
  if (!out.mode || !modes.includes(out.mode)) return undefined;
  if (out.mode === 'coach' && !out.plate) return undefined;
  if ((out.mode === 'train' || out.mode === 'flight') && !out.number) return undefined;
  return out;
}

function isShown(q: Question, answers: Answers): boolean {
  if (!q.showIf) return true;
  const given = answers[q.showIf.questionId];
  return Array.isArray(given) ? given.includes(q.showIf.equals) : given === q.showIf.equals;
}

function typeProblem(q: Question, v: unknown, today: string): AnswerProblem['problem'] | undefined {
  const values = new Set((q.options ?? []).map((o) => o.value));
  switch (q.kind) {
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'type';
    case 'choice':
      return typeof v === 'string' && values.has(v) ? undefined : 'type';
    case 'multi':
      return Array.isArray(v) &&
        v.length <= values.size &&
        new Set(v).size === v.length &&
        v.every((x) => typeof x === 'string' && values.has(x))
        ? undefined
        : 'type';
    case 'date': {
      if (typeof v !== 'string' || !DATE.test(v)) return 'type';
      const d = new Date(`${v}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v || v < '1900-01-01') return 'type';
      return v > today ? 'future' : undefined;
    }
    case 'text':
      return typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_TEXT ? undefined : 'type';
    case 'number':
      return typeof v === 'number' &&
        Number.isFinite(v) &&
        (q.min === undefined || v >= q.min) &&
        (q.max === undefined || v <= q.max)
        ? undefined
        : 'type';
    case 'unit':
      return typeof v === 'string' && UNIT.test(v) ? undefined : 'type';
    case 'vehicle':
      return vehicleAnswer(q, v) ? undefined : 'type';
  }
}

/**
 * Checks an answer set against a form: every answer names a question, answers a shown question with a value of
 * its kind (a date not after `today`, the local date), and every shown required question is answered. Answers to
 * questions hidden by their condition are dropped from what is stored. Returns the stored answers or the problems.
 */
export function checkAnswers(
  questions: readonly Question[],
  answers: Answers,
  today: string,
): { answers: Answers; problems: AnswerProblem[] } {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const problems: AnswerProblem[] = [];
  for (const id of Object.keys(answers)) if (!byId.has(id)) problems.push({ questionId: id, problem: 'unknown' });
  const kept: Answers = {};
  for (const q of questions) {
    const v = answers[q.id];
    const shown = isShown(q, answers);
    if (v === undefined || v === null) {
      if (shown && q.required) problems.push({ questionId: q.id, problem: 'required' });
      continue;
    }
    if (!shown) continue;
    const problem = typeProblem(q, v, today);
    if (problem) problems.push({ questionId: q.id, problem });
    else kept[q.id] = q.kind === 'vehicle' ? vehicleAnswer(q, v) : typeof v === 'string' ? v.trim() : v;
  }
  return { answers: kept, problems };
}

/** The reasons an answer set is flagged (deduplicated, in FLAG_REASONS order of first appearance). */
export function triage(rules: readonly TriageRule[], answers: Answers): FlagReason[] {
  const reasons = new Set<FlagReason>();
  for (const r of rules) {
    const v = answers[r.questionId];
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    const hit =
      (r.equals !== undefined && values.includes(r.equals)) ||
      (r.anyOf !== undefined && values.some((x) => typeof x === 'string' && r.anyOf?.includes(x)));
    if (hit) reasons.add(r.reason);
  }
  return [...reasons];
}

/** Question ids of rules and conditions that name no question of the form (a published form must have none). */
export function danglingReferences(questions: readonly Question[], rules: readonly TriageRule[]): string[] {
  const ids = new Set(questions.map((q) => q.id));
  const refs = [
    ...rules.map((r) => r.questionId),
    ...questions.flatMap((q) => (q.showIf ? [q.showIf.questionId] : [])),
  ];
  return [...new Set(refs.filter((id) => !ids.has(id)))];
}

// ——— the enterprise self-assessment ———

/**
 * A criteria set: questions (in the form shape) with their weight per answer (`points`: for a boolean `true`/`false`,
 * for a choice its values; a number's answer is a share 0-100 multiplied by `perUnit`), score bands and validity.
 * Higher score = safer; the level comes from the lowest band whose `min` the score reaches.
 */
export interface Criterion extends Question {
  points?: Record<string, number>;
  perUnit?: number;
}

export interface CriteriaSet {
  version: number;
  questions: Criterion[];
  /** from the safest: a score ≥ min is this level (checked in order) */
  bands: Array<{ level: EnterpriseLevel; min: number }>;
  validDays: number;
}

const crit = (id: string, labelVi: string, labelEn: string, weight: number): Criterion => ({
  ...yes(id, labelVi, labelEn),
  points: { true: weight, false: 0 },
});

/** The criteria the platform starts with (Ministry of Health Decision 2194/QĐ-BCĐ, 2021, in substance). */
export function defaultCriteria(): Omit<CriteriaSet, 'version'> {
  return {
    questions: [
      crit('distancing_work', 'Giãn cách ≥ 2 m tại nơi làm việc', 'Distancing ≥ 2 m at work', 12),
      crit('distancing_canteen', 'Nhà ăn có vách ngăn / ăn theo ca', 'Canteen partitions or meals in shifts', 10),
      crit('gate_screening', 'Đo thân nhiệt, khai báo y tế tại cổng', 'Temperature and declaration at the gate', 10),
      crit('qr_checkin', 'Quét mã QR khi ra vào', 'QR check-in in use', 8),
      {
        id: 'vaccinated_share',
        kind: 'number',
        required: true,
        labelVi: 'Tỷ lệ người lao động đã tiêm ít nhất 1 mũi (%)',
        labelEn: 'Share of workers with at least one vaccine dose (%)',
        min: 0,
        max: 100,
        perUnit: 0.3,
      },
      crit('isolation_room', 'Có phòng cách ly tạm thời', 'Temporary isolation room', 10),
      crit(
        'shuttle_buses',
        'Xe đưa đón theo nhóm cố định, ≤ 50 % chỗ',
        'Shuttle buses in fixed groups at ≤ 50 % capacity',
        8,
      ),
      crit('covid_team', 'Có tổ an toàn COVID', 'A COVID safety team', 6),
      crit('masks_sanitizer', 'Khẩu trang, dung dịch sát khuẩn đầy đủ', 'Masks and hand sanitizer provided', 6),
    ],
    bands: [
      { level: 'very_low', min: 85 },
      { level: 'low', min: 70 },
      { level: 'medium', min: 50 },
      { level: 'high', min: 30 },
      { level: 'very_high', min: 0 },
    ],
    validDays: 14,
  };
}

/** The score (0-100, rounded to one decimal) and level of an answer set already checked against the criteria. */
export function scoreAssessment(set: Pick<CriteriaSet, 'questions' | 'bands'>, answers: Answers) {
  let score = 0;
  for (const q of set.questions) {
    const v = answers[q.id];
    if (v === undefined) continue;
    if (q.kind === 'number' && typeof v === 'number') score += v * (q.perUnit ?? 0);
    else if (q.points) {
      const values = Array.isArray(v) ? v : [v];
      for (const x of values) score += q.points[String(x)] ?? 0;
    }
  }
  score = Math.round(Math.min(100, Math.max(0, score)) * 10) / 10;
  const level = set.bands.find((b) => score >= b.min)?.level ?? 'very_high';
  return { score, level };
}
