/** The vaccination tile on the staff home (leaders and everyone who sees its statistics): coverage at a glance. */
import { useTranslation } from 'react-i18next';
import './texts.ts';
import type { StaffUser } from '../../lib/api-types.ts';
import { formatNumber } from '../../lib/numbers.ts';
import { hasRole } from '../../lib/roles.ts';
import { Link } from '../../lib/router.tsx';
import { useApiGet } from '../../lib/useApiGet.ts';
import type { StatsResponse } from '../../lib/vaccination-types.ts';
import { VACCINATION_STATS_ROLES } from '../../lib/vaccination-values.ts';

export function VaccinationTile({ user }: { user: StaffUser }) {
  const { t, i18n } = useTranslation();
  const allowed = hasRole(user, VACCINATION_STATS_ROLES);
  const { data } = useApiGet<StatsResponse>(allowed ? '/vaccination/stats' : null);
  if (!allowed || !data) return null;
  return (
    <section className="card vx-tile" aria-labelledby="vx-tile">
      <h2 id="vx-tile">{t('vaccination.tile.title')}</h2>
      <p>
        {t('vaccination.tile.summary', {
          dose1: formatNumber(data.totals.dose1, i18n.language),
          full: formatNumber(data.totals.full, i18n.language),
          waiting: formatNumber(data.totals.waiting, i18n.language),
          serious: data.totals.aefiSerious,
        })}
      </p>
      <Link to="/vaccination/stats">{t('vaccination.nav.stats')}</Link>
    </section>
  );
}
