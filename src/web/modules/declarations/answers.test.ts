/**
 * The declaration screens ask and send what the server expects (its rules: forms.ts `askedQuestions`): the entry
 * form's plate, number and seat follow the transport chosen (`showIf.in`), an answer to a question no longer asked
 * is not sent and never makes another question asked.
 */
import { describe, expect, it } from 'vitest';
import type { Question } from '../../lib/declarations-types.ts';
import { answersToSend, askedQuestions } from './answers.ts';

const text = (id: string, showIf?: Question['showIf']): Question => ({
  id,
  kind: 'text',
  required: true,
  labelVi: id,
  labelEn: id,
  ...(showIf ? { showIf } : {}),
});

const questions: Question[] = [
  {
    id: 'transport',
    kind: 'choice',
    required: true,
    labelVi: 'Phương tiện',
    labelEn: 'Transport',
    options: ['car', 'coach', 'train', 'flight'].map((value) => ({ value, labelVi: value, labelEn: value })),
  },
  text('transport_plate', { questionId: 'transport', in: ['coach'] }),
  text('transport_number', { questionId: 'transport', in: ['train', 'flight'] }),
  text('gate', { questionId: 'transport_number', equals: 'VN213' }),
  text('loop_a', { questionId: 'loop_b', equals: 'x' }),
  text('loop_b', { questionId: 'loop_a', equals: 'x' }),
];

describe('answers on the declaration screens', () => {
  it('asks the plate of a coach and the number of a train or a flight', () => {
    expect(askedQuestions(questions, { transport: 'car' })).toEqual(new Set(['transport']));
    expect(askedQuestions(questions, { transport: 'coach' })).toEqual(new Set(['transport', 'transport_plate']));
    for (const mode of ['train', 'flight'])
      expect(askedQuestions(questions, { transport: mode })).toEqual(new Set(['transport', 'transport_number']));
  });

  it('sends only the answers to questions asked, and an answer not asked asks nothing more', () => {
    const answers = {
      transport: 'car',
      transport_plate: '60B',
      transport_number: 'VN213',
      gate: '5',
      loop_a: 'x',
      loop_b: 'x',
    };
    expect(askedQuestions(questions, answers)).toEqual(new Set(['transport']));
    expect(answersToSend(questions, answers)).toEqual({ transport: 'car' });
    expect(answersToSend(questions, { ...answers, transport: 'flight' })).toEqual({
      transport: 'flight',
      transport_number: 'VN213',
      gate: '5',
    });
  });
});

describe("the server's twin", () => {
  it('asks the same questions as the server (forms.ts askedQuestions) for every option of the default forms', async () => {
    const server = await import('../../../server/modules/declarations/forms.ts');
    for (const type of ['domestic', 'entry'] as const) {
      const questions = server.defaultForm(type).questions;
      const choices = questions.filter((q) => q.kind === 'choice' || q.kind === 'boolean');
      // each choice question given each of its values in turn, the others unanswered, then all answered at once
      const answerSets: Array<Record<string, unknown>> = [{}];
      for (const q of choices) {
        const values = q.kind === 'boolean' ? [true, false] : (q.options ?? []).map((o) => o.value);
        for (const v of values) answerSets.push({ [q.id]: v });
      }
      answerSets.push(
        Object.fromEntries(choices.map((q) => [q.id, q.kind === 'boolean' ? true : q.options?.[0]?.value])),
      );
      for (const answers of answerSets) {
        expect(
          [...askedQuestions(questions as unknown as Question[], answers as never)].sort(),
          `${type} ${JSON.stringify(answers)}`,
        ).toEqual([...server.askedQuestions(questions, answers as never)].sort());
      }
    }
  });
});
