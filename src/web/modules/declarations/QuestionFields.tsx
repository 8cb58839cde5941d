/**
 * A form as data on screen: each question of a declaration form (or the enterprise criteria) as the control its kind
 * needs — yes/no radios, one choice, several choices, a date (not after today), text, a number, an administrative
 * unit — labelled in the current language, conditional questions shown only when their condition holds (the entry
 * form's plate, or train or flight number and seat, follow the transport chosen). The answers are one object keyed by
 * question id, as the API takes.
 */
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from '../../components/Field.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { api } from '../../lib/api.ts';
import type { UnitDetail } from '../../lib/api-types.ts';
import type { Answers, Question } from '../../lib/declarations-types.ts';
import { localDay } from '../../lib/time.ts';
import { askedQuestions } from './answers.ts';

interface Props {
  questions: readonly Question[];
  answers: Answers;
  onChange: (answers: Answers) => void;
  /** question ids the server refused */
  invalid?: readonly string[];
}

export function QuestionFields({ questions, answers, onChange, invalid = [] }: Props) {
  const set = (id: string, v: unknown) => onChange({ ...answers, [id]: v });
  const asked = askedQuestions(questions, answers);
  return (
    <>
      {questions
        .filter((q) => asked.has(q.id))
        .map((q) => (
          <QuestionField
            key={q.id}
            q={q}
            value={answers[q.id]}
            onChange={(v) => set(q.id, v)}
            invalid={invalid.includes(q.id)}
          />
        ))}
    </>
  );
}

function useLabel() {
  const { i18n } = useTranslation();
  return (x: { labelVi: string; labelEn: string }) => (i18n.language === 'en' ? x.labelEn : x.labelVi);
}

function QuestionField({
  q,
  value,
  onChange,
  invalid,
}: {
  q: Question;
  value: unknown;
  onChange: (v: unknown) => void;
  invalid: boolean;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const id = useId();
  const error = invalid ? t('declarations.form.invalidAnswer') : null;
  const optional = !q.required;
  switch (q.kind) {
    case 'boolean':
    case 'choice': {
      const options =
        q.kind === 'boolean'
          ? [
              { value: true, text: t('declarations.form.yes') },
              { value: false, text: t('declarations.form.no') },
            ]
          : (q.options ?? []).map((o) => ({ value: o.value, text: label(o) }));
      return (
        <fieldset
          className={`dc-question dc-${q.kind}`}
          data-question={q.id}
          aria-invalid={invalid || undefined}
          aria-describedby={error ? `${id}-e` : undefined}
        >
          <legend>
            {label(q)}
            {optional ? <span className="optional"> ({t('common.optional')})</span> : null}
          </legend>
          <div className="dc-options">
            {options.map((o) => (
              <label key={String(o.value)} className="dc-option">
                <input
                  type="radio"
                  name={`${id}-${q.id}`}
                  checked={value === o.value}
                  onChange={() => onChange(o.value)}
                  required={q.required}
                />{' '}
                {o.text}
              </label>
            ))}
          </div>
          {error ? (
            <p className="field-error" id={`${id}-e`}>
              {error}
            </p>
          ) : null}
        </fieldset>
      );
    }
    case 'multi': {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      return (
        <fieldset className="dc-question dc-multi" data-question={q.id}>
          <legend>
            {label(q)}
            {optional ? <span className="optional"> ({t('common.optional')})</span> : null}
          </legend>
          <div className="dc-options">
            {(q.options ?? []).map((o) => (
              <label key={o.value} className="dc-option">
                <input
                  type="checkbox"
                  checked={chosen.includes(o.value)}
                  onChange={(e) =>
                    onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((x) => x !== o.value))
                  }
                />{' '}
                {label(o)}
              </label>
            ))}
          </div>
          {error ? <p className="field-error">{error}</p> : null}
        </fieldset>
      );
    }
    case 'date':
    case 'text':
    case 'number':
      return (
        <div data-question={q.id}>
          <TextField
            label={label(q)}
            optional={optional}
            error={error}
            type={q.kind === 'text' ? 'text' : q.kind}
            inputMode={q.kind === 'number' ? 'numeric' : undefined}
            max={q.kind === 'date' ? localDay() : q.max}
            min={q.min}
            required={q.required}
            value={value === undefined || value === null ? '' : String(value)}
            onChange={(e) => {
              const raw = e.target.value;
              if (q.kind === 'number') onChange(raw === '' ? undefined : Number(raw));
              else onChange(raw === '' ? undefined : raw);
            }}
          />
        </div>
      );
    case 'unit':
      return (
        <div data-question={q.id}>
          <UnitAnswer
            label={label(q)}
            code={typeof value === 'string' ? value : null}
            onChange={onChange}
            required={q.required}
            error={error}
          />
        </div>
      );
  }
}

/** A unit answer: the picker, with the name of a pre-filled code looked up once. */
function UnitAnswer({
  label,
  code,
  onChange,
  required,
  error,
}: {
  label: string;
  code: string | null;
  onChange: (v: unknown) => void;
  required: boolean;
  error: string | null;
}) {
  const [picked, setPicked] = useState<PickedUnit | null>(null);
  useEffect(() => {
    if (!code || picked?.code === code) return;
    let live = true;
    api<UnitDetail>('GET', `/admin-units/${encodeURIComponent(code)}`)
      .then((u) => {
        if (live) setPicked({ code: u.code, name: u.name });
      })
      .catch(() => {
        if (live) setPicked({ code, name: code });
      });
    return () => {
      live = false;
    };
  }, [code, picked?.code]);
  return (
    <UnitPicker
      label={label}
      value={code ? (picked?.code === code ? picked : { code, name: code }) : null}
      onChange={(u) => {
        setPicked(u);
        onChange(u?.code);
      }}
      required={required}
      error={error}
    />
  );
}
