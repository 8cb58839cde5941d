/**
 * Forms as data: typed questions (with conditional ones), triage rules and the enterprise criteria, the defaults
 * that follow the Ministry of Health's 2021 declaration content, and the pure functions that check an answer set
 * against a form, triage it and score an assessment. Nothing here touches the database.
 */
import type { DeclarationType, EnterpriseLevel, FlagReason, QuestionKind } from './constants.ts';

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
  /**
   * asked only when another question (itself asked) has this answer: `equals` a boolean or a choice value (for a
   * multi, one of its values), or one of the values `in` a list
   */
  showIf?: ShowIf;
  /** number bounds */
  min?: number;
  max?: number;
}

export type ShowIf = { questionId: string; equals: boolean | string } | { questionId: string; in: string[] };

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
    kind: 'choice',
    required: true,
    labelVi: 'Phương tiện',
    labelEn: 'Transport',
    options: [
      { value: 'car', labelVi: 'Ô tô cá nhân', labelEn: 'Car' },
      { value: 'motorbike', labelVi: 'Xe máy', labelEn: 'Motorbike' },
      { value: 'coach', labelVi: 'Xe khách', labelEn: 'Coach' },
      { value: 'train', labelVi: 'Tàu hỏa', labelEn: 'Train' },
      { value: 'flight', labelVi: 'Máy bay', labelEn: 'Flight' },
    ],
  },
  {
    id: 'transport_plate',
    kind: 'text',
    required: true,
    labelVi: 'Biển số xe khách',
    labelEn: 'Coach plate number',
    showIf: { questionId: 'transport', in: ['coach'] },
  },
  {
    id: 'transport_number',
    kind: 'text',
    required: true,
    labelVi: 'Số hiệu tàu hoặc chuyến bay',
    labelEn: 'Train or flight number',
    showIf: { questionId: 'transport', in: ['train', 'flight'] },
  },
  {
    id: 'transport_seat',
    kind: 'text',
    required: false,
    labelVi: 'Số ghế (tàu: số toa, số ghế)',
    labelEn: 'Seat (train: carriage and seat)',
    showIf: { questionId: 'transport', in: ['train', 'flight'] },
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

/** Whether an answer meets a condition: a boolean or choice value, or (a multi) one of its values. */
function meets(cond: ShowIf, given: unknown): boolean {
  const values = Array.isArray(given) ? given : [given];
  return 'in' in cond ? values.some((v) => typeof v === 'string' && cond.in.includes(v)) : values.includes(cond.equals);
}

/**
 * The questions asked given the answers: a question with a condition is asked when the question it names is asked
 * and its answer meets the condition — so an answer to a question not asked never makes another one asked (nor
 * required). A condition that names a missing question, or leads round in a circle, is not met.
 */
export function askedQuestions(questions: readonly Question[], answers: Answers): Set<string> {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const decided = new Map<string, boolean>();
  // `chain`: the questions whose condition led here (a question's conditions form one chain up to an unconditional one)
  const asked = (q: Question, chain: ReadonlySet<string>): boolean => {
    const known = decided.get(q.id);
    if (known !== undefined) return known;
    let shown = true;
    if (q.showIf) {
      const parent = byId.get(q.showIf.questionId);
      shown =
        parent !== undefined &&
        !chain.has(parent.id) &&
        asked(parent, new Set([...chain, parent.id])) &&
        meets(q.showIf, answers[parent.id]);
    }
    decided.set(q.id, shown);
    return shown;
  };
  return new Set(questions.filter((q) => asked(q, new Set([q.id]))).map((q) => q.id));
}

/**
 * Stored answers in the shape of today's questions, for pre-filling a form: until the `vehicle` kind was dropped (the
 * contract's kinds only, migration 0045), the entry form's transport was one answer `{mode, plate?, number?, seat?}`;
 * it reads as the `transport` choice and its `_plate`, `_number` and `_seat` texts.
 */
export function currentShapeAnswers(answers: Answers): Answers {
  const out: Answers = {};
  for (const [id, v] of Object.entries(answers)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { mode?: unknown }).mode === 'string') {
      const { mode, plate, number, seat } = v as Record<string, unknown>;
      out[id] = mode;
      for (const [suffix, x] of [
        ['plate', plate],
        ['number', number],
        ['seat', seat],
      ] as const)
        if (typeof x === 'string' && x.trim()) out[`${id}_${suffix}`] = x.trim();
    } else out[id] = v;
  }
  return out;
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
    default:
      // a kind this version of the code does not know (never published: the schema lists the kinds) is no answer
      return 'type';
  }
}

/**
 * Checks an answer set against a form: every answer names a question, answers an asked question with a value of
 * its kind (a date not after `today`, the local date), and every asked required question is answered. Answers to
 * questions not asked (their condition not met: `askedQuestions`) are accepted whatever they are and dropped from
 * what is stored. Returns the stored answers or the problems.
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
  const asked = askedQuestions(questions, answers);
  for (const q of questions) {
    const v = answers[q.id];
    const shown = asked.has(q.id);
    if (v === undefined || v === null) {
      if (shown && q.required) problems.push({ questionId: q.id, problem: 'required' });
      continue;
    }
    if (!shown) continue;
    const problem = typeProblem(q, v, today);
    if (problem) problems.push({ questionId: q.id, problem });
    else kept[q.id] = typeof v === 'string' ? v.trim() : v;
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

/** The rules of a form that still name a question of `questions` (a new version published without rules keeps these). */
export function rulesFor(questions: readonly Question[], rules: readonly TriageRule[]): TriageRule[] {
  const ids = new Set(questions.map((q) => q.id));
  return rules.filter((r) => ids.has(r.questionId));
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
