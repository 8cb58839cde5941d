/**
 * The verifier: camera (the door scanner's CameraScanner) or a pasted code, checked offline against the kept trust
 * list, revocation list and rules. Shows green / yellow / red with the holder's name and date of birth and the
 * reason — nothing else from the certificate. Embeddable (the door scanner shows it too).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './greenpass.css';
import type { PassCheck } from '../../../greenpass/verdict.ts';
import { CameraScanner } from '../checkins/CameraScanner.tsx';
import { formatTime } from '../checkins/format.ts';
import { loadTrustMaterial, type TrustMaterial, verifyOffline } from './trust.ts';

export function VerifyPanel() {
  const { t, i18n } = useTranslation();
  const [material, setMaterial] = useState<{ material: TrustMaterial; savedAt: string; fresh: boolean } | null>();
  const [text, setText] = useState('');
  const [result, setResult] = useState<PassCheck | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    void loadTrustMaterial().then((m) => {
      if (current) setMaterial(m);
    });
    return () => {
      current = false;
    };
  }, []);

  async function check(code: string) {
    if (!material) return;
    setBusy(true);
    try {
      setResult(await verifyOffline(code.trim(), material.material, i18n.language));
    } finally {
      setBusy(false);
    }
  }

  if (material === undefined) return <p aria-busy="true">{t('greenpass.verify.loading')}</p>;
  if (material === null) return <p className="alert alert-error">{t('greenpass.verify.noTrust')}</p>;

  return (
    <section className="gp-verify" aria-label={t('greenpass.verify.title')}>
      <p className="muted" data-testid="gp-trust-age">
        {material.fresh
          ? t('greenpass.verify.trustFresh', { count: material.material.trust.certificates.length })
          : t('greenpass.verify.trustKept', { at: formatTime(material.savedAt, i18n.language) })}
      </p>
      <CameraScanner onCode={(value) => void check(value)} />
      <form
        className="gp-verify-form"
        onSubmit={(e) => {
          e.preventDefault();
          void check(text);
        }}
      >
        <label htmlFor="gp-code">{t('greenpass.verify.paste')}</label>
        <textarea
          id="gp-code"
          rows={3}
          value={text}
          maxLength={8192}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
          autoCapitalize="off"
        />
        <button type="submit" className="button" disabled={busy || text.trim() === ''}>
          {t('greenpass.verify.check')}
        </button>
      </form>
      {result ? <Verdict result={result} /> : null}
    </section>
  );
}

function Verdict({ result }: { result: PassCheck }) {
  const { t } = useTranslation();
  return (
    <div className={`gp-verdict gp-${result.verdict}`} role="status" data-verdict={result.verdict}>
      <p className="gp-verdict-word">{t(`greenpass.verdict.${result.verdict}`)}</p>
      {result.holder ? (
        <dl className="gp-holder">
          <dt>{t('greenpass.verify.name')}</dt>
          <dd data-testid="gp-holder-name">{result.holder.name}</dd>
          <dt>{t('greenpass.verify.dob')}</dt>
          <dd>{result.holder.dob || '—'}</dd>
        </dl>
      ) : null}
      <p className="gp-reason" data-reason={result.reason}>
        {t(`greenpass.reasons.${result.reason}`, { defaultValue: result.reason })}
        {result.type ? ` · ${t(`greenpass.types.${result.type}`)}` : ''}
      </p>
      {result.failedRules?.length ? (
        <ul className="gp-failed">
          {result.failedRules.map((r) => (
            <li key={r.identifier}>{r.description ?? r.identifier}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
