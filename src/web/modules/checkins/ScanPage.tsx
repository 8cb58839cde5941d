/**
 * Citizen: "Quét mã địa điểm". The camera (where the browser decodes QR codes) or a field to paste the QR text or
 * type the short code from the poster. A scanned QR names its venue at once — name, category, address and unit, what
 * the poster shows (`GET /venues/by-qr`) — above the one "Ghi nhận" button the poster tells people to press after
 * checking the name; the answer offers check-out. `/q/<payload>` (a phone's camera opening a URL QR) lands here with
 * the code filled in and the venue with its button first, on the phone's first screen, waiting for the citizen to
 * confirm. A typed short code has no preview: the answer names the venue.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { api } from '../../lib/api.ts';
import type { CheckinResult, CheckoutBody, MyCheckin, VenueByQr } from '../../lib/api-types.ts';
import { Link } from '../../lib/router.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { CameraScanner } from './CameraScanner.tsx';
import { postCheckin } from './checkinApi.ts';
import { isPersonQr, newKey, parseVenueCode } from './codes.ts';
import { categoryLabel, formatTime } from './format.ts';

/** The venue a scanned QR names (or why it names none), once the server has answered for that code. */
type Preview = { qr: string; venue: VenueByQr } | { qr: string; error: unknown };

export function ScanPage({ initialCode }: { initialCode?: string }) {
  const { t, i18n } = useTranslation();
  const [code, setCode] = useState(initialCode ?? '');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const action = useApiAction();
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

  // a scanned (or pasted) venue QR: ask which venue it is, so the citizen checks the name before "Ghi nhận"
  const parsedCode = parseVenueCode(code);
  const scannedQr = parsedCode?.kind === 'qr' ? parsedCode.venueQr : null;
  useEffect(() => {
    if (!scannedQr) return;
    let current = true;
    api<VenueByQr>('GET', `/venues/by-qr?qr=${encodeURIComponent(scannedQr)}`).then(
      (venue) => current && setPreview({ qr: scannedQr, venue }),
      (e: unknown) => current && setPreview({ qr: scannedQr, error: e }),
    );
    return () => {
      current = false;
    };
  }, [scannedQr]);
  const shown = preview && preview.qr === scannedQr ? preview : null;

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    action.reset();
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
    const key = keyRef.current.key;
    void action.run(async () => {
      const checkin = await postCheckin(
        parsed.kind === 'qr' ? { venueQr: parsed.venueQr } : { shortCode: parsed.shortCode },
        key,
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
    });
  };

  const checkout = () => {
    if (!result) return;
    void action.run(async () => {
      await api('POST', `/checkins/${result.checkin.id}/checkout`, {} satisfies CheckoutBody);
      setCheckedOut(true);
    });
  };

  const camera = (
    <section className="card" aria-labelledby="ck-scan-camera">
      <h2 id="ck-scan-camera">{t('checkins.scan.cameraTitle')}</h2>
      <CameraScanner
        onCode={(value) => {
          setCode(value);
          setFieldError(null);
          action.reset();
          buttonRef.current?.focus();
        }}
      />
    </section>
  );
  const form = (
    <form className="card" onSubmit={submit} noValidate>
      <TextField
        label={t('checkins.scan.codeLabel')}
        hint={t('checkins.scan.codeHint')}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        value={code}
        error={fieldError}
        onChange={(e) => {
          setCode(e.target.value);
          action.reset();
        }}
      />
      {shown && 'venue' in shown ? (
        <section className="ck-preview" aria-labelledby="ck-preview-name" aria-live="polite">
          <p className="muted">{t('checkins.scan.previewLead')}</p>
          <p className="ck-venue-name" id="ck-preview-name">
            {shown.venue.name}
          </p>
          <p className="muted">{categoryLabel(shown.venue.category, t)}</p>
          <p>{[shown.venue.address, shown.venue.unitName].filter(Boolean).join(', ')}</p>
        </section>
      ) : scannedQr && !shown ? (
        <p className="muted">{t('checkins.scan.previewLoading')}</p>
      ) : null}
      {initialCode && code === initialCode ? <p className="alert alert-info">{t('checkins.scan.confirm')}</p> : null}
      {/* one alert: what the check-in answered, else why the scanned code names no venue */}
      <ErrorMessage error={action.error ?? (shown && 'error' in shown ? shown.error : null)} />
      <button ref={buttonRef} type="submit" className="button" disabled={action.busy || !code.trim()}>
        {action.busy ? t('checkins.scan.sending') : t('checkins.scan.submit')}
      </button>
    </form>
  );

  return (
    <div className="ck-page">
      <PageTitle>{t('checkins.scan.title')}</PageTitle>
      {initialCode ? null : <p className="lead">{t('checkins.scan.intro')}</p>}
      {/* opened from a poster's link: the venue and "Ghi nhận" first, on the first screen of a phone */}
      {initialCode ? form : camera}
      {initialCode ? camera : form}
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
            <button type="button" className="button button-secondary" onClick={checkout}>
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
