/**
 * The citizen's green pass ("Thẻ xanh"): for themself and each dependant, every certificate in force as a large
 * high-contrast QR with its status in words, kept on the device so it shows offline once fetched, and printable:
 * the page itself (print styles) or the server's PDF (`/me/green-pass.pdf`, a page per certificate, QR 12 cm wide).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './greenpass.css';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { QrImage } from '../../components/QrImage.tsx';
import { api } from '../../lib/api.ts';
import type { CitizenPerson, Dependant, GreenPassItem, MyGreenPass } from '../../lib/api-types.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { formatTime } from '../checkins/format.ts';
import { loadLocal, saveLocal } from './store.ts';

export default function MyPassPage({ person }: { person: CitizenPerson }) {
  const { t } = useTranslation();
  const dependants = useApiGet<Dependant[]>('/me/dependants');
  const [who, setWho] = useState(person.personId);
  const people = [
    { id: person.personId, name: person.name || t('qr.noName') },
    ...(dependants.data ?? []).map((d) => ({ id: d.id, name: d.name })),
  ];

  return (
    <div className="gp-page">
      <PageTitle>{t('greenpass.mine.title')}</PageTitle>
      {people.length > 1 ? (
        <fieldset className="gp-people no-print">
          <legend>{t('greenpass.mine.whose')}</legend>
          {people.map((p) => (
            <label key={p.id} className="gp-person">
              <input type="radio" name="gp-who" checked={who === p.id} onChange={() => setWho(p.id)} /> {p.name}
            </label>
          ))}
        </fieldset>
      ) : null}
      <Passes
        key={who}
        personId={who}
        self={who === person.personId}
        name={people.find((p) => p.id === who)?.name ?? ''}
      />
    </div>
  );
}

function Passes({ personId, self, name }: { personId: string; self: boolean; name: string }) {
  const { t, i18n } = useTranslation();
  const [items, setItems] = useState<GreenPassItem[] | null>(null);
  const [keptAt, setKeptAt] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let current = true;
    api<MyGreenPass>('GET', self ? '/me/green-pass' : `/me/green-pass?personId=${encodeURIComponent(personId)}`)
      .then((r) => {
        if (!current) return;
        setItems(r.items);
        setKeptAt(null);
        saveLocal(`passes.${personId}`, r.items);
      })
      .catch((e: unknown) => {
        if (!current) return;
        const kept = loadLocal<GreenPassItem[]>(`passes.${personId}`);
        if (kept) {
          setItems(kept.value);
          setKeptAt(kept.savedAt);
        } else setError(e);
      });
    return () => {
      current = false;
    };
  }, [personId, self]);

  if (error) return <ErrorMessage error={error} />;
  if (!items) return <Loading />;
  const now = Date.now();
  const shown = items.filter((i) => Date.parse(i.validUntil) > now);
  return (
    <>
      {keptAt ? (
        <p className="alert alert-info" role="status">
          {t('greenpass.mine.kept', { at: formatTime(keptAt, i18n.language) })}
        </p>
      ) : null}
      {shown.length === 0 ? <p className="muted">{t('greenpass.mine.none')}</p> : null}
      {shown.map((item) => (
        <section key={item.certificateId} className="card gp-pass" data-type={item.type} aria-label={name}>
          <h2 className="gp-status" data-status={item.status}>
            {statusText(item, t, i18n.language)}
          </h2>
          <QrImage value={item.qr} alt={t('greenpass.mine.qrAlt', { name })} />
          <p className="gp-name">{name}</p>
          <p className="muted">
            {t('greenpass.mine.valid', {
              from: formatTime(item.validFrom, i18n.language),
              until: formatTime(item.validUntil, i18n.language),
            })}
          </p>
        </section>
      ))}
      {shown.length > 0 ? (
        <div className="actions no-print">
          <a
            className="button"
            href={
              self ? '/api/v1/me/green-pass.pdf' : `/api/v1/me/green-pass.pdf?personId=${encodeURIComponent(personId)}`
            }
            download
          >
            {t('greenpass.mine.pdf')}
          </a>{' '}
          <button type="button" className="button button-secondary" onClick={() => window.print()}>
            {t('greenpass.mine.print')}
          </button>
        </div>
      ) : null}
      <p className="muted no-print">{t('greenpass.mine.intro')}</p>
    </>
  );
}

function statusText(item: GreenPassItem, t: (k: string, o?: Record<string, string>) => string, lang: string): string {
  // the server's words are Vietnamese; other languages say the same from the status and the dates
  if (lang === 'vi' && item.summary) return item.summary;
  return t(`greenpass.status.${item.status}`, { until: formatTime(item.validUntil, lang) });
}
