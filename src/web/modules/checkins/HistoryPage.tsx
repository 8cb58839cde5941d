/** Citizen: "Lịch sử ra vào" — where I checked in during the last 21 days; open stays can be checked out. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { api } from '../../lib/api.ts';
import type { CheckoutBody, MyCheckin } from '../../lib/api-types.ts';
import { Link } from '../../lib/router.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { categoryLabel, formatTime } from './format.ts';

export function HistoryPage() {
  const { t, i18n } = useTranslation();
  const checkins = useApiGet<MyCheckin[]>('/me/checkins');
  const { data, reload } = checkins;
  const checkingOut = useApiAction();
  const [busyId, setBusyId] = useState<string | null>(null);
  const now = Date.now();

  const checkout = (id: string) => {
    setBusyId(id);
    void checkingOut.run(async () => {
      await api('POST', `/checkins/${id}/checkout`, {} satisfies CheckoutBody);
      reload();
    });
  };

  return (
    <div className="ck-page">
      <PageTitle>{t('checkins.history.title')}</PageTitle>
      <p className="lead">{t('checkins.history.intro')}</p>
      <p>
        <Link to="/scan" className="button">
          {t('checkins.scan.title')}
        </Link>
      </p>
      <ErrorMessage error={checkingOut.error} />
      <ListStatus list={checkins} empty="checkins.history.empty" />
      {data && data.length > 0 ? (
        <ul className="ck-list" aria-label={t('checkins.history.title')}>
          {data.map((c) => {
            const open = !c.checkedOutAt && new Date(c.impliedOutAt).getTime() > now;
            return (
              <li key={c.id} className="card ck-item" data-checkin-id={c.id}>
                <h2 className="ck-item-title">{c.venueName}</h2>
                <p className="muted">
                  {categoryLabel(c.venueCategory, t)} · {c.venueAddress}
                  {c.zoneName ? ` · ${c.zoneName}` : ''}
                </p>
                <p>
                  <span>{t('checkins.history.in', { time: formatTime(c.checkedInAt, i18n.language) })}</span>
                  <br />
                  <span>
                    {c.checkedOutAt
                      ? t('checkins.history.out', { time: formatTime(c.checkedOutAt, i18n.language) })
                      : open
                        ? t('checkins.history.expectedOut', { time: formatTime(c.impliedOutAt, i18n.language) })
                        : t('checkins.history.impliedOut', { time: formatTime(c.impliedOutAt, i18n.language) })}
                  </span>
                </p>
                {open ? (
                  <>
                    <span className="badge badge-on">{t('checkins.history.present')}</span>{' '}
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      disabled={checkingOut.busy && busyId === c.id}
                      aria-label={t('checkins.history.checkoutAt', { venue: c.venueName })}
                      onClick={() => checkout(c.id)}
                    >
                      {t('checkins.history.checkout')}
                    </button>
                  </>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
