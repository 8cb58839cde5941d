/** The citizen's own QR code, large, with name and phone: what venue, lab and vaccination staff scan. */
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { QrImage } from '../../components/QrImage.tsx';
import type { CitizenPerson, PersonQr } from '../../lib/api-types.ts';
import { Link } from '../../lib/router.tsx';
import { useApiGet } from '../../lib/useApiGet.ts';
import { AlertsBanner } from '../cases/alerts.tsx';
import { TodayBadge } from '../declarations/TodayBadge.tsx';

export function MyQrPage({ person }: { person: CitizenPerson }) {
  const { t } = useTranslation();
  const { data, error, loading } = useApiGet<PersonQr>('/me/qr');
  const name = person.name || t('qr.noName');

  return (
    <div className="qr-page">
      <PageTitle>{t('qr.title')}</PageTitle>
      <AlertsBanner />
      <TodayBadge />
      {!person.profileComplete ? (
        <div className="alert alert-info">
          {t('qr.incomplete')} <Link to="/profile">{t('qr.completeProfile')}</Link>
        </div>
      ) : null}
      <section className="card qr-card" aria-label={t('qr.title')}>
        {loading ? <Loading /> : null}
        <ErrorMessage error={error} />
        {data ? <QrImage value={data.qr} alt={t('qr.imageAlt', { name })} /> : null}
        <p className="qr-name">{name}</p>
        <p className="qr-phone">{t('qr.phone', { phone: person.phone })}</p>
      </section>
      <p className="muted">{t('qr.intro')}</p>
    </div>
  );
}
