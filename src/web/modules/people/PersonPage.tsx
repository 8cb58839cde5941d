/** One person's record, as staff in whose area they live may see it. */
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { UnitPath } from '../../components/UnitPath.tsx';
import { ApiError, api } from '../../lib/api.ts';
import type { Person } from '../../lib/api-types.ts';
import { hasRole, PEOPLE_UPDATE_ROLES, STAFF_ADMIN_ROLES } from '../../lib/roles.ts';
import { Link } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import '../audit/texts.ts';
import { existingIdOf } from './existing.ts';
import { NATIONAL_ID_CLAIMS_PATH } from './NationalIdClaimsPage.tsx';
import { NationalIdText } from './NationalIdText.tsx';

export function PersonPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const loaded = useApiGet<Person>(`/people/${encodeURIComponent(id)}`);
  const { error, loading, reload } = loaded;
  // the record as the verification answered it, until the page loads it again
  const [verifiedRecord, setVerifiedRecord] = useState<Person | null>(null);
  const data = verifiedRecord ?? loaded.data;
  const { me } = useSession();
  // administrators read who accessed this person in the audit log
  const isAdmin = me?.kind === 'staff' && hasRole(me.user, STAFF_ADMIN_ROLES);
  // whoever may correct a person's record may verify their national ID (the server still checks the area)
  const mayVerify = me?.kind === 'staff' && hasRole(me.user, PEOPLE_UPDATE_ROLES);
  const verifying = useApiAction();
  const [verifiedText, setVerifiedText] = useState<string | null>(null);

  const verify = () => {
    setVerifiedText(null);
    void verifying.run(async () => {
      try {
        setVerifiedRecord(await api<Person>('POST', `/people/${encodeURIComponent(id)}/national-id:verify`));
        setVerifiedText(t('people.nationalIdVerifiedDone'));
      } catch (e) {
        // nothing left to verify (verified meanwhile, or the ID removed): show the record as it is now
        if (e instanceof ApiError && e.code === 'NATIONAL_ID_NOT_CLAIMED') {
          setVerifiedRecord(null);
          reload();
        }
        throw e;
      }
    });
  };

  const none = t('common.none');
  const rows: Array<[string, ReactNode]> = data
    ? [
        [t('profile.name'), data.name],
        [t('profile.nationalId'), data.nationalId ? <NationalIdText person={data} /> : none],
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
  const existingId = existingIdOf(verifying.error);
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
      {data?.nationalId && !data.nationalIdVerified && mayVerify ? (
        <div className="card">
          <p className="hint" id="person-verify-hint">
            {t('people.verifyNationalIdHint')}
          </p>
          <button
            type="button"
            className="button"
            aria-describedby="person-verify-hint"
            disabled={verifying.busy}
            onClick={verify}
          >
            {verifying.busy ? t('people.verifyingNationalId') : t('people.verifyNationalId')}
          </button>
        </div>
      ) : null}
      <ErrorMessage error={verifying.error} />
      {existingId ? (
        <p>
          <Link to={`/people/${existingId}`}>{t('people.openExisting')}</Link>
        </p>
      ) : null}
      <SuccessMessage text={verifiedText} />
      {verifiedText ? (
        <p>
          <Link to={NATIONAL_ID_CLAIMS_PATH}>{t('people.claims.backToList')}</Link>
        </p>
      ) : null}
      {data && isAdmin ? (
        <p>
          <Link to={`/audit?personId=${encodeURIComponent(id)}`}>{t('audit.whoViewed')}</Link>
        </p>
      ) : null}
    </div>
  );
}
