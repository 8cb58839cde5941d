/**
 * The work list of national IDs to verify (`/people/national-ids`): the people of the staff member's area whose
 * national ID is only what a citizen typed, oldest record first, 50 at a time from the server (keyset pages: "Show
 * more" loads the next). Each opens the person's record, where staff who compared it with the ID card press
 * "Xác minh CCCD"; a number another record holds verified is marked, since verifying it is refused until staff settle
 * whose card it is. For those who may verify (PEOPLE_UPDATE_ROLES); the server keeps to their area.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ListStatus } from '../../components/ListStatus.tsx';
import { MoreButton } from '../../components/MoreButton.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { query } from '../../lib/api.ts';
import type { NationalIdClaim } from '../../lib/api-types.ts';
import { areaOf, PEOPLE_UPDATE_ROLES } from '../../lib/roles.ts';
import { Link } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { useApiPages } from '../../lib/useApiPages.ts';
import { NationalIdText } from './NationalIdText.tsx';
import './texts.ts';

const PAGE = 50;

/** The page's path, for the links to it (the people page, the staff home, a person just verified). */
export const NATIONAL_ID_CLAIMS_PATH = '/people/national-ids';

export function NationalIdClaimsPage() {
  const { t } = useTranslation();
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const { me } = useSession();
  const within = me?.kind === 'staff' ? areaOf(me.user, PEOPLE_UPDATE_ROLES) : undefined;
  const claims = useApiPages<NationalIdClaim>(
    `/people/national-id-claims${query({ unitCode: unit?.code, limit: PAGE })}`,
  );
  const { data } = claims;
  return (
    <div>
      <p>
        <Link to="/people">← {t('people.back')}</Link>
      </p>
      <PageTitle>{t('people.claims.title')}</PageTitle>
      <p className="lead">{t('people.claims.intro')}</p>
      <div className="card">
        <UnitPicker
          label={t('people.claims.unit')}
          hint={t('people.claims.unitHint')}
          value={unit}
          onChange={setUnit}
          within={within}
        />
      </div>
      <ListStatus
        list={claims}
        empty="people.claims.empty"
        count={claims.hasMore ? 'common.shownMore' : 'people.claims.count'}
      />
      {data && data.length > 0 ? (
        <ul className="cards" aria-label={t('people.claims.title')}>
          {data.map((p) => (
            <ClaimCard key={p.id} person={p} />
          ))}
        </ul>
      ) : null}
      <MoreButton list={claims} />
    </div>
  );
}

/** One person of the list: the name (their record), the number marked "Chưa xác minh", born, where they live. */
function ClaimCard({ person: p }: { person: NationalIdClaim }) {
  const { t } = useTranslation();
  const about = [p.birthYear ? t('people.claims.born', { year: p.birthYear }) : null, p.unitName]
    .filter((v) => v !== null && v !== '')
    .join(' · ');
  return (
    <li className="card person-card">
      <h2>
        <Link to={`/people/${p.id}`}>{p.name || t('people.claims.noName')}</Link>
      </h2>
      <p>
        <NationalIdText person={p} />
      </p>
      {about ? <p className="muted">{about}</p> : null}
      {p.contested ? (
        <p>
          <span className="badge badge-off">{t('people.claims.contested')}</span>{' '}
          <span className="hint">{t('people.claims.contestedHint')}</span>
        </p>
      ) : null}
    </li>
  );
}

/**
 * The staff home's pointer to the list, for those who may verify: what it is for and the way there. It loads
 * nothing: a read of the list is audited with every person it returns, which a visit to the home page should not be.
 */
export function NationalIdClaimsTile() {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="home-national-ids" data-testid="home-national-ids">
      <h2 id="home-national-ids">{t('people.claims.title')}</h2>
      <p>{t('people.claims.homeIntro')}</p>
      <ul className="tool-list">
        <li>
          <Link className="tool-link" to={NATIONAL_ID_CLAIMS_PATH}>
            {t('people.claims.openList')}
          </Link>
        </li>
      </ul>
    </section>
  );
}
