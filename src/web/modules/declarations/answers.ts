/**
 * A declaration form's answers on screen, by the server's rules (no React: the pages and QuestionFields use them):
 * which questions are asked, what is sent, what an earlier declaration pre-fills.
 */
import type { Answers, Question } from '../../lib/declarations-types.ts';

/**
 * The questions asked given the answers so far (the server's rule, forms.ts `askedQuestions`): a question with a
 * condition is asked when the question it names is asked and its answer is the one named (`equals`) or one of those
 * listed (`in`; for a multi, any of its values); a condition naming a missing question, or in a circle, is not met.
 */
export function askedQuestions(questions: readonly Question[], answers: Answers): Set<string> {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const decided = new Map<string, boolean>();
  const asked = (q: Question, chain: ReadonlySet<string>): boolean => {
    const known = decided.get(q.id);
    if (known !== undefined) return known;
    let shown = true;
    const cond = q.showIf;
    if (cond) {
      const parent = byId.get(cond.questionId);
      const given = parent ? answers[parent.id] : undefined;
      const values = Array.isArray(given) ? given : [given];
      shown =
        parent !== undefined &&
        !chain.has(parent.id) &&
        asked(parent, new Set([...chain, parent.id])) &&
        ('in' in cond
          ? values.some((v) => typeof v === 'string' && cond.in.includes(v))
          : values.includes(cond.equals));
    }
    decided.set(q.id, shown);
    return shown;
  };
  return new Set(questions.filter((q) => asked(q, new Set([q.id]))).map((q) => q.id));
}

/** Only the answers to questions that are asked and answered: what is sent. */
export function answersToSend(questions: readonly Question[], answers: Answers): Answers {
  const out: Answers = {};
  const asked = askedQuestions(questions, answers);
  for (const q of questions) {
    const v = answers[q.id];
    if (v === undefined || v === null || v === '' || !asked.has(q.id)) continue;
    out[q.id] = v;
  }
  return out;
}

/** Earlier answers kept where the current form still asks the same question. */
export function prefill(questions: readonly Question[], last: Answers | null | undefined): Answers {
  const out: Answers = {};
  if (!last) return out;
  for (const q of questions) if (last[q.id] !== undefined) out[q.id] = last[q.id];
  return out;
}
