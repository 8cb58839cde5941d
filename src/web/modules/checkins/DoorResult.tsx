/**
 * One result of the door scanner, as the door's staff read it at a glance: recorded or refused, when, who (the name —
 * masked unless the account may read the person's record — and birth year, for a personal QR; what was typed
 * otherwise), the person's health declaration of the day, and a green pass verdict when there is one. Results are
 * plain data (`DoorScanResult`, kept on the device for the day by `recent.ts`); this file only draws them.
 */
import { useTranslation } from 'react-i18next';
import type { DoorBadge, DoorPerson } from '../../lib/api-types.ts';
import { formatTime } from './format.ts';

/**
 * A green pass verdict (issue 17's verifier, embedded in the door scanner, fills it in when the code scanned is an
 * EU DCC `HC1:` string): green / yellow / red, the holder's name and date of birth as the certificate gives them (only
 * for an authentic one) and the reason. Absent = nothing is shown; the door scanner never makes one up.
 */
export interface DoorGreenPass {
  verdict: 'green' | 'yellow' | 'red';
  /** the verifier's reason in the words of the language it was checked in (shown when `reasonCode` has no text) */
  reason?: string;
  /** the verifier's reason code ('OK', 'RULES', 'REVOKED', …): shown in the interface's language */
  reasonCode?: string;
  /** the holder as the certificate names them (transliterated, `NGUYEN VAN PHAT`) */
  name?: string;
  /** the holder's date of birth as the certificate gives it (YYYY-MM-DD, YYYY-MM or YYYY) */
  dob?: string;
  /** v, t or r */
  type?: 'v' | 't' | 'r';
  /** descriptions of the business rules that failed (yellow) */
  failedRules?: string[];
}

export interface DoorScanResult {
  /** the scan's idempotency key */
  key: string;
  /** when the person was scanned */
  at: string;
  ok: boolean;
  /** 'pass': a green pass (DCC) checked at the door — verified only, no check-in made */
  kind?: 'checkin' | 'pass';
  /** what the door typed ("Lê Văn Tám — 0791…"); empty for a personal QR scan */
  label: string;
  /** the server's refusal in both languages (shown in the interface's), and its code */
  error?: { code?: string; message: string; messageVi: string };
  /** who the personal QR belongs to, as this account may see them */
  person?: DoorPerson;
  /** the person's health declaration of the day */
  badge?: DoorBadge;
  greenPass?: DoorGreenPass;
}

/** A green pass checked at the door: the verdict, whose it is, why — and, plainly, that nobody was checked in. */
function PassResultItem({ result, pass, latest }: { result: DoorScanResult; pass: DoorGreenPass; latest: boolean }) {
  const { t, i18n } = useTranslation();
  const reason = pass.reasonCode
    ? t(`greenpass.reasons.${pass.reasonCode}`, { defaultValue: pass.reason ?? pass.reasonCode })
    : pass.reason;
  return (
    <li
      className={`ck-result-item ${pass.verdict === 'red' ? 'ck-error' : 'ck-ok'}${latest ? ' dr-latest' : ''}`}
      data-testid="door-result"
      data-kind="pass"
    >
      <p className="dr-line">
        <strong>{t('checkins.door.passChecked')}</strong>
        <span className="muted">
          {' · '}
          {formatTime(result.at, i18n.language)}
        </span>
      </p>
      {pass.name ? (
        <p className="dr-line dr-person">
          <strong className="dr-name" data-testid="door-pass-name">
            {pass.name}
          </strong>
          {pass.dob ? <span> · {t('checkins.door.passDob', { dob: pass.dob })}</span> : null}
        </p>
      ) : null}
      <p className={`dr-status dr-pass-${pass.verdict}`} data-pass={pass.verdict}>
        {t(`checkins.door.pass.${pass.verdict}`)}
      </p>
      <p className="dr-line" data-reason={pass.reasonCode}>
        {reason}
        {pass.type ? ` · ${t(`checkins.door.passType.${pass.type}`)}` : ''}
      </p>
      {pass.failedRules?.length ? (
        <ul className="dr-failed">
          {pass.failedRules.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
      <p className="hint">{t('checkins.door.passNoCheckin')}</p>
    </li>
  );
}

export function DoorResultItem({ result, latest = false }: { result: DoorScanResult; latest?: boolean }) {
  const { t, i18n } = useTranslation();
  const { person, badge, greenPass, error } = result;
  if (result.kind === 'pass' && greenPass) return <PassResultItem result={result} pass={greenPass} latest={latest} />;
  const refusal = error ? (i18n.language === 'en' ? error.message : error.messageVi) : t('errors.unknown');
  return (
    <li
      className={`ck-result-item ${result.ok ? 'ck-ok' : 'ck-error'}${latest ? ' dr-latest' : ''}`}
      data-testid="door-result"
    >
      <p className="dr-line">
        <strong>{result.ok ? t('checkins.door.recorded') : t('checkins.door.refused')}</strong>
        <span className="muted">
          {' · '}
          {result.label ? null : `${t('checkins.door.personQrLabel')} · `}
          {formatTime(result.at, i18n.language)}
        </span>
      </p>
      {person ? (
        <p className="dr-line dr-person">
          <strong className="dr-name">{person.name ?? t('checkins.door.noName')}</strong>
          {person.nameMasked ? <span className="muted"> ({t('checkins.door.nameMasked')})</span> : null}
          {person.birthYear ? <span> · {t('checkins.door.born', { year: person.birthYear })}</span> : null}
        </p>
      ) : result.label ? (
        <p className="dr-line">
          <strong>{result.label}</strong>
        </p>
      ) : null}
      {error?.code === 'DECLARATION_REQUIRED' ? (
        // a live scan the venue's rule refused: the person has not declared today and stays outside
        <div className="dr-stop" data-refusal={error.code}>
          <p className="dr-status dr-stop-title">{t('checkins.door.declarationRequired')}</p>
          <p className="dr-line">{t('checkins.door.declarationRequiredHint')}</p>
        </div>
      ) : result.ok ? null : (
        <p className="dr-line">{refusal}</p>
      )}
      {badge ? (
        <p className={`dr-status dr-badge-${badge.colour}`} data-badge={badge.colour}>
          {t(`checkins.door.badge.${badge.colour}`)}
        </p>
      ) : null}
      {greenPass ? (
        <p className={`dr-status dr-pass-${greenPass.verdict}`} data-pass={greenPass.verdict}>
          {t(`checkins.door.pass.${greenPass.verdict}`)}
          {greenPass.reason ? ` — ${greenPass.reason}` : null}
        </p>
      ) : null}
    </li>
  );
}

/** earlier results shown under the newest; the rest behind "more" (the scanner stays near the top on a phone) */
const SHOWN = 4;

/** The newest result large at the top, the earlier ones of the day below it, newest first. */
export function DoorResults({ results }: { results: readonly DoorScanResult[] }) {
  const { t } = useTranslation();
  const [latest, ...earlier] = results;
  return (
    <section className="card" aria-labelledby="ck-results" data-testid="door-results">
      <h2 id="ck-results">{t('checkins.door.results')}</h2>
      <div aria-live="polite">
        {latest ? (
          <ul className="ck-results">
            <DoorResultItem result={latest} latest />
          </ul>
        ) : (
          <p className="muted">{t('checkins.door.noResults')}</p>
        )}
      </div>
      {earlier.length > 0 ? (
        <ul className="ck-results" aria-label={t('checkins.door.earlier')}>
          {earlier.slice(0, SHOWN).map((r) => (
            <DoorResultItem key={r.key} result={r} />
          ))}
        </ul>
      ) : null}
      {earlier.length > SHOWN ? (
        <details className="dr-more">
          <summary>{t('checkins.door.moreResults', { count: earlier.length - SHOWN })}</summary>
          <ul className="ck-results">
            {earlier.slice(SHOWN).map((r) => (
              <DoorResultItem key={r.key} result={r} />
            ))}
          </ul>
        </details>
      ) : null}
      {results.length > 0 ? <p className="hint">{t('checkins.door.keptToday')}</p> : null}
    </section>
  );
}
