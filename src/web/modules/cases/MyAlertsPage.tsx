/**
 * Citizens' "Cảnh báo & cách ly": exposure notices ("you were at venue X at the same time as a case" — never
 * who) and quarantine orders, with what to do.
 */
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import type { MyExposure, MyQuarantine } from '../../lib/api-types.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { formatDateOnly, formatDateTime, formatTime } from './model.ts';

export function MyAlertsPage() {
  const { t, i18n } = useTranslation();
  const exposures = useApiGet<MyExposure[]>('/me/exposures');
  const orders = useApiGet<MyQuarantine[]>('/me/quarantine');
  const loading = exposures.loading || orders.loading;
  const nothing = !loading && exposures.data?.length === 0 && orders.data?.length === 0;

  const exposureText = (e: MyExposure) => {
    const when =
      e.exposureStart && e.exposureEnd
        ? t('cases.me.when', {
            from: formatDateTime(e.exposureStart, i18n.language),
            to: formatTime(e.exposureEnd, i18n.language),
          })
        : '';
    if (e.degree === 2 || e.kind === 'advisory') return t('cases.me.advisory', { when });
    if (e.venueName) return t('cases.me.atVenue', { venue: e.venueName, when });
    if (e.kind === 'household') return t('cases.me.household');
    return t('cases.me.closeContact', { when });
  };

  return (
    <div>
      <PageTitle>{t('cases.me.title')}</PageTitle>
      <ErrorMessage error={exposures.error ?? orders.error} />
      {loading ? <Loading /> : null}
      {nothing ? <p className="alert alert-success">{t('cases.me.nothing')}</p> : null}
      {orders.data && orders.data.length > 0 ? (
        <section className="card" aria-labelledby="cs-my-orders">
          <h2 id="cs-my-orders">{t('cases.me.ordersTitle')}</h2>
          <ul className="cs-plain-list">
            {orders.data.map((o) => (
              <li key={o.id} className={`cs-order cs-order-${o.status}`} data-order-status={o.status}>
                <p>
                  <strong>{t(`cases.quarantineKind.${o.kind}`, { defaultValue: o.kind })}</strong>{' '}
                  <span className="badge">{t(`cases.orderStatus.${o.status}`, { defaultValue: o.status })}</span>
                </p>
                <p>{t('cases.me.orderDates', { from: formatDateOnly(o.startsOn), to: formatDateOnly(o.endsOn) })}</p>
                {o.status === 'active' ? (
                  <p className="hint">{o.kind === 'home' ? t('cases.me.homeAdvice') : t('cases.me.facilityAdvice')}</p>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {exposures.data && exposures.data.length > 0 ? (
        <section className="card" aria-labelledby="cs-my-exposures">
          <h2 id="cs-my-exposures">{t('cases.me.exposuresTitle')}</h2>
          <ul className="cs-plain-list">
            {exposures.data.map((e) => (
              <li key={e.id} className="cs-exposure" data-degree={e.degree}>
                <p className="alert alert-info">{exposureText(e)}</p>
                <p className="hint">{e.degree === 1 ? t('cases.me.f1Advice') : t('cases.me.f2Advice')}</p>
                <p className="muted">{t('cases.me.sentAt', { at: formatDateTime(e.createdAt, i18n.language) })}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p className="hint">{t('cases.me.privacy')}</p>
    </div>
  );
}
