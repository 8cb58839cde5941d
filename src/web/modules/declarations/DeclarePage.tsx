/**
 * "Khai báo y tế": the citizen declares for themself or one of their dependants, daily (`domestic`) or on entering
 * the province (`entry`). The form is the server's current version, pre-filled with the person's last answers to it;
 * the answer says ok (green badge) or flagged (yellow, with what to do now: the commune health station will call).
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './declarations.css';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ApiError, api, query } from '../../lib/api.ts';
import type { CitizenPerson, Dependant } from '../../lib/api-types.ts';
import type { Answers, DeclarationResult, FormView, LastResponse } from '../../lib/declarations-types.ts';
import { useRetryKeys } from '../../lib/retry-key.ts';
import { Link } from '../../lib/router.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { answersToSend, prefill } from './answers.ts';
import { QuestionFields } from './QuestionFields.tsx';
import { BadgeView } from './TodayBadge.tsx';

/** The question ids a DECLARATION_INVALID answer names. */
export function invalidIds(error: unknown): string[] {
  if (!(error instanceof ApiError) || error.code !== 'DECLARATION_INVALID') return [];
  const ids = (error.details as { questionIds?: unknown } | undefined)?.questionIds;
  return Array.isArray(ids) ? ids.map(String) : [];
}

export default function DeclarePage({ person, type }: { person: CitizenPerson; type: 'domestic' | 'entry' }) {
  const { t, i18n } = useTranslation();
  const dependants = useApiGet<Dependant[]>('/me/dependants');
  const form = useApiGet<FormView>(`/declaration-forms/${type}`);
  const [who, setWho] = useState<string>(person.personId);
  const [answers, setAnswers] = useState<Answers>({});
  const [prefilledAt, setPrefilledAt] = useState<string | null>(null);
  const [result, setResult] = useState<DeclarationResult | null>(null);
  const action = useApiAction();
  const keys = useRetryKeys();

  // the chosen person's last answers to this form type, kept where the current form still asks them. They fill only
  // what is not answered yet: on a slow network the person may have started answering before they arrive, and what
  // they chose stays. No earlier declaration (or none readable): the form stays as it is.
  const questions = form.data?.questions;
  useEffect(() => {
    if (!questions) return;
    let live = true;
    setResult(null);
    const personId = who === person.personId ? undefined : who;
    api<LastResponse>('GET', `/me/declarations/last${query({ type, personId })}`)
      .then((last) => {
        if (!live) return;
        setAnswers((current) => ({ ...prefill(questions, last.answers), ...current }));
        setPrefilledAt(last.declaredAt);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [questions, who, type, person.personId]);

  /** Another person to declare for: a clean form, which their own last answers then fill. */
  const choose = (id: string) => {
    setWho(id);
    setAnswers({});
    setPrefilledAt(null);
  };

  if (!form.data) return form.error ? <ErrorMessage error={form.error} /> : <Loading />;
  const f = form.data;
  const whoName =
    who === person.personId
      ? t('declarations.declare.me')
      : (dependants.data?.find((d) => d.id === who)?.name ?? t('declarations.declare.dependant'));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const body = {
        type,
        formVersion: f.version,
        answers: answersToSend(f.questions, answers),
        ...(who === person.personId ? {} : { subject: { personId: who } }),
      };
      // a second tap after a lost answer gets the first one's answer, not a second declaration
      setResult(
        await keys.send(body, (idempotencyKey) =>
          api<DeclarationResult>('POST', '/declarations', body, { idempotencyKey }),
        ),
      );
      window.scrollTo?.(0, 0);
    });
  };

  return (
    <div className="dc-page">
      <PageTitle>{t(type === 'entry' ? 'declarations.declare.entryTitle' : 'declarations.declare.title')}</PageTitle>
      <p className="muted">
        <Link to={type === 'entry' ? '/declare' : '/declare/entry'}>
          {t(type === 'entry' ? 'declarations.declare.toDomestic' : 'declarations.declare.toEntry')}
        </Link>
      </p>
      {result ? (
        <section className={`card dc-result dc-${result.status}`} aria-live="polite" data-testid="declaration-result">
          <h2>
            {t(result.status === 'flagged' ? 'declarations.result.flagged' : 'declarations.result.ok', {
              name: whoName,
            })}
          </h2>
          <BadgeView badge={result.badge} />
          {result.reasons.length > 0 ? (
            <p>
              {t('declarations.result.reasons')} {result.reasons.map((r) => t(`declarations.reasons.${r}`)).join(', ')}
            </p>
          ) : null}
          {result.adviceVi ? (
            <p className="dc-advice">{i18n.language === 'en' ? result.adviceEn : result.adviceVi}</p>
          ) : null}
          <p>
            <Link to="/">{t('declarations.result.home')}</Link>
          </p>
        </section>
      ) : null}
      <form onSubmit={submit} className="card dc-form" noValidate={false}>
        <fieldset className="dc-question">
          <legend>{t('declarations.declare.for')}</legend>
          <div className="dc-options">
            <label className="dc-option">
              <input
                type="radio"
                name="declare-for"
                checked={who === person.personId}
                onChange={() => choose(person.personId)}
              />{' '}
              {t('declarations.declare.me')}
            </label>
            {(dependants.data ?? []).map((d) => (
              <label key={d.id} className="dc-option">
                <input type="radio" name="declare-for" checked={who === d.id} onChange={() => choose(d.id)} /> {d.name}
              </label>
            ))}
          </div>
          {dependants.data && dependants.data.length === 0 ? (
            <p className="hint">
              {t('declarations.declare.noDependants')} <Link to="/dependants">{t('nav.dependants')}</Link>
            </p>
          ) : null}
        </fieldset>
        {prefilledAt ? <p className="hint">{t('declarations.declare.prefilled')}</p> : null}
        <QuestionFields
          questions={f.questions}
          answers={answers}
          onChange={setAnswers}
          invalid={invalidIds(action.error)}
        />
        <ErrorMessage error={action.error} />
        <button type="submit" className="button" disabled={action.busy}>
          {t('declarations.declare.submit')}
        </button>
        <p className="hint">{t('declarations.declare.version', { version: f.version })}</p>
      </form>
    </div>
  );
}
