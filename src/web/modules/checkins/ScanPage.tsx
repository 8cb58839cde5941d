/**
 * Citizen: "Quét mã địa điểm". The camera (where the browser decodes QR codes) or a field to paste the QR text or
 * type the short code from the poster; the answer names the venue and offers check-out. `/q/<payload>` (a phone's
 * camera opening a URL QR) lands here with the code filled in, waiting for the citizen to confirm.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { api } from '../../lib/api.ts';
import { Link } from '../../lib/router.tsx';
import type { CheckinResult, MyCheckin } from '../../lib/types.ts';
import { CameraScanner } from './CameraScanner.tsx';
import { postCheckin } from './checkinApi.ts';
import { isPersonQr, newKey, parseVenueCode } from './codes.ts';
import { categoryLabel, formatTime } from './format.ts';

export function ScanPage({ initialCode }: { initialCode?: string }) {
  const { t, i18n } = useTranslation();
  const [code, setCode] = useState(initialCode ?? '');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ checkin: CheckinResult; detail: MyCheckin | null } | null>(null);
  const [checkedOut, setCheckedOut] = useState(false);
  // one key per scan: resending the same code after a network failure cannot check in twice
  const keyRef = useRef<{ code: string; key: string } | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (initialCode) buttonRef.current?.focus();
  }, [initialCode]);

  useEffect(() => {
    if (result) resultRef.current?.focus();
  }, [result]);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    setError(null);
    setResult(null);
    setCheckedOut(false);
    const parsed = parseVenueCode(code);
    if (!parsed) {
      setFieldError(isPersonQr(code) ? t('checkins.scan.personCode') : t('checkins.scan.invalidCode'));
      return;
    }
    setFieldError(null);
    const trimmed = code.trim();
    if (!keyRef.current || keyRef.current.code !== trimmed) keyRef.current = { code: trimmed, key: newKey() };
    setBusy(true);
    try {
      const checkin = await postCheckin(
        parsed.kind === 'qr' ? { venueQr: parsed.venueQr } : { shortCode: parsed.shortCode },
        keyRef.current.key,
      );
      keyRef.current = null;
      let detail: MyCheckin | null = null;
      try {
        const mine = await api<MyCheckin[]>('GET', '/me/checkins');
        detail = mine.find((c) => c.id === checkin.id) ?? null;
      } catch {
        // the check-in is recorded; only its details could not be loaded
      }
      setResult({ checkin, detail });
      setCode('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const checkout = async () => {
    if (!result) return;
    setError(null);
    try {
      await api('POST', `/checkins/${result.checkin.id}/checkout`, {});
      setCheckedOut(true);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div className="ck-page">
      <PageTitle>{t('checkins.scan.title')}</PageTitle>
      <p className="lead">{t('checkins.scan.intro')}</p>
      <section className="card" aria-labelledby="ck-scan-camera">
        <h2 id="ck-scan-camera">{t('checkins.scan.cameraTitle')}</h2>
        <CameraScanner
          onCode={(value) => {
            setCode(value);
            setFieldError(null);
            buttonRef.current?.focus();
          }}
        />
      </section>
      <form className="card" onSubmit={submit} noValidate>
        <TextField
          label={t('checkins.scan.codeLabel')}
          hint={t('checkins.scan.codeHint')}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          value={code}
          error={fieldError}
          onChange={(e) => setCode(e.target.value)}
        />
        {initialCode && code === initialCode ? <p className="alert alert-info">{t('checkins.scan.confirm')}</p> : null}
        <ErrorMessage error={error} />
        <button ref={buttonRef} type="submit" className="button" disabled={busy || !code.trim()}>
          {busy ? t('checkins.scan.sending') : t('checkins.scan.submit')}
        </button>
      </form>
      {result ? (
        <div className="card ck-result" ref={resultRef} tabIndex={-1} role="status">
          <h2>{t('checkins.scan.done')}</h2>
          {result.detail ? (
            <>
              <p className="ck-venue-name">{result.detail.venueName}</p>
              <p className="muted">
                {categoryLabel(result.detail.venueCategory, t)} · {result.detail.venueAddress}
              </p>
            </>
          ) : null}
          <p>{t('checkins.scan.at', { time: formatTime(result.checkin.at, i18n.language) })}</p>
          {checkedOut ? (
            <p className="alert alert-success">{t('checkins.history.checkedOutNow')}</p>
          ) : (
            <button type="button" className="button button-secondary" onClick={() => void checkout()}>
              {t('checkins.history.checkout')}
            </button>
          )}
          <p>
            <Link to="/checkins">{t('checkins.scan.toHistory')}</Link>
          </p>
        </div>
      ) : null}
    </div>
  );
}
