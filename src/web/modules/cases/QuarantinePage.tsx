/**
 * The quarantine officer's work (issue 11, item 13): the quarantine orders issued in their area, soonest end first —
 * who, where, how to call them, until when — and the changes they make: a new end date, ended, cancelled, or active
 * again, a page at a time ("Xem thêm": the server's keyset pages). `QuarantineDue` is the same list cut to the orders
 * ending in the next three days, for the officer's home.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { MoreButton } from '../../components/MoreButton.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { query } from '../../lib/api.ts';
import type { QuarantineOrder, UpdatedQuarantineOrder, UpdateQuarantineBody } from '../../lib/api-types.ts';
import { Link } from '../../lib/router.tsx';
import { localDay } from '../../lib/time.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { useApiPages } from '../../lib/useApiPages.ts';
import { apiPatch, formatDateOnly } from './model.ts';
import './quarantine.css';
import './quarantine-texts.ts';

const DAY = 86_400_000;

/** `date` plus `days` calendar days. */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Whole days from today to `date` (negative: in the past). */
function daysUntil(date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${localDay()}T00:00:00Z`)) / DAY);
}

type Filter = 'active' | 'due' | 'released' | 'cancelled' | 'all';
const FILTERS: Filter[] = ['active', 'due', 'released', 'cancelled', 'all'];

/** Orders per page: "Xem thêm" loads the next page from the server (keyset paging, X-Next-Cursor). */
const PAGE = 50;

function listPath(filter: Filter, q: string): string {
  const status = filter === 'due' ? 'active' : filter;
  const endsBy = filter === 'due' ? localDay() : undefined;
  return `/quarantine-orders${query({ status, q: q.trim(), endsBy, limit: PAGE })}`;
}

/** "còn 3 ngày" / "kết thúc hôm nay" / "quá hạn 2 ngày" for an active order. */
function Remaining({ order }: { order: QuarantineOrder }) {
  const { t } = useTranslation();
  if (order.status !== 'active') return null;
  const days = daysUntil(order.endsOn);
  const text =
    days > 0
      ? t('quarantine.daysLeft', { count: days })
      : days === 0
        ? t('quarantine.endsToday')
        : t('quarantine.overdue', { count: -days });
  return <span className={days < 0 ? 'badge badge-off' : 'badge'}>{text}</span>;
}

function OrderSummary({ order }: { order: QuarantineOrder }) {
  const { t } = useTranslation();
  return (
    <>
      <p>
        {t('quarantine.dates', {
          kind: t(`quarantine.kind.${order.kind}`, { defaultValue: order.kind }),
          from: formatDateOnly(order.startsOn),
          to: formatDateOnly(order.endsOn),
        })}{' '}
        <Remaining order={order} />
      </p>
      <p className="muted">{[order.address, order.unitName].filter(Boolean).join(' — ')}</p>
    </>
  );
}

/** Whether an order, as it is now, still belongs in the list shown under `filter`. */
function listed(order: { status: QuarantineOrder['status']; endsOn: string }, filter: Filter): boolean {
  if (filter === 'all') return true;
  if (filter === 'due') return order.status === 'active' && order.endsOn <= localDay();
  return order.status === filter;
}

export default function QuarantinePage() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<Filter>('active');
  const [q, setQ] = useState('');
  // the filter of the list shown (the form's may have changed since)
  const [shown, setShown] = useState<Filter>('active');
  const [path, setPath] = useState(() => listPath('active', ''));
  const orders = useApiPages<QuarantineOrder>(path);
  const [done, setDone] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    setShown(filter);
    setPath(listPath(filter, q));
  };

  // a changed order is changed where it stands (the pages loaded stay); one that no longer fits the list leaves it
  const changed = (updated: UpdatedQuarantineOrder, message: string) => {
    setDone(message);
    orders.update((rows) =>
      rows.flatMap((o) => (o.id !== updated.id ? [o] : listed(updated, shown) ? [{ ...o, ...updated }] : [])),
    );
  };

  return (
    <div>
      <PageTitle>{t('quarantine.title')}</PageTitle>
      <p className="lead">{t('quarantine.intro')}</p>
      <form className="card cs-filters" onSubmit={submit}>
        <TextField label={t('quarantine.search')} value={q} onChange={(e) => setQ(e.target.value)} />
        <SelectField
          label={t('quarantine.status')}
          value={filter}
          onChange={(e) => setFilter(e.target.value as Filter)}
        >
          {FILTERS.map((f) => (
            <option key={f} value={f}>
              {t(`quarantine.statuses.${f}`)}
            </option>
          ))}
        </SelectField>
        <div className="actions">
          <button type="submit" className="button">
            {t('quarantine.filter')}
          </button>
        </div>
      </form>
      <SuccessMessage text={done} />
      <ListStatus
        list={orders}
        empty="quarantine.empty"
        count={orders.hasMore ? 'common.shownMore' : 'quarantine.count'}
      />
      {orders.data && orders.data.length > 0 ? (
        <ul className="cards">
          {orders.data.map((order) => (
            <OrderCard key={order.id} order={order} onChanged={changed} />
          ))}
        </ul>
      ) : null}
      <MoreButton list={orders} />
    </div>
  );
}

function OrderCard({
  order,
  onChanged,
}: {
  order: QuarantineOrder;
  onChanged: (updated: UpdatedQuarantineOrder, message: string) => void;
}) {
  const { t } = useTranslation();
  const [endsOn, setEndsOn] = useState(order.endsOn);
  const change = useApiAction();
  const name = order.name;

  const update = (body: UpdateQuarantineBody, message: (o: UpdatedQuarantineOrder) => string) =>
    void change.run(async () => {
      const updated = await apiPatch<UpdatedQuarantineOrder>(`/quarantine-orders/${order.id}`, body);
      onChanged(updated, message(updated));
    });

  return (
    <li className="card qo-card" data-order-id={order.id} data-person={name}>
      <h3 className="cs-case-title">{name}</h3>
      <p className="cs-meta">
        <span className={order.status === 'active' ? 'badge badge-on' : 'badge'}>
          {t(`quarantine.statuses.${order.status}`)}
        </span>
        {order.phone ? (
          <a href={`tel:${order.phone}`} aria-label={t('quarantine.call', { phone: order.phone })}>
            {order.phone}
          </a>
        ) : null}
        <span className="muted">{t('quarantine.case', { code: order.caseDisplayCode })}</span>
      </p>
      <OrderSummary order={order} />
      <details className="qo-actions">
        <summary aria-label={t('quarantine.actionsFor', { name })}>{t('quarantine.actions')}</summary>
        {order.status === 'active' ? (
          <>
            <form
              className="qo-end"
              onSubmit={(event) => {
                event.preventDefault();
                update({ endsOn }, (o) => t('quarantine.endChanged', { name, date: formatDateOnly(o.endsOn) }));
              }}
            >
              <TextField
                label={t('quarantine.endsOn')}
                type="date"
                required
                min={order.startsOn}
                max={addDays(order.startsOn, 60)}
                value={endsOn}
                onChange={(e) => setEndsOn(e.target.value)}
              />
              <button
                type="submit"
                className="button button-secondary button-small"
                disabled={change.busy || !endsOn || endsOn === order.endsOn}
              >
                {t('quarantine.saveEnd')}
              </button>
            </form>
            <div className="actions">
              <button
                type="button"
                className="button button-small"
                disabled={change.busy}
                onClick={() => update({ status: 'released' }, () => t('quarantine.released', { name }))}
              >
                {t('quarantine.release')}
              </button>
              <button
                type="button"
                className="button button-secondary button-small"
                disabled={change.busy}
                onClick={() => update({ status: 'cancelled' }, () => t('quarantine.cancelled', { name }))}
              >
                {t('quarantine.cancel')}
              </button>
            </div>
          </>
        ) : (
          <div className="actions">
            <button
              type="button"
              className="button button-secondary button-small"
              disabled={change.busy}
              onClick={() => update({ status: 'active' }, () => t('quarantine.reactivated', { name }))}
            >
              {t('quarantine.reactivate')}
            </button>
          </div>
        )}
      </details>
      <ErrorMessage error={change.error} />
    </li>
  );
}

/** The officer's home: active orders ending within three days (overdue ones first), and the way to the full list. */
export function QuarantineDue() {
  const { t } = useTranslation();
  const orders = useApiGet<QuarantineOrder[]>(
    `/quarantine-orders${query({ status: 'active', endsBy: addDays(localDay(), 2), limit: 20 })}`,
  );
  return (
    <section className="card" aria-labelledby="home-quarantine" data-testid="role-home-quarantine_officer">
      <h2 id="home-quarantine">{t('roleHome.quarantine_officer.title')}</h2>
      <p>{t('roleHome.quarantine_officer.intro')}</p>
      <ListStatus list={orders} empty="roleHome.quarantine_officer.none" count="quarantine.count" />
      {orders.data && orders.data.length > 0 ? (
        <ul className="grant-list">
          {orders.data.map((order) => (
            <li key={order.id}>
              <strong>{order.name}</strong> — {formatDateOnly(order.endsOn)} <Remaining order={order} />
            </li>
          ))}
        </ul>
      ) : null}
      <p>
        <Link to="/quarantine">{t('roleHome.quarantine_officer.open')}</Link>
      </p>
    </section>
  );
}
