/**
 * The citizen's "Kiểm tra Bluetooth": the exposure check a phone runs, in the browser. It downloads the key server's
 * public key, index and batches, refuses any batch whose signature does not verify, matches the keys against the
 * sightings the phone's native app exported (a browser cannot scan Bluetooth) and shows the verdict; with consent the
 * matches are reported to the health service. All of it is the library in src/exposure — this page is its own chunk.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  assessExposure,
  type DiagnosisKey,
  ExportFormatError,
  type ExposureAssessment,
  importPublicKey,
  matchExposures,
  type Observation,
  openExport,
  parseObservedJson,
  toBase64,
} from '../../../exposure/index.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { api } from '../../lib/api.ts';
import type { ReportMatchesBody, ReportMatchesResponse } from '../../lib/api-types.ts';
import { formatWhen } from './format.ts';
import './texts.ts';

interface CheckResult {
  batches: number;
  rejected: number;
  keys: number;
  assessment: ExposureAssessment;
}

async function fetchOk(path: string): Promise<Response> {
  const response = await fetch(`/api/v1${path}`, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response;
}

/** Downloads and verifies every published batch, then matches the sightings. */
async function runCheck(sightings: Observation[]): Promise<CheckResult> {
  const publicKey = await importPublicKey(await (await fetchOk('/exposure/public-key')).text());
  const paths = (await (await fetchOk('/exposure/exports/index.txt')).text()).split('\n').filter(Boolean);
  const keys: DiagnosisKey[] = [];
  let batches = 0;
  let rejected = 0;
  for (const path of paths) {
    const zip = new Uint8Array(await (await fetchOk(`/exposure/exports/${path}`)).arrayBuffer());
    try {
      keys.push(...(await openExport(zip, publicKey)).keys);
      batches++;
    } catch (err) {
      if (!(err instanceof ExportFormatError)) throw err;
      rejected++;
    }
  }
  return { batches, rejected, keys: keys.length, assessment: assessExposure(matchExposures(keys, sightings)) };
}

export default function ExposureCheckPage() {
  const { t, i18n } = useTranslation();
  const [sightings, setSightings] = useState<Observation[] | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [result, setResult] = useState<CheckResult | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // the report is sent once per tap: the button waits for its answer
  const [sending, setSending] = useState(false);
  const [consent, setConsent] = useState(false);
  const [reported, setReported] = useState<number | null>(null);

  const readFile = async (file: File | undefined) => {
    setResult(null);
    setReported(null);
    setFileError(null);
    setSightings(null);
    if (!file) return;
    try {
      setSightings(parseObservedJson(await file.text()));
    } catch (err) {
      setFileError(err instanceof Error ? err.message : String(err));
    }
  };

  const check = async () => {
    if (!sightings) return;
    setRunning(true);
    setError(null);
    setReported(null);
    try {
      setResult(await runCheck(sightings));
    } catch (err) {
      setError(err);
    } finally {
      setRunning(false);
    }
  };

  const report = async () => {
    if (!result) return;
    setError(null);
    const body: ReportMatchesBody = {
      consent: true,
      matches: result.assessment.matches.slice(0, 50).map((m) => ({
        key: toBase64(m.key.keyData),
        rollingStartIntervalNumber: m.key.rollingStartIntervalNumber,
        firstSeenAt: new Date((m.windows[0]?.from ?? 0) * 1000).toISOString(),
        lastSeenAt: new Date((m.windows.at(-1)?.to ?? 0) * 1000).toISOString(),
        minutes: m.minutes,
        risk: m.risk,
        ...(Number.isFinite(Math.min(...m.windows.map((w) => w.minAttenuation)))
          ? { minAttenuation: Math.round(Math.min(...m.windows.map((w) => w.minAttenuation))) }
          : {}),
      })),
    };
    setSending(true);
    try {
      setReported((await api<ReportMatchesResponse>('POST', '/exposure/matches', body)).reported);
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  };

  const a = result?.assessment;
  return (
    <div>
      <PageTitle>{t('exposure.check.title')}</PageTitle>
      <p>{t('exposure.check.intro')}</p>
      <p className="hint">{t('exposure.check.webLimit')}</p>
      <section className="card">
        <label className="field">
          <span className="field-label">{t('exposure.check.file')}</span>
          <input type="file" accept="application/json,.json" onChange={(e) => void readFile(e.target.files?.[0])} />
        </label>
        {fileError ? (
          <p className="alert alert-error" role="alert">
            {t('exposure.check.badFile', { reason: fileError })}
          </p>
        ) : null}
        {sightings ? <p className="muted">{t('exposure.check.fileLoaded', { count: sightings.length })}</p> : null}
        <button type="button" className="button" disabled={!sightings || running} onClick={() => void check()}>
          {t('exposure.check.run')}
        </button>
        {running ? <p aria-busy="true">{t('exposure.check.running')}</p> : null}
      </section>
      <ErrorMessage error={error} />
      {result && a ? (
        <section className="card" aria-live="polite" data-testid="exposure-result" data-alert={a.alert}>
          <p className="muted">{t('exposure.check.checked', { keys: result.keys, batches: result.batches })}</p>
          {result.rejected > 0 ? (
            <p className="alert alert-info">{t('exposure.check.rejected', { count: result.rejected })}</p>
          ) : null}
          {a.alert ? (
            <>
              <p className="alert alert-error" role="alert">
                {t('exposure.check.alert', {
                  minutes: Math.round(a.minutes),
                  when: formatWhen(a.lastExposureAt, i18n.language),
                })}
              </p>
              <p className="hint">{t('exposure.check.advice')}</p>
            </>
          ) : a.matches.length > 0 ? (
            <p className="alert alert-info">{t('exposure.check.low', { score: a.score })}</p>
          ) : (
            <p className="alert alert-success">{t('exposure.check.none')}</p>
          )}
          {a.matches.length > 0 ? (
            <>
              <h2>{t('exposure.check.matchesTitle')}</h2>
              <ul className="plain-list">
                {a.matches.map((m) => (
                  <li key={toBase64(m.key.keyData)}>
                    {t('exposure.check.matchRow', {
                      from: formatWhen(m.windows[0]?.from ?? null, i18n.language),
                      to: formatWhen(m.windows.at(-1)?.to ?? null, i18n.language),
                      minutes: m.minutes,
                      risk: m.risk,
                    })}
                  </li>
                ))}
              </ul>
              {reported === null ? (
                <>
                  <label className="checkbox">
                    <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} />{' '}
                    {t('exposure.check.consent')}
                  </label>
                  <button type="button" className="button" disabled={!consent || sending} onClick={() => void report()}>
                    {t('exposure.check.report')}
                  </button>
                </>
              ) : (
                <p className="alert alert-success" role="status">
                  {t('exposure.check.reported', { count: reported })}
                </p>
              )}
            </>
          ) : null}
        </section>
      ) : null}
      <p className="hint">{t('exposure.check.privacy')}</p>
    </div>
  );
}
