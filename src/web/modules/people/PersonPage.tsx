/** One person's record, as staff in whose area they live may see it. */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { UnitPath } from '../../components/UnitPath.tsx';
import type { Person } from '../../lib/api-types.ts';
import { hasRole, STAFF_ADMIN_ROLES } from '../../lib/roles.ts';
import { Link } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { useApiGet } from '../../lib/useApiGet.ts';
import '../audit/texts.ts';

export function PersonPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { data, error, loading } = useApiGet<Person>(`/people/${encodeURIComponent(id)}`);
  const { me } = useSession();
  // administrators read who accessed this person in the audit log
  const isAdmin = me?.kind === 'staff' && hasRole(me.user, STAFF_ADMIN_ROLES);
  const none = t('common.none');
  const rows: Array<[string, ReactNode]> = data
    ? [
        [t('profile.name'), data.name],
        [t('profile.nationalId'), data.nationalId ?? none],
        [t('profile.phone'), data.phone ?? none],
        [t('profile.birthYear'), data.birthYear ? String(data.birthYear) : none],
        [t('profile.sex'), data.sex ? t(`sex.${data.sex}`) : none],
        [
          t('profile.unit'),
          data.unitCode ? <UnitPath code={data.unitCode} fallback={data.unitName ?? data.unitCode} /> : none,
        ],
        [t('profile.address'), data.address ?? none],
        [t('people.household'), data.householdId ? t('people.yes') : t('people.no')],
      ]
    : [];
  return (
    <div>
      <p>
        <Link to="/people">← {t('people.back')}</Link>
      </p>
      <PageTitle>{t('people.detailTitle')}</PageTitle>
      {loading ? <Loading /> : null}
      <ErrorMessage error={error} />
      {data ? (
        <dl className="card details">
          {rows.map(([label, value]) => (
            <div key={label} className="details-row">
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {data && isAdmin ? (
        <p>
          <Link to={`/audit?personId=${encodeURIComponent(id)}`}>{t('audit.whoViewed')}</Link>
        </p>
      ) : null}
    </div>
  );
}
