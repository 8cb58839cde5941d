/**
 * The screen at the door of a venue in rotating mode: a large QR that changes every N minutes (a photo sent
 * elsewhere stops working), refreshed shortly before it expires.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { QrImage } from '../../components/QrImage.tsx';
import { api } from '../../lib/api.ts';
import type { RotatingQr, VenueView } from '../../lib/api-types.ts';
import { Link } from '../../lib/router.tsx';
import { useApiGet } from '../../lib/useApiGet.ts';
import { formatTime } from '../checkins/format.ts';

export function DoorScreenPage({ venueId, backTo }: { venueId: string; backTo: string }) {
  const { t, i18n } = useTranslation();
  const venue = useApiGet<VenueView>(`/venues/${venueId}`);
  const [code, setCode] = useState<RotatingQr | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);

  const load = useCallback(async () => {
    try {
      const next = await api<RotatingQr>('GET', `/venues/${venueId}/rotating-qr`);
      setCode(next);
      setError(null);
      return next;
    } catch (e) {
      setError(e);
      return null;
    }
  }, [venueId]);

  // `generation` re-runs the fetch on schedule
  useEffect(() => {
    let timer = 0;
    let current = true;
    void load().then((next) => {
      if (!current) return;
      // a few seconds before the code expires (or in 10 s after a failure)
      const wait = next ? Math.max(5_000, new Date(next.validUntil).getTime() - Date.now() - 5_000) : 10_000;
      timer = window.setTimeout(() => setGeneration((g) => g + 1), Math.min(wait, 30 * 60_000));
    });
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [load, generation]);

  return (
    <div className="ck-screen">
      <PageTitle>{venue.data?.name ?? t('checkins.venue.doorScreen')}</PageTitle>
      <p className="lead">{t('checkins.screen.instructions')}</p>
      <ErrorMessage error={error ?? venue.error} />
      {code ? (
        <div className="ck-screen-qr">
          <QrImage value={code.qr} alt={t('checkins.venue.qrAlt', { name: venue.data?.name ?? '' })} />
          <p className="muted">
            {t('checkins.screen.validUntil', { time: formatTime(code.validUntil, i18n.language) })}
          </p>
        </div>
      ) : null}
      <div className="actions">
        <button
          type="button"
          className="button button-secondary"
          onClick={() => void document.documentElement.requestFullscreen?.().catch(() => undefined)}
        >
          {t('checkins.screen.fullscreen')}
        </button>
        <Link to={backTo}>{t('checkins.screen.back')}</Link>
      </div>
    </div>
  );
}
