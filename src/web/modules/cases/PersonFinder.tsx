/** Finds one person by national ID (CCCD), phone or name through GET /people, and shows the chosen one. */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { api, query } from '../../lib/api.ts';
import type { Person } from '../../lib/api-types.ts';
import { useApiAction } from '../../lib/useApiAction.ts';

interface Props {
  legend: string;
  value: Person | null;
  onChange: (person: Person | null) => void;
  error?: string | null;
}

export function PersonFinder({ legend, value, onChange, error }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState('');
  const [results, setResults] = useState<Person[] | null>(null);
  const searching = useApiAction();

  const search = async () => {
    const q = text.trim();
    if (q.length < 2) return;
    const found = await searching.run(async () => setResults(await api<Person[]>('GET', `/people${query({ q })}`)));
    if (!found) setResults(null);
  };

  return (
    <fieldset className="field cs-person-finder">
      <legend>{legend}</legend>
      {value ? (
        <div className="unit-selected">
          <p>
            <span className="visually-hidden">{t('cases.finder.selected')}: </span>
            <strong data-person-id={value.id}>{value.name}</strong>
            <span className="muted">
              {' '}
              — {[value.nationalId, value.phone, value.unitName].filter(Boolean).join(' · ')}
            </span>
          </p>
          <button type="button" className="button button-secondary button-small" onClick={() => onChange(null)}>
            {t('cases.finder.change')}
          </button>
        </div>
      ) : (
        <>
          <label htmlFor={`${id}-q`}>{t('cases.finder.label')}</label>
          <p className="hint" id={`${id}-hint`}>
            {t('cases.finder.hint')}
          </p>
          <div className="cs-inline">
            <input
              id={`${id}-q`}
              type="search"
              autoComplete="off"
              value={text}
              aria-describedby={[`${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(' ')}
              aria-invalid={error ? true : undefined}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void search();
                }
              }}
            />
            <button
              type="button"
              className="button button-secondary"
              disabled={searching.busy || text.trim().length < 2}
              onClick={() => void search()}
            >
              {searching.busy ? t('cases.finder.searching') : t('cases.finder.search')}
            </button>
          </div>
          <ErrorMessage error={searching.error} />
          <p className="visually-hidden" aria-live="polite">
            {results ? t('cases.finder.results', { count: results.length }) : ''}
          </p>
          {results && results.length === 0 ? <p className="muted">{t('cases.finder.none')}</p> : null}
          {results && results.length > 0 ? (
            <ul className="unit-results">
              {results.slice(0, 20).map((p) => (
                <li key={p.id}>
                  <button
                    type="button"
                    className="unit-option"
                    onClick={() => {
                      onChange(p);
                      setResults(null);
                      setText('');
                    }}
                  >
                    <span className="unit-name">{p.name}</span>
                    <span className="unit-parent">
                      {' '}
                      {[p.nationalId, p.phone, p.birthYear, p.unitName]
                        .filter((v) => v !== null && v !== '')
                        .join(' · ')}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      )}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
