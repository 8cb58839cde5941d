import { describe, expect, it } from 'vitest';
import {
  askedQuestions,
  checkAnswers,
  currentShapeAnswers,
  defaultCriteria,
  defaultForm,
  type Question,
  rulesFor,
  scoreAssessment,
  triage,
} from './forms.ts';
import { badgeFor, communeOf, endOfLocalDay } from './service.ts';

const domestic = defaultForm('domestic');
const entry = defaultForm('entry');

describe('answers against a form', () => {
  it('asks a conditional question only when its condition holds, and drops answers to hidden ones', () => {
    const base = { origin_kind: 'province', origin_province: '79', arrival_date: '2021-08-01' };
    const r = checkAnswers(entry.questions, { ...base, origin_country: 'Lào' }, '2021-08-02');
    expect(r.answers.origin_country).toBeUndefined();
    expect(r.problems.map((p) => p.questionId)).not.toContain('origin_country');
    const abroad = checkAnswers(entry.questions, { ...base, origin_kind: 'country' }, '2021-08-02');
    expect(abroad.problems).toContainEqual({ questionId: 'origin_country', problem: 'required' });
  });

  it('asks for the transport by choice, then the plate of a coach, or the number and seat of a train or a flight', () => {
    const q = entry.questions;
    const transport = q.find((x) => x.id === 'transport');
    expect(transport).toMatchObject({ kind: 'choice', required: true });
    expect(transport?.options?.map((o) => o.value)).toEqual(['car', 'motorbike', 'coach', 'train', 'flight']);
    // only the contract's kinds
    for (const x of [...q, ...domestic.questions])
      expect(['boolean', 'choice', 'multi', 'date', 'text', 'number', 'unit'], x.id).toContain(x.kind);
    const at = (answers: Record<string, unknown>) =>
      checkAnswers(q, answers, '2021-08-02').problems.filter((p) => p.questionId.startsWith('transport'));
    expect(at({ transport: 'car' })).toEqual([]);
    expect(at({ transport: 'motorbike' })).toEqual([]);
    expect(at({ transport: 'coach' })).toEqual([{ questionId: 'transport_plate', problem: 'required' }]);
    expect(at({ transport: 'coach', transport_plate: '60B-123.45' })).toEqual([]);
    for (const mode of ['train', 'flight']) {
      expect(at({ transport: mode })).toEqual([{ questionId: 'transport_number', problem: 'required' }]);
      // the seat is asked, not required
      expect(at({ transport: mode, transport_number: 'VN213' })).toEqual([]);
      expect(at({ transport: mode, transport_number: 'VN213', transport_seat: '12A' })).toEqual([]);
    }
    expect(at({ transport: { mode: 'car' } })).toEqual([{ questionId: 'transport', problem: 'type' }]);
    expect(at({ transport: 'boat' })).toEqual([{ questionId: 'transport', problem: 'type' }]);
    const kept = checkAnswers(
      q,
      { transport: 'flight', transport_number: ' VN 213 ', transport_seat: '12A', transport_plate: '60B' },
      '2021-08-02',
    ).answers;
    // the plate is not asked of a flight: accepted, not stored
    expect(kept).toMatchObject({ transport: 'flight', transport_number: 'VN 213', transport_seat: '12A' });
    expect(kept.transport_plate).toBeUndefined();
  });

  it('accepts any answer to a question not asked, and such an answer never makes another question asked', () => {
    const questions: Question[] = [
      {
        id: 'a',
        kind: 'choice',
        required: true,
        labelVi: 'A',
        labelEn: 'A',
        options: [
          { value: 'x', labelVi: 'X', labelEn: 'X' },
          { value: 'y', labelVi: 'Y', labelEn: 'Y' },
        ],
      },
      {
        id: 'b',
        kind: 'boolean',
        required: true,
        labelVi: 'B',
        labelEn: 'B',
        showIf: { questionId: 'a', equals: 'y' },
      },
      { id: 'c', kind: 'text', required: true, labelVi: 'C', labelEn: 'C', showIf: { questionId: 'b', equals: true } },
      { id: 'd', kind: 'number', required: true, labelVi: 'D', labelEn: 'D', showIf: { questionId: 'a', in: ['y'] } },
      // conditions in a circle, or naming no question: never asked
      { id: 'e', kind: 'text', required: true, labelVi: 'E', labelEn: 'E', showIf: { questionId: 'f', equals: 'x' } },
      { id: 'f', kind: 'text', required: true, labelVi: 'F', labelEn: 'F', showIf: { questionId: 'e', equals: 'x' } },
      { id: 'g', kind: 'text', required: true, labelVi: 'G', labelEn: 'G', showIf: { questionId: 'zz', in: ['x'] } },
    ];
    // b is not asked (a is x): its answer — even of the wrong type — is accepted and dropped, and it does not make c
    // asked (and so required)
    for (const b of [true, 'yes', 7]) {
      const r = checkAnswers(questions, { a: 'x', b, d: 'not a number' }, '2021-08-02');
      expect(r.problems, String(b)).toEqual([]);
      expect(r.answers).toEqual({ a: 'x' });
    }
    expect(askedQuestions(questions, { a: 'x', b: true })).toEqual(new Set(['a']));
    const y = checkAnswers(questions, { a: 'y', b: true }, '2021-08-02');
    expect(y.problems).toEqual([
      { questionId: 'c', problem: 'required' },
      { questionId: 'd', problem: 'required' },
    ]);
    expect(askedQuestions(questions, { a: 'y', b: true, e: 'x', f: 'x' })).toEqual(new Set(['a', 'b', 'c', 'd']));
  });

  it('reads an entry answer stored before the vehicle kind was dropped in the shape of the current questions', () => {
    expect(
      currentShapeAnswers({ fever: false, transport: { mode: 'flight', number: 'VN213', seat: '12A' }, chronic: [] }),
    ).toEqual({ fever: false, transport: 'flight', transport_number: 'VN213', transport_seat: '12A', chronic: [] });
    expect(currentShapeAnswers({ transport: { mode: 'coach', plate: '60B-123.45' } })).toEqual({
      transport: 'coach',
      transport_plate: '60B-123.45',
    });
    expect(currentShapeAnswers({ transport: 'car', origin_kind: 'province' })).toEqual({
      transport: 'car',
      origin_kind: 'province',
    });
  });

  it('refuses impossible dates and a date after today (local)', () => {
    const q = entry.questions;
    expect(checkAnswers(q, { arrival_date: '2021-02-30' }, '2021-08-02').problems).toContainEqual({
      questionId: 'arrival_date',
      problem: 'type',
    });
    expect(checkAnswers(q, { arrival_date: '2021-08-03' }, '2021-08-02').problems).toContainEqual({
      questionId: 'arrival_date',
      problem: 'future',
    });
  });
});

describe('triage', () => {
  it("keeps a form's rules for the questions a new version still has", () => {
    const questions = domestic.questions.filter((q) => q.id !== 'cough');
    const kept = rulesFor(questions, domestic.rules);
    expect(kept.map((r) => r.questionId)).not.toContain('cough');
    expect(kept).toEqual(domestic.rules.filter((r) => r.questionId !== 'cough'));
    expect(triage(kept, { fever: true })).toEqual(['symptom']);
  });

  it('flags symptoms, exposures and entry from a listed province, each reason once', () => {
    expect(triage(domestic.rules, { fever: true, cough: true })).toEqual(['symptom']);
    expect(triage(domestic.rules, { fever: false, contact_f0: true })).toEqual(['exposure']);
    expect(triage(entry.rules, { origin_province: '79' })).toEqual(['entry_area']);
    expect(triage(entry.rules, { origin_province: '75' })).toEqual([]);
  });
});

describe('the enterprise score', () => {
  it('scores all criteria met as very low risk and none met as very high', () => {
    const c = defaultCriteria();
    const all = Object.fromEntries(c.questions.map((q) => [q.id, q.kind === 'number' ? 100 : true]));
    expect(scoreAssessment(c, all)).toEqual({ score: 100, level: 'very_low' });
    const none = Object.fromEntries(c.questions.map((q) => [q.id, q.kind === 'number' ? 0 : false]));
    expect(scoreAssessment(c, none)).toEqual({ score: 0, level: 'very_high' });
  });
});

describe('the local day', () => {
  it('ends at midnight in Asia/Ho_Chi_Minh (17:00 UTC)', () => {
    expect(endOfLocalDay('2021-08-01').toISOString()).toBe('2021-08-01T17:00:00.000Z');
    expect(badgeFor(null, '2021-08-01')).toEqual({ colour: 'grey', validUntil: null });
    expect(badgeFor('flagged', '2021-08-01').colour).toBe('yellow');
  });

  it('rolls a hamlet up to its commune', () => {
    expect(communeOf('75.731.25993.25993-01.')).toEqual({ code: '25993', path: '75.731.25993.' });
    expect(communeOf('75.731.25993.')).toEqual({ code: '25993', path: '75.731.25993.' });
  });
});
