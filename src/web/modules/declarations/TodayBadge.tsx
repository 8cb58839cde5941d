/**
 * Today's declaration badge on the citizen's home and personal QR (in the citizen entry, so it is small and its texts
 * are in src/web/i18n/declarations.vi.json): green = declared today, yellow = declared and to be followed up, grey =
 * not declared yet; valid until the end of the day in Việt Nam. Links to the declaration form.
 */
import { useTranslation } from 'react-i18next';
import type { Badge, TodayResponse } from '../../lib/declarations-types.ts';
import { Link } from '../../lib/router.tsx';
import { TIME_ZONE } from '../../lib/time.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import './badge.css';

export function BadgeView({ badge }: { badge: Badge }) {
  const { t, i18n } = useTranslation();
  const until = badge.validUntil
    ? new Date(new Date(badge.validUntil).getTime() - 60_000).toLocaleString(
        i18n.language === 'en' ? 'en-GB' : 'vi-VN',
        {
          timeZone: TIME_ZONE,
          hour: '2-digit',
          minute: '2-digit',
          day: '2-digit',
          month: '2-digit',
        },
      )
    : null;
  return (
    <p className={`dc-badge dc-badge-${badge.colour}`} data-badge={badge.colour}>
      <span className="dc-dot" aria-hidden="true" />
      <strong>{t(`declarations.badge.${badge.colour}`)}</strong>
      {until ? <span className="dc-until"> · {t('declarations.badge.until', { time: until })}</span> : null}
    </p>
  );
}

/** The signed-in citizen's badge today, with the way to declare. */
export function TodayBadge() {
  const { t } = useTranslation();
  const { data } = useApiGet<TodayResponse>('/me/declarations/today');
  if (!data?.badge) return null;
  return (
    <section className="dc-today" aria-label={t('declarations.badge.label')}>
      <BadgeView badge={data.badge} />
      <Link to="/declare" className="button button-small">
        {t(data.declared ? 'declarations.badge.again' : 'declarations.badge.declare')}
      </Link>
    </section>
  );
}
