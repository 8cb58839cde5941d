import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError, NetworkError } from '../lib/api.ts';

/** The human text for an error, in the current language (the API sends both). */
export function errorText(error: unknown, t: TFunction, language: string): string {
  if (error instanceof ApiError) return language === 'en' ? error.message : error.messageVi;
  if (error instanceof NetworkError) return t('errors.network');
  return t('errors.unknown');
}

/** An alert announcing `error`, or nothing. `extra` is shown after the API's message (e.g. attempts left). */
export function ErrorMessage({ error, extra, id }: { error: unknown; extra?: string; id?: string }) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert" id={id}>
      <span className="error-text">{errorText(error, t, i18n.language)}</span>
      {extra ? <span> {extra}</span> : null}
    </div>
  );
}

export function SuccessMessage({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <div className="alert alert-success" role="status">
      {text}
    </div>
  );
}
