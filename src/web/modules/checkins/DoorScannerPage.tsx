/**
 * Venue staff: "Quét tại cửa" for one venue — staff accounts, and the managers of a venue the commune has verified (a
 * citizen-run venue not verified yet is told so, and shown no door forms: the server refuses them, 403
 * VENUE_NOT_VERIFIED). Scan or paste a citizen's personal QR, have a one-time code sent to the
 * phone of someone without a smartphone and type the code they read back, or type a national ID / phone (+ name) or
 * paste a guest/passenger list. Scans and typed
 * entries are stored in IndexedDB first with their idempotency key and scan time, then sent through
 * POST /checkins/batch — one person scanned or typed while online at once as a live item, which a venue requiring a
 * declaration today refuses (shown as "do not let in"); without network they wait ("Chờ gửi: N") and go out when the connection returns (the
 * `online` event and a timer), keeping their original times. A door code needs the network (it is sent and checked
 * at once), so it goes straight to POST /checkins.
 * The results are at the top, newest first (`DoorResult.tsx`): who a personal QR belongs to (name, masked unless the
 * account may read the person's record, and birth year), the person's declaration badge of the day; they stay on
 * the device across reloads until the end of the day or sign-out (`recent.ts`).
 * A COVID green pass (`HC1:…`, an EU DCC) scanned or pasted at the door is verified offline by the green pass
 * verifier (`../greenpass/doorPass.ts`, loaded on demand: the trust list, revocation list and rules kept on the
 * device) and its verdict joins the results — it is never sent as a check-in (a DCC names no Truyvet person).
 */
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { api } from '../../lib/api.ts';
import type { DoorCodeBody, DoorCodeResponse, VenueView } from '../../lib/api-types.ts';
import { Link } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { localDay } from '../../lib/time.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { CameraScanner } from './CameraScanner.tsx';
import { postCheckin } from './checkinApi.ts';
import { newKey, parsePersonQr, parseVenueCode } from './codes.ts';
import { type DoorGreenPass, DoorResults, type DoorScanResult } from './DoorResult.tsx';
import {
  enqueue,
  flushQueue,
  isRetryable,
  ownerOf,
  pendingCounts,
  type QueueItem,
  type SyncOutcome,
  sendLive,
} from './queue.ts';
import { loadRecent, saveRecent, withResults } from './recent.ts';

const RETRY_MS = 15_000;
const VENUE_CACHE = 'truyvet.door.venue.';
const VERIFIED_CACHE = 'truyvet.door.verified.';
const PHONE = /^(\+84|0)\d{9,10}$/;

/** An EU DCC (green pass) code: `HC1:` then base45. */
export function isGreenPassCode(raw: string): boolean {
  return /^HC1:/i.test(raw.trim());
}

const doorVerifier = () => import('../greenpass/doorPass.ts');

/** What the door shows of a scan the server answered. */
function toResult({ item, result }: SyncOutcome): DoorScanResult {
  const { person, badge } = result.checkin ?? {};
  return {
    key: item.idempotencyKey,
    at: item.at,
    ok: result.status < 300,
    label: item.personQr ? '' : item.label,
    ...(result.error
      ? { error: { code: result.error.code, message: result.error.message, messageVi: result.error.messageVi } }
      : {}),
    ...(person ? { person } : {}),
    ...(badge ? { badge } : {}),
  };
}

/** "0791234567890, Nguyễn Văn A" → the person; null for a line that is neither a 12-digit ID nor a phone. */
export function parseGuestLine(line: string): { nationalId?: string; phone?: string; name?: string } | null {
  const [idPart = '', ...rest] = line.split(/[,;\t]/);
  const id = idPart.replace(/[\s.]/g, '');
  const name = rest.join(',').trim();
  if (/^\d{12}$/.test(id)) return { nationalId: id, ...(name ? { name } : {}) };
  if (/^(\+84|0)\d{9,10}$/.test(id)) return { phone: id, ...(name ? { name } : {}) };
  return null;
}

function cached(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function DoorScannerPage({ venueId }: { venueId: string }) {
  const { t, i18n } = useTranslation();
  const { me } = useSession();
  // the page is only shown to a signed-in account; its scans are queued and sent under that account only
  const owner = me ? ownerOf(me) : 'nobody';
  const { data: venue, error: venueError } = useApiGet<VenueView>(`/venues/${venueId}`);
  const venueName = venue?.name ?? cached(VENUE_CACHE + venueId);
  // the door is for staff and for venues the commune verified (the server refuses the others); undefined while the
  // venue is loading on a device that never opened it
  const cachedVerified = cached(VERIFIED_CACHE + venueId);
  const verified = venue ? venue.verified : cachedVerified === null ? undefined : cachedVerified === '1';
  const atDoor = me?.kind === 'staff' || verified === true;
  const [count, setCount] = useState<number | null>(null);
  const [others, setOthers] = useState(0);
  const [outcomes, setOutcomes] = useState<DoorScanResult[]>(() => loadRecent(venueId, owner));
  const [syncError, setSyncError] = useState<unknown>(null);
  const [syncing, setSyncing] = useState(false);
  const [online, setOnline] = useState(navigator.onLine);
  const [notice, setNotice] = useState<string | null>(null);
  const mounted = useRef(true);

  useEffect(() => {
    if (venue) {
      try {
        window.localStorage.setItem(VENUE_CACHE + venue.id, venue.name);
        window.localStorage.setItem(VERIFIED_CACHE + venue.id, venue.verified ? '1' : '0');
      } catch {
        // the name is only a convenience for offline starts
      }
    }
  }, [venue]);

  // the results kept for this venue and account today; at midnight (Việt Nam time) the day's results go
  useEffect(() => {
    setOutcomes(loadRecent(venueId, owner));
    let day = localDay();
    const timer = window.setInterval(() => {
      if (localDay() === day) return;
      day = localDay();
      setOutcomes(loadRecent(venueId, owner));
    }, 60_000);
    return () => window.clearInterval(timer);
  }, [venueId, owner]);

  /** New results on top (each scan once), kept on the device for the day. */
  const addResults = useCallback(
    (results: DoorScanResult[]) =>
      setOutcomes((list) => {
        const next = withResults(list, results);
        saveRecent(venueId, owner, next);
        return next;
      }),
    [venueId, owner],
  );

  const refreshCount = useCallback(async () => {
    const counts = await pendingCounts(owner);
    if (mounted.current) {
      setCount(counts.mine);
      setOthers(counts.others);
    }
  }, [owner]);

  const sync = useCallback(async () => {
    if (!navigator.onLine) {
      await refreshCount();
      return;
    }
    setSyncing(true);
    try {
      const done = await flushQueue(owner);
      if (mounted.current) {
        setSyncError(null);
        if (done.length > 0) addResults(done.map(toResult).reverse());
      }
    } catch (e) {
      // offline or the server is down: the scans stay queued; other refusals are shown
      if (mounted.current) setSyncError(isRetryable(e) ? null : e);
    } finally {
      if (mounted.current) setSyncing(false);
      await refreshCount();
    }
  }, [refreshCount, addResults, owner]);

  // the green pass verifier's trust material, fetched while online so a door that loses the network still verifies
  useEffect(() => {
    if (navigator.onLine) void doorVerifier().then((m) => m.prepareDoorVerifier());
  }, []);

  /** A green pass: verified on this device, shown in the results, never recorded as a check-in. */
  const checkPass = async (qr: string): Promise<string | null> => {
    const { verifyAtDoor } = await doorVerifier();
    const outcome = await verifyAtDoor(qr, i18n.language);
    if (!outcome.ok) return t('checkins.door.passNoTrust');
    const { check } = outcome;
    const greenPass: DoorGreenPass = {
      verdict: check.verdict,
      reasonCode: check.reason,
      reason: t(`greenpass.reasons.${check.reason}`, { defaultValue: check.reason }),
      ...(check.holder ? { name: check.holder.name, ...(check.holder.dob ? { dob: check.holder.dob } : {}) } : {}),
      ...(check.type ? { type: check.type } : {}),
      ...(check.failedRules?.length
        ? { failedRules: check.failedRules.map((r) => r.description ?? r.identifier) }
        : {}),
    };
    addResults([{ key: newKey(), at: new Date().toISOString(), ok: true, kind: 'pass', label: '', greenPass }]);
    return null;
  };

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

  /**
   * Queues scans (stored first, nothing lost); `live` — one person scanned or typed at the door just now — also sends
   * them at once as live items when online, so a venue's "declared today" rule can refuse the person while they are
   * still outside. A list, and anything that waits offline, goes through the queue (those people are in already).
   */
  const add = async (
    people: Array<Omit<QueueItem, 'idempotencyKey' | 'venueId' | 'at' | 'queuedAt'>>,
    live = false,
  ) => {
    const now = new Date().toISOString();
    const items: QueueItem[] = people.map((person) => ({
      ...person,
      idempotencyKey: newKey(),
      venueId,
      at: now,
      queuedAt: now,
      owner,
    }));
    for (const item of items) await enqueue(item);
    if (live && navigator.onLine) {
      setNotice(null);
      try {
        const done = await sendLive(items);
        if (mounted.current && done.length > 0) addResults(done.map(toResult).reverse());
      } catch (e) {
        // not delivered: the scans wait in the queue and go out as replays
        if (mounted.current && !isRetryable(e)) setSyncError(e);
      }
    } else {
      setNotice(t('checkins.door.queued', { count: people.length }));
    }
    await refreshCount();
    void sync();
  };

  return (
    <div className="ck-page">
      <PageTitle>{t('checkins.door.title')}</PageTitle>
      <p className="lead">
        {venueName ? <strong className="ck-venue-name">{venueName}</strong> : null}
        {venue ? <span className="muted"> · {venue.shortCode}</span> : null}
      </p>
      {venueError && !venueName ? <ErrorMessage error={venueError} /> : null}
      <div className="card ck-sync" data-testid="ck-sync">
        <p role="status" aria-live="polite" className="ck-pending">
          <span data-testid="ck-pending-count">{t('checkins.door.pending', { count: count ?? 0 })}</span>
          {' · '}
          <span className={online ? 'ck-online' : 'ck-offline'}>
            {online ? t('checkins.door.online') : t('checkins.door.offline')}
          </span>
        </p>
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={syncing || !count}
          onClick={() => void sync()}
        >
          {syncing ? t('checkins.door.syncing') : t('checkins.door.syncNow')}
        </button>
        {others > 0 ? (
          <p className="muted" data-testid="ck-pending-others">
            {t('checkins.door.pendingOthers', { count: others })}
          </p>
        ) : null}
        <ErrorMessage error={syncError} />
        {notice ? (
          <p className="muted" aria-live="polite">
            {notice}
          </p>
        ) : null}
      </div>
      <DoorResults results={outcomes} />
      {atDoor ? (
        <>
          <PersonQrForm
            onScan={(personQr) => add([{ personQr, label: t('checkins.door.personQrLabel') }], true)}
            onPass={checkPass}
          />
          <DoorCodeForm venueId={venueId} online={online} onRecorded={(r) => addResults([r])} />
          <ManualForm
            onAdd={(p) =>
              add(
                [
                  {
                    ...p,
                    label: [p.name, p.nationalId ?? p.phone].filter(Boolean).join(' — '),
                  },
                ],
                true,
              )
            }
          />
          <BulkForm
            onAdd={(list) =>
              add(list.map((p) => ({ ...p, label: [p.name, p.nationalId ?? p.phone].filter(Boolean).join(' — ') })))
            }
          />
        </>
      ) : verified === false ? (
        <p className="card muted" data-testid="ck-not-verified">
          {t('checkins.door.notVerified')}
        </p>
      ) : null}
      <p>
        <Link to="/door">{t('checkins.door.otherVenue')}</Link>
      </p>
    </div>
  );
}

function PersonQrForm({
  onScan,
  onPass,
}: {
  onScan: (personQr: string) => Promise<void>;
  /** a green pass code: verified, not recorded; resolves to a problem to show, or null */
  onPass: (qr: string) => Promise<string | null>;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const accept = async (value: string) => {
    if (isGreenPassCode(value)) {
      const problem = await onPass(value.trim());
      setError(problem);
      if (!problem) setText('');
      return;
    }
    const qr = parsePersonQr(value);
    if (!qr) {
      setError(parseVenueCode(value) ? t('checkins.door.venueCode') : t('checkins.door.invalidPersonQr'));
      return;
    }
    setError(null);
    setText('');
    await onScan(qr);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void accept(text);
  };
  return (
    <section className="card" aria-labelledby="ck-door-qr">
      <h2 id="ck-door-qr">{t('checkins.door.qrTitle')}</h2>
      <CameraScanner onCode={(value) => void accept(value)} />
      <form onSubmit={submit} noValidate>
        <TextField
          label={t('checkins.door.personQr')}
          hint={t('checkins.door.personQrHint')}
          autoComplete="off"
          spellCheck={false}
          value={text}
          error={error}
          onChange={(e) => setText(e.target.value)}
        />
        {/* says what will happen: a green pass is only checked, a personal QR is recorded */}
        <button type="submit" className="button" disabled={!text.trim()}>
          {isGreenPassCode(text) ? t('checkins.door.checkPass') : t('checkins.door.record')}
        </button>
      </form>
    </section>
  );
}

/**
 * Someone without a smartphone: a one-time code is sent to their phone, they read it back, and the door records them
 * with it (the code proves they are here; the server answers the same whether or not the phone is known).
 */
function DoorCodeForm({
  venueId,
  online,
  onRecorded,
}: {
  venueId: string;
  online: boolean;
  onRecorded: (r: DoorScanResult) => void;
}) {
  const { t } = useTranslation();
  const [phone, setPhone] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [minutes, setMinutes] = useState(0);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const action = useApiAction();
  // one key per person recorded: a retry of the same request is answered, never recorded twice
  const [key, setKey] = useState(newKey);

  const reset = () => {
    setSentTo(null);
    setPhone('');
    setCode('');
    setName('');
    setFieldError(null);
    action.reset();
  };

  const send = (event: FormEvent) => {
    event.preventDefault();
    const tel = phone.replace(/[\s.]/g, '');
    if (!PHONE.test(tel)) {
      setFieldError(t('checkins.door.badPhone'));
      return;
    }
    setFieldError(null);
    void action.run(async () => {
      const res = await api<DoorCodeResponse>('POST', '/checkins/door-codes', {
        venueId,
        phone: tel,
      } satisfies DoorCodeBody);
      setMinutes(Math.max(1, Math.round(res.expiresInSeconds / 60)));
      setSentTo(tel);
      setCode('');
      setKey(newKey());
    });
  };

  const record = (event: FormEvent) => {
    event.preventDefault();
    const digits = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(digits)) {
      setFieldError(t('checkins.door.otpBadCode'));
      return;
    }
    if (!sentTo) return;
    setFieldError(null);
    void action.run(async () => {
      const result = await postCheckin(
        { venueId, phone: sentTo, otp: digits, ...(name.trim() ? { name: name.trim() } : {}) },
        key,
      );
      onRecorded({
        key,
        label: [name.trim(), sentTo].filter(Boolean).join(' — '),
        at: result.at,
        ok: true,
        ...(result.badge ? { badge: result.badge } : {}),
      });
      reset();
    });
  };

  return (
    <section className="card" aria-labelledby="ck-door-otp">
      <h2 id="ck-door-otp">{t('checkins.door.otpTitle')}</h2>
      <p className="muted">{t('checkins.door.otpIntro')}</p>
      {!online ? <p className="muted">{t('checkins.door.otpOffline')}</p> : null}
      {sentTo ? (
        <form onSubmit={record} noValidate>
          <p role="status" aria-live="polite">
            {t('checkins.door.otpSent', { phone: sentTo, minutes })}
          </p>
          <TextField
            label={t('checkins.door.otpCode')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            error={fieldError}
            onChange={(e) => setCode(e.target.value)}
          />
          <TextField
            label={t('checkins.door.otpName')}
            hint={t('checkins.door.otpNameHint')}
            autoComplete="off"
            optional
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <ErrorMessage error={action.error} />
          <button type="submit" className="button" disabled={action.busy || !online}>
            {t('checkins.door.otpRecord')}
          </button>{' '}
          <button type="button" className="button button-secondary" onClick={reset}>
            {t('checkins.door.otpOther')}
          </button>
        </form>
      ) : (
        <form onSubmit={send} noValidate>
          <TextField
            label={t('checkins.door.otpPhone')}
            type="tel"
            autoComplete="off"
            value={phone}
            error={fieldError}
            onChange={(e) => setPhone(e.target.value)}
          />
          <ErrorMessage error={action.error} />
          <button type="submit" className="button" disabled={action.busy || !online}>
            {action.busy ? t('checkins.door.otpSending') : t('checkins.door.otpSend')}
          </button>
        </form>
      )}
    </section>
  );
}

function ManualForm({
  onAdd,
}: {
  onAdd: (p: { nationalId?: string; phone?: string; name?: string }) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [nationalId, setNationalId] = useState('');
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const id = nationalId.replace(/\s/g, '');
    const tel = phone.replace(/[\s.]/g, '');
    const problems: Record<string, string> = {};
    if (!id && !tel) problems.nationalId = t('checkins.door.idOrPhone');
    if (id && !/^\d{12}$/.test(id)) problems.nationalId = t('checkins.door.badNationalId');
    if (tel && !/^(\+84|0)\d{9,10}$/.test(tel)) problems.phone = t('checkins.door.badPhone');
    if (!name.trim()) problems.name = t('errors.required');
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setNationalId('');
    setPhone('');
    setName('');
    await onAdd({ ...(id ? { nationalId: id } : {}), ...(tel ? { phone: tel } : {}), name: name.trim() });
  };
  return (
    <section className="card" aria-labelledby="ck-door-manual">
      <h2 id="ck-door-manual">{t('checkins.door.manualTitle')}</h2>
      <form onSubmit={submit} noValidate>
        <TextField
          label={t('checkins.door.nationalId')}
          inputMode="numeric"
          maxLength={12}
          autoComplete="off"
          value={nationalId}
          error={errors.nationalId}
          onChange={(e) => setNationalId(e.target.value)}
        />
        <TextField
          label={t('checkins.door.phone')}
          type="tel"
          autoComplete="off"
          optional
          value={phone}
          error={errors.phone}
          onChange={(e) => setPhone(e.target.value)}
        />
        <TextField
          label={t('checkins.door.name')}
          autoComplete="off"
          value={name}
          error={errors.name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="button">
          {t('checkins.door.recordPerson')}
        </button>
      </form>
    </section>
  );
}

function BulkForm({
  onAdd,
}: {
  onAdd: (list: Array<{ nationalId?: string; phone?: string; name?: string }>) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const lines = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length === 0) {
      setError(t('errors.required'));
      return;
    }
    const bad: number[] = [];
    const people = lines.map((line, i) => {
      const p = parseGuestLine(line);
      if (!p) bad.push(i + 1);
      return p;
    });
    if (bad.length > 0) {
      setError(t('checkins.door.bulkBadLines', { lines: bad.join(', ') }));
      return;
    }
    setError(null);
    setText('');
    await onAdd(people.filter((p) => p !== null));
  };
  return (
    <section className="card" aria-labelledby="ck-door-bulk">
      <h2 id="ck-door-bulk">{t('checkins.door.bulkTitle')}</h2>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="ck-bulk">{t('checkins.door.bulkLabel')}</label>
          <p className="hint" id="ck-bulk-hint">
            {t('checkins.door.bulkHint')}
          </p>
          <textarea
            id="ck-bulk"
            className="ck-textarea"
            rows={5}
            value={text}
            aria-describedby={error ? 'ck-bulk-hint ck-bulk-error' : 'ck-bulk-hint'}
            aria-invalid={error ? true : undefined}
            onChange={(e) => setText(e.target.value)}
          />
          {error ? (
            <p className="field-error" id="ck-bulk-error">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button">
          {t('checkins.door.bulkSubmit')}
        </button>
      </form>
    </section>
  );
}

/** "Quét tại cửa" without a venue yet: the venues this user may check people in at. */
export function DoorVenuesPage() {
  const { t } = useTranslation();
  const venues = useApiGet<VenueView[]>('/venues');
  const { data } = venues;
  return (
    <div className="ck-page">
      <PageTitle>{t('checkins.door.title')}</PageTitle>
      <p className="lead">{t('checkins.door.chooseVenue')}</p>
      <ListStatus list={venues} empty="checkins.door.noVenues" />
      <ul className="ck-list">
        {(data ?? []).map((v) => (
          <li key={v.id} className="card ck-item">
            <Link to={`/door/${v.id}`}>{v.name}</Link>
            <span className="muted"> · {v.address}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
