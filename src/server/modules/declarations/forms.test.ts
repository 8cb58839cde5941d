import { describe, expect, it } from 'vitest';
import { checkAnswers, defaultCriteria, defaultForm, scoreAssessment, triage } from './forms.ts';
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

  it('answers the transport with a vehicle: a coach needs its plate, a train or a flight its number', () => {
    const q = entry.questions;
    const at = (transport: unknown) =>
      checkAnswers(q, { transport }, '2021-08-02').problems.filter((p) => p.questionId === 'transport');
    expect(at({ mode: 'car' })).toEqual([]);
    expect(at({ mode: 'coach', plate: ' 60B-123.45 ' })).toEqual([]);
    expect(at({ mode: 'flight', number: 'VN 213', seat: '12A' })).toEqual([]);
    expect(at({ mode: 'train', number: 'SE1', seat: 'toa 5 ghế 12' })).toEqual([]);
    for (const bad of [
      'car',
      { mode: 'coach' },
      { mode: 'flight', seat: '12A' },
      { mode: 'train' },
      { mode: 'boat' },
      { mode: 'car', colour: 'red' },
      { mode: 'flight', number: 213 },
      { mode: 'flight', number: 'x'.repeat(33) },
    ]) {
      expect(at(bad), JSON.stringify(bad)).toEqual([{ questionId: 'transport', problem: 'type' }]);
    }
    const kept = checkAnswers(q, { transport: { mode: 'coach', plate: ' 60B-123.45 ', seat: '' } }, '2021-08-02');
    expect(kept.answers.transport).toEqual({ mode: 'coach', plate: '60B-123.45' });
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
