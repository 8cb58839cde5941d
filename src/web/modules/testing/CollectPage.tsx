/**
 * Health workers at a test point: "Lấy mẫu xét nghiệm". Choose the place (and campaign) once, the kind of tube, then
 * add people — scan or paste a personal QR, or type a national ID / phone (+ name for someone not registered: the
 * server registers them) — and save the tube. Every tube is stored in the device's offline queue first, with its
 * idempotency key, its barcode and the collection time, and sent when the network is there ("Chờ gửi: N"); the
 * barcode comes from a stock reserved while online, so a label can be printed offline too.
 */
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './testing.css';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { api } from '../../lib/api.ts';
import { Link } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import type {
  CampaignList,
  CommuneStats,
  LabList,
  PersonRef,
  ReservedBarcodes,
  SampleKind,
} from '../../lib/testing-types.ts';
import { SAMPLE_KINDS } from '../../lib/testing-values.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { newKey, parsePersonQr } from '../checkins/codes.ts';
import { isRetryable, ownerOf, tubes } from './queue.ts';

const RETRY_MS = 15_000;
const STOCK_KEY = 'truyvet.testing.barcodes';
const PLACE_KEY = 'truyvet.testing.place';
const STOCK_MIN = 20;

interface Added {
  ref: PersonRef;
  label: string;
}

interface Recent {
  key: string;
  barcode: string;
  label: string;
  state: 'queued' | 'sent' | 'refused';
  text?: string;
}

function readJson<T>(key: string, fallback: T): T {
  try {
    const raw = window.localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

function writeJson(key: string, value: unknown) {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // a full or disabled storage: the stock is only a convenience for offline work
  }
}

/** "0791…" → the person as typed; null when it is neither a personal QR, a 12-digit ID nor a phone. */
export function parsePersonInput(raw: string, name: string): PersonRef | null {
  const text = raw.trim();
  const qr = parsePersonQr(text);
  if (qr) return { personQr: qr };
  const digits = text.replace(/[\s.]/g, '');
  const who = name.trim() ? { name: name.trim() } : {};
  if (/^\d{12}$/.test(digits)) return { nationalId: digits, ...who };
  if (/^(\+84|0)\d{9,10}$/.test(digits)) return { phone: digits, ...who };
  return null;
}

export function CollectPage() {
  const { t, i18n } = useTranslation();
  const { me } = useSession();
  const owner = me ? ownerOf(me) : 'nobody';
  const [place, setPlace] = useState<PickedUnit | null>(() => readJson<PickedUnit | null>(PLACE_KEY, null));
  const { data: campaigns } = useApiGet<CampaignList>('/campaigns');
  const { data: advice } = useApiGet<CommuneStats>(place ? `/testing/stats/communes?unitCode=${place.code}` : null);
  const [campaignId, setCampaignId] = useState('');
  const [kind, setKind] = useState<SampleKind>('rt-pcr-pool');
  const [people, setPeople] = useState<Added[]>([]);
  const [input, setInput] = useState('');
  const [name, setName] = useState('');
  const [inputError, setInputError] = useState<string | null>(null);
  const [stock, setStock] = useState<string[]>(() => readJson<string[]>(STOCK_KEY, []));
  const [count, setCount] = useState(0);
  const [online, setOnline] = useState(navigator.onLine);
  const [syncing, setSyncing] = useState(false);
  const [syncError, setSyncError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [recent, setRecent] = useState<Recent[]>([]);
  const mounted = useRef(true);

  const poolMax = advice?.poolMax ?? 10;
  const advised = advice?.items.find((i) => i.unitCode === place?.code)?.advisedPoolSize;

  const refreshCount = useCallback(async () => {
    const c = await tubes.pendingCounts(owner);
    if (mounted.current) setCount(c.mine);
  }, [owner]);

  // keep a stock of reserved barcodes while online, for tubes labelled offline
  const topUp = useCallback(async () => {
    const current = readJson<string[]>(STOCK_KEY, []);
    if (current.length >= STOCK_MIN || !navigator.onLine) return;
    try {
      const r = await api<ReservedBarcodes>('POST', '/samples/barcodes', { count: 50 });
      const next = [...current, ...r.barcodes];
      writeJson(STOCK_KEY, next);
      if (mounted.current) setStock(next);
    } catch {
      // offline or refused: the stock stays as it is
    }
  }, []);

  const sync = useCallback(async () => {
    if (!navigator.onLine) {
      await refreshCount();
      return;
    }
    setSyncing(true);
    try {
      const done = await tubes.flush(owner);
      if (mounted.current && done.length > 0) {
        setSyncError(null);
        setRecent((list) =>
          list.map((r) => {
            const o = done.find((d) => d.item.idempotencyKey === r.key);
            if (!o) return r;
            if (o.result.ok) return { ...r, state: 'sent' };
            const e = o.result.error;
            return { ...r, state: 'refused', text: e ? (i18n.language === 'en' ? e.message : e.messageVi) : '' };
          }),
        );
      }
    } catch (e) {
      if (mounted.current) setSyncError(isRetryable(e) ? null : e);
    } finally {
      if (mounted.current) setSyncing(false);
      await refreshCount();
      await topUp();
    }
  }, [owner, refreshCount, topUp, i18n.language]);

  useEffect(() => {
    mounted.current = true;
    void sync();
    const up = () => {
      setOnline(true);
      void sync();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    const timer = window.setInterval(() => void sync(), RETRY_MS);
    return () => {
      mounted.current = false;
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
      window.clearInterval(timer);
    };
  }, [sync]);

  const addPerson = (e: FormEvent) => {
    e.preventDefault();
    const ref = parsePersonInput(input, name);
    if (!ref) {
      setInputError(t('testing.collect.badPerson'));
      return;
    }
    const label =
      'personQr' in ref ? t('checkins.door.personQrLabel') : [name.trim(), input.trim()].filter(Boolean).join(' — ');
    if (people.some((p) => JSON.stringify(p.ref) === JSON.stringify(ref))) {
      setInputError(t('testing.collect.already'));
      return;
    }
    setInputError(null);
    setPeople((list) => [...list, { ref, label }]);
    setInput('');
    setName('');
  };

  const save = async () => {
    if (!place || people.length === 0) return;
    const barcode = stock[0];
    if (!barcode) {
      setNotice(t('testing.collect.noBarcodes'));
      return;
    }
    const rest = stock.slice(1);
    writeJson(STOCK_KEY, rest);
    setStock(rest);
    const key = newKey();
    const label = people.map((p) => p.label).join(', ');
    await tubes.enqueue({
      idempotencyKey: key,
      queuedAt: new Date().toISOString(),
      owner,
      label,
      body: {
        kind,
        people: people.map((p) => p.ref),
        collectedAt: new Date().toISOString(),
        unitCode: place.code,
        barcode,
        ...(campaignId ? { campaignId } : {}),
      },
    });
    setRecent((list) => [{ key, barcode, label, state: 'queued' as const }, ...list].slice(0, 30));
    setNotice(
      navigator.onLine
        ? t('testing.collect.saved', { barcode, count: people.length })
        : t('testing.collect.queued', { barcode }),
    );
    setPeople([]);
    await refreshCount();
    void sync();
  };

  const individual = kind !== 'rt-pcr-pool';
  const full = individual ? people.length >= 1 : people.length >= poolMax;
  const canSave = place !== null && (individual ? people.length === 1 : people.length >= 2);

  return (
    <div className="ts-page">
      <PageTitle>{t('testing.collect.title')}</PageTitle>
      <div className="card ck-sync" data-testid="ts-sync">
        <p role="status" aria-live="polite">
          <span data-testid="ts-pending-count">{t('testing.collect.pending', { count })}</span>
          {' · '}
          <span className={online ? 'ck-online' : 'ck-offline'}>
            {online ? t('testing.collect.online') : t('testing.collect.offline')}
          </span>
        </p>
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={syncing || !count}
          onClick={() => void sync()}
        >
          {syncing ? t('testing.collect.syncing') : t('testing.collect.syncNow')}
        </button>
        <p className="muted">
          {stock.length > 0
            ? t('testing.collect.barcodesLeft', { count: stock.length })
            : t('testing.collect.noBarcodes')}{' '}
          {stock.length > 0 ? (
            <Link to={`/testing/labels?layout=a4&codes=${stock.slice(0, 30).join(',')}`}>
              {t('testing.collect.printSheet')}
            </Link>
          ) : null}
        </p>
        <ErrorMessage error={syncError} />
        {notice ? (
          <p className="muted" aria-live="polite" data-testid="ts-notice">
            {notice}
          </p>
        ) : null}
      </div>

      <section className="card">
        <UnitPicker
          label={t('testing.collect.place')}
          value={place}
          onChange={(u) => {
            setPlace(u);
            writeJson(PLACE_KEY, u);
          }}
        />
        <SelectField
          label={t('testing.collect.campaign')}
          value={campaignId}
          onChange={(e) => setCampaignId(e.target.value)}
        >
          <option value="">{t('testing.collect.noCampaign')}</option>
          {(campaigns?.items ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('testing.collect.kind')}
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as SampleKind);
            setPeople([]);
          }}
          hint={
            kind === 'rt-pcr-pool'
              ? t('testing.collect.poolMax', {
                  max: poolMax,
                  advice: advised === undefined ? '—' : advised === 1 ? t('testing.overview.individual') : advised,
                })
              : undefined
          }
        >
          {SAMPLE_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`testing.kinds.${k}`)}
            </option>
          ))}
        </SelectField>
      </section>

      <form className="card" onSubmit={addPerson} noValidate>
        <TextField
          label={t('testing.collect.person')}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          error={inputError}
          autoComplete="off"
          disabled={full}
        />
        <TextField
          label={t('testing.collect.name')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          optional
          autoComplete="off"
          disabled={full}
        />
        <button type="submit" className="button button-secondary" disabled={full || !input.trim()}>
          {t('testing.collect.addPerson')}
        </button>
      </form>

      <section className="card" aria-labelledby="ts-people">
        <h2 id="ts-people">{t('testing.collect.people', { count: people.length })}</h2>
        <ol className="ts-people">
          {people.map((p, i) => (
            <li key={`${p.label}-${i}`}>
              {p.label}{' '}
              <button
                type="button"
                className="button-link"
                aria-label={t('testing.collect.remove', { who: p.label })}
                onClick={() => setPeople((list) => list.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </li>
          ))}
        </ol>
        <button type="button" className="button" disabled={!canSave} onClick={() => void save()}>
          {t('testing.collect.save')}
        </button>
      </section>

      <ShipForm sent={recent.filter((r) => r.state === 'sent').map((r) => r.barcode)} />

      <section className="card" aria-labelledby="ts-recent">
        <h2 id="ts-recent">{t('testing.collect.recent')}</h2>
        {recent.length === 0 ? <p className="muted">{t('testing.collect.noRecent')}</p> : null}
        <ul className="ts-recent">
          {recent.map((r) => (
            <li key={r.key} className={`ts-tube ts-${r.state}`} data-barcode={r.barcode}>
              <strong>{r.barcode}</strong> <span className="muted">{r.label}</span>
              <br />
              <span data-testid="ts-tube-state">
                {r.state === 'queued'
                  ? t('testing.collect.pending', { count: 1 })
                  : r.state === 'sent'
                    ? t('testing.collect.sent')
                    : `${t('testing.collect.refused')}: ${r.text ?? ''}`}
              </span>{' '}
              <Link to={`/testing/labels?layout=small&codes=${r.barcode}`}>{t('testing.collect.printLabel')}</Link>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

/** Packs the tubes of this session (or any typed barcodes) into a shipment to a lab. */
function ShipForm({ sent }: { sent: string[] }) {
  const { t } = useTranslation();
  const { data: labs } = useApiGet<LabList>('/labs');
  const [labId, setLabId] = useState('');
  const [codes, setCodes] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const action = useApiAction();
  const list = (codes.trim() ? codes : sent.join('\n'))
    .split(/[\s,;]+/)
    .map((c) => c.trim())
    .filter(Boolean);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const lab = labId || labs?.items[0]?.id;
    if (!lab || list.length === 0) return;
    setMessage(null);
    void action.run(async () => {
      const r = await api<{ id: string; count: number }>('POST', '/shipments', { labId: lab, barcodes: list });
      setMessage(t('testing.ship.sent', { count: r.count }));
      setCodes('');
    });
  };
  return (
    <form className="card" aria-labelledby="ts-ship" onSubmit={submit}>
      <h2 id="ts-ship">{t('testing.ship.title')}</h2>
      <SelectField label={t('testing.ship.lab')} value={labId} onChange={(e) => setLabId(e.target.value)}>
        {(labs?.items ?? []).map((l) => (
          <option key={l.id} value={l.id}>
            {l.name}
          </option>
        ))}
      </SelectField>
      <div className="field">
        <label htmlFor="ts-ship-codes">{t('testing.ship.barcodes')}</label>
        <textarea
          id="ts-ship-codes"
          rows={3}
          value={codes}
          placeholder={sent.join('\n')}
          onChange={(e) => setCodes(e.target.value)}
        />
      </div>
      <ErrorMessage error={action.error} />
      {message ? <p role="status">{message}</p> : null}
      <button
        type="submit"
        className="button button-secondary"
        disabled={action.busy || list.length === 0 || !labs?.items.length}
      >
        {t('testing.ship.send')}
      </button>
    </form>
  );
}
