/**
 * Chooses an administrative unit by searching its name (accent-insensitive on the server: "bien hoa" finds
 * "Thành phố Biên Hòa"). The results are buttons, so keyboard and screen-reader users need nothing special.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../lib/api.ts';
import type { UnitResult } from '../lib/api-types.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

export interface PickedUnit {
  code: string;
  name: string;
  parentName?: string | null;
}

interface Props {
  label: string;
  value: PickedUnit | null;
  onChange: (unit: PickedUnit | null) => void;
  hint?: string;
  required?: boolean;
  error?: string | null;
  /** offer only this unit and those under it (the staff member's area, `areaOf`) */
  within?: string | undefined;
}

export function UnitPicker({ label, value, onChange, hint, required, error, within }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [results, setResults] = useState<UnitResult[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState<unknown>(null);
  const [focusAfterChange, setFocusAfterChange] = useState(false);

  useEffect(() => {
    const q = text.trim();
    if (q.length < 2) {
      setResults(null);
      setSearching(false);
      return;
    }
    let current = true;
    setSearching(true);
    const timer = window.setTimeout(() => {
      api<UnitResult[]>('GET', `/admin-units${query({ q, within, limit: 10 })}`)
        .then((found) => {
          if (current) {
            setResults(found);
            setSearchError(null);
          }
        })
        .catch((e: unknown) => {
          if (current) setSearchError(e);
        })
        .finally(() => {
          if (current) setSearching(false);
        });
    }, 250);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [text, within]);

  useEffect(() => {
    if (focusAfterChange && !value) {
      inputRef.current?.focus();
      setFocusAfterChange(false);
    }
  }, [focusAfterChange, value]);

  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;

  return (
    <fieldset className="field unit-picker">
      <legend>
        {label}
        {required ? null : <span className="optional"> ({t('common.optional')})</span>}
      </legend>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {value ? (
        <div className="unit-selected">
          <p>
            <span className="visually-hidden">{t('unitPicker.selected')}: </span>
            <strong data-unit-code={value.code}>{value.name}</strong>
            {value.parentName ? <span className="muted"> — {value.parentName}</span> : null}
          </p>
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => {
              onChange(null);
              setFocusAfterChange(true);
            }}
          >
            {t('unitPicker.change')}
          </button>
        </div>
      ) : (
        <>
          <label htmlFor={`${id}-q`}>{t('unitPicker.search')}</label>
          <input
            ref={inputRef}
            id={`${id}-q`}
            type="search"
            autoComplete="off"
            value={text}
            placeholder={t('unitPicker.placeholder')}
            aria-describedby={describedBy}
            aria-invalid={error ? true : undefined}
            onChange={(e) => setText(e.target.value)}
          />
          <p className="visually-hidden" aria-live="polite">
            {searching
              ? t('unitPicker.searching')
              : results
                ? results.length === 0
                  ? t('unitPicker.noResults')
                  : t('unitPicker.results', { count: results.length })
                : ''}
          </p>
          <ErrorMessage error={searchError} />
          {results && results.length === 0 && !searching ? <p className="muted">{t('unitPicker.noResults')}</p> : null}
          {results && results.length > 0 ? (
            <ul className="unit-results">
              {results.map((unit) => (
                <li key={unit.code}>
                  <button
                    type="button"
                    className="unit-option"
                    onClick={() => {
                      onChange({ code: unit.code, name: unit.name, parentName: unit.parentName });
                      setText('');
                      setResults(null);
                    }}
                  >
                    <span className="unit-name">{unit.name}</span>
                    {unit.parentName ? (
                      <span className="unit-parent"> {t('unitPicker.in', { parent: unit.parentName })}</span>
                    ) : null}
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      )}
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
