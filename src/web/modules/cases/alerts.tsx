/**
 * A citizen's active quarantine orders and recent exposure notices, loaded once for the app shell: the home screen
 * shows them first (banner) and the "Cảnh báo & cách ly" navigation item carries their count.
 */
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { MyExposure, MyQuarantine } from '../../lib/api-types.ts';
import { Link } from '../../lib/router.tsx';
import { useApiGet } from '../../lib/useApiGet.ts';
import { formatDateOnly } from './model.ts';

/** Exposure notices younger than this are "recent": the incubation window the notice is about. */
const RECENT_DAYS = 14;

export interface CitizenAlerts {
  activeOrders: MyQuarantine[];
  recentExposures: MyExposure[];
  /** what the navigation badge counts: active orders, and recent notices when no order covers them */
  count: number;
}

const AlertsContext = createContext<CitizenAlerts | null>(null);

export function CitizenAlertsProvider({ children }: { children: ReactNode }) {
  const orders = useApiGet<MyQuarantine[]>('/me/quarantine');
  const exposures = useApiGet<MyExposure[]>('/me/exposures');
  const value = useMemo<CitizenAlerts>(() => {
    const activeOrders = (orders.data ?? []).filter((o) => o.status === 'active');
    const since = Date.now() - RECENT_DAYS * 86_400_000;
    const recentExposures = (exposures.data ?? []).filter((e) => Date.parse(e.createdAt) >= since);
    return {
      activeOrders,
      recentExposures,
      count: activeOrders.length > 0 ? activeOrders.length : recentExposures.length,
    };
  }, [orders.data, exposures.data]);
  return <AlertsContext.Provider value={value}>{children}</AlertsContext.Provider>;
}

/** The signed-in citizen's alerts (empty outside the provider, e.g. for staff). */
export function useCitizenAlerts(): CitizenAlerts {
  return useContext(AlertsContext) ?? { activeOrders: [], recentExposures: [], count: 0 };
}

/** What the home screen shows above the QR: an active order (what, until when, what to do, whom to call), else recent notices. */
export function AlertsBanner() {
  const { t } = useTranslation();
  const { activeOrders, recentExposures } = useCitizenAlerts();
  const order = [...activeOrders].sort((a, b) => b.endsOn.localeCompare(a.endsOn))[0];
  if (order) {
    return (
      <div className="alert alert-warning home-alert" role="alert" data-testid="home-quarantine">
        <p>
          <strong>
            {t(order.kind === 'home' ? 'cases.home.orderHome' : 'cases.home.orderFacility', {
              to: formatDateOnly(order.endsOn),
            })}
          </strong>{' '}
          {t(order.kind === 'home' ? 'cases.home.doHome' : 'cases.home.doFacility')} {t('cases.home.call')}
        </p>
        <Link to="/exposures">{t('cases.home.details')}</Link>
      </div>
    );
  }
  if (recentExposures.length === 0) return null;
  return (
    <div className="alert alert-info home-alert" role="status" data-testid="home-exposures">
      <p>
        <strong>{t('cases.home.exposures', { count: recentExposures.length })}</strong> {t('cases.home.doExposure')}{' '}
        {t('cases.home.call')}
      </p>
      <Link to="/exposures">{t('cases.home.details')}</Link>
    </div>
  );
}
