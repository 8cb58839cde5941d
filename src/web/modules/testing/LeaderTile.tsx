/** The testing tile on the staff home (leaders and everyone who sees testing statistics): the last 14 days at a glance. */
import { useTranslation } from 'react-i18next';
import './texts.ts';
import type { StaffUser } from '../../lib/api-types.ts';
import { formatNumber } from '../../lib/numbers.ts';
import { hasRole } from '../../lib/roles.ts';
import { Link } from '../../lib/router.tsx';
import type { StatsResponse } from '../../lib/testing-types.ts';
import { TESTING_STATS_ROLES } from '../../lib/testing-values.ts';
import { useApiGet } from '../../lib/useApiGet.ts';

export function TestingTile({ user }: { user: StaffUser }) {
  const { t, i18n } = useTranslation();
  const allowed = hasRole(user, TESTING_STATS_ROLES);
  const { data } = useApiGet<StatsResponse>(allowed ? '/testing/stats' : null);
  if (!allowed || !data) return null;
  return (
    <section className="card ts-tile" aria-labelledby="ts-tile">
      <h2 id="ts-tile">{t('testing.tile.title')}</h2>
      <p>
        {t('testing.tile.summary', {
          tubes: formatNumber(data.totals.tubes, i18n.language),
          people: formatNumber(data.totals.people, i18n.language),
          positivity: data.totals.positivity,
        })}
      </p>
      <Link to="/testing">{t('testing.nav.overview')}</Link>
    </section>
  );
}
