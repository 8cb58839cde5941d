/**
 * The audit log viewer (issue 11, item 14), for administrators: who did what to which record and when, filtered by
 * person ("who viewed this person", opened from a person's record as `/audit?personId=…`), staff account, action and
 * days, newest first, a page at a time. The server answers only within the admin's scope and records the reading.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { api, query } from '../../lib/api.ts';
import type { AuditEntry } from '../../lib/api-types.ts';
import { navigate } from '../../lib/router.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { formatTime } from '../checkins/format.ts';
import './audit.css';
import './texts.ts';

const PAGE = 50;
/** The action filters offered: every action of a module (the server's `module.` prefix). */
const MODULES = ['auth', 'people', 'cases', 'checkins', 'venues', 'testing', 'staff', 'audit'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Filters {
  personId: string;
  actor: string;
  module: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { personId: '', actor: '', module: '', from: '', to: '' };

/** The filters in the page's address (`/audit?personId=…`), so a person's record can link here. */
function filtersFromUrl(): Filters {
  const p = new URLSearchParams(window.location.search);
  const get = (k: string) => p.get(k) ?? '';
  return { personId: get('personId'), actor: get('actor'), module: get('module'), from: get('from'), to: get('to') };
}

/** A local (Việt Nam) day's start as an instant; `next` gives the start of the day after (an exclusive end). */
function dayStart(day: string, next = false): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const start = Date.parse(`${day}T00:00:00+07:00`);
  return new Date(start + (next ? 86_400_000 : 0)).toISOString();
}

function apiPath(f: Filters, before?: number): string {
  return `/audit${query({
    personId: UUID.test(f.personId.trim()) ? f.personId.trim() : undefined,
    actor: f.actor.trim().toLowerCase(),
    action: f.module ? `${f.module}.` : undefined,
    from: dayStart(f.from),
    to: dayStart(f.to, true),
    before,
    limit: PAGE,
  })}`;
}

export function AuditPage() {
  const { t } = useTranslation();
  const [form, setForm] = useState<Filters>(filtersFromUrl);
  const [applied, setApplied] = useState<Filters>(form);
  const first = useApiGet<AuditEntry[]>(apiPath(applied));
  const [more, setMore] = useState<{ path: string; entries: AuditEntry[]; done: boolean }>({
    path: '',
    entries: [],
    done: false,
  });
  const loadMore = useApiAction();
  const path = apiPath(applied);
  // pages after the first belong to the filters they were loaded for
  const extra = more.path === path ? more : { path, entries: [], done: false };
  const entries = first.data ? [...first.data, ...extra.entries] : undefined;
  const hasMore = !!first.data && first.data.length === PAGE && !extra.done;
  const personId = UUID.test(applied.personId.trim()) ? applied.personId.trim() : null;

  const apply = (filters: Filters) => {
    setApplied(filters);
    navigate(`/audit${query({ ...filters })}`, { replace: true });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply(form);
  };
  const set = (key: keyof Filters) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  return (
    <div>
      <PageTitle>{t('audit.title')}</PageTitle>
      <p className="lead">{t('audit.intro')}</p>
      <form className="card au-filters" onSubmit={submit}>
        <TextField
          label={t('audit.personId')}
          hint={t('audit.personIdHint')}
          autoComplete="off"
          spellCheck={false}
          value={form.personId}
          onChange={set('personId')}
        />
        <TextField
          label={t('audit.actor')}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          value={form.actor}
          onChange={set('actor')}
        />
        <SelectField label={t('audit.action')} value={form.module} onChange={set('module')}>
          <option value="">{t('audit.actions.all')}</option>
          {MODULES.map((m) => (
            <option key={m} value={m}>
              {t(`audit.actions.${m}`)}
            </option>
          ))}
        </SelectField>
        <div className="field-row">
          <TextField label={t('audit.from')} type="date" value={form.from} onChange={set('from')} />
          <TextField label={t('audit.to')} type="date" value={form.to} onChange={set('to')} />
        </div>
        <div className="actions">
          <button type="submit" className="button">
            {t('audit.filter')}
          </button>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              setForm(EMPTY);
              apply(EMPTY);
            }}
          >
            {t('audit.clear')}
          </button>
        </div>
      </form>
      {personId ? (
        <p className="alert alert-info" data-testid="audit-person">
          {t('audit.aboutPerson', { id: personId })}
        </p>
      ) : null}
      <ListStatus list={{ ...first, data: entries }} empty="audit.empty" count="audit.count" />
      {entries && entries.length > 0 ? (
        <ol className="au-list">
          {entries.map((e) => (
            <Entry key={e.id} entry={e} />
          ))}
        </ol>
      ) : null}
      <ErrorMessage error={loadMore.error} />
      {hasMore ? (
        <button
          type="button"
          className="button button-secondary"
          disabled={loadMore.busy}
          onClick={() =>
            void loadMore.run(async () => {
              const last = entries?.at(-1)?.id;
              const page = await api<AuditEntry[]>('GET', apiPath(applied, last));
              setMore({ path, entries: [...extra.entries, ...page], done: page.length < PAGE });
            })
          }
        >
          {t('audit.more')}
        </button>
      ) : null}
    </div>
  );
}

function Entry({ entry: e }: { entry: AuditEntry }) {
  const { t, i18n } = useTranslation();
  const who =
    e.actorType === 'staff'
      ? (e.username ?? e.actorId ?? '')
      : e.actorType === 'system'
        ? t('audit.system', { name: e.actorId ?? '' })
        : e.actorType === 'citizen'
          ? t('audit.citizen')
          : t('audit.anonymous');
  const details = Object.entries(e.details);
  return (
    <li className="card au-entry" data-action={e.action} data-username={e.username ?? ''}>
      <p className="au-head">
        <time dateTime={e.at}>{formatTime(e.at, i18n.language)}</time>
        <strong>{who}</strong>
        <span className="mono">{e.action}</span>
        <span className={e.outcome === 'ok' ? 'badge badge-on' : 'badge badge-off'}>
          {t(`audit.outcome.${e.outcome}`, { defaultValue: e.outcome })}
        </span>
      </p>
      <p className="au-meta muted">
        {e.resourceType ? <span>{t('audit.resource', { type: e.resourceType, id: e.resourceId ?? '' })}</span> : null}
        {e.unitCode ? <span>{t('audit.unit', { code: e.unitCode })}</span> : null}
        {e.personCount > 0 ? <span>{t('audit.people', { count: e.personCount })}</span> : null}
        {e.route ? <span className="mono">{e.route}</span> : null}
      </p>
      {details.length > 0 ? (
        <p className="au-meta muted">
          <span className="visually-hidden">{t('audit.details')}: </span>
          {details.map(([k, v]) => (
            <span key={k} className="mono">
              {k}={String(v)}
            </span>
          ))}
        </p>
      ) : null}
    </li>
  );
}
