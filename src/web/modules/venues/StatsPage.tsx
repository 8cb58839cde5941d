/**
 * Staff (health_worker, tracer, leader, admin): "Thống kê địa điểm" for a commune/district — venues by category,
 * check-ins per day, top venues, and the venues with no check-in in 24 h (the inspection list, also as CSV).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { SelectField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { query } from '../../lib/api.ts';
import type { InactiveVenue, StaffUser, VenueStats } from '../../lib/api-types.ts';
import { grantHasRole, VENUE_STATS_ROLES } from '../../lib/roles.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { categoryLabel, formatTime } from '../checkins/format.ts';

function defaultUnit(user: StaffUser): PickedUnit | null {
  const grant = user.grants.find((g) => grantHasRole(g, VENUE_STATS_ROLES) && g.unitCode);
  return grant?.unitCode ? { code: grant.unitCode, name: grant.unitName ?? grant.unitCode } : null;
}

export function StatsPage({ user }: { user: StaffUser }) {
  const { t, i18n } = useTranslation();
  const [unit, setUnit] = useState<PickedUnit | null>(() => defaultUnit(user));
  const [days, setDays] = useState(14);
  const stats = useApiGet<VenueStats>(unit ? `/venues/stats${query({ unitCode: unit.code, days })}` : null);
  const inactive = useApiGet<InactiveVenue[]>(unit ? `/venues/inactive${query({ unitCode: unit.code })}` : null);
  const maxDay = Math.max(1, ...(stats.data?.checkinsPerDay.map((d) => d.checkins) ?? [1]));
  const totalVenues = stats.data?.venuesByCategory.reduce((n, c) => n + c.venues, 0) ?? 0;

  return (
    <div className="ck-page">
      <PageTitle>{t('checkins.stats.title')}</PageTitle>
      <p className="lead">{t('checkins.stats.intro')}</p>
      <div className="card">
        <UnitPicker label={t('checkins.stats.unit')} required value={unit} onChange={setUnit} />
        <SelectField
          label={t('checkins.stats.days')}
          value={String(days)}
          onChange={(e) => setDays(Number(e.target.value))}
        >
          {[7, 14, 30, 60].map((d) => (
            <option key={d} value={d}>
              {t('checkins.stats.lastDays', { count: d })}
            </option>
          ))}
        </SelectField>
      </div>
      {!unit ? <p className="muted">{t('checkins.stats.chooseUnit')}</p> : null}
      {unit && stats.loading && !stats.data ? <Loading /> : null}
      <ErrorMessage error={stats.error} />
      {unit && stats.data ? (
        <>
          <div className="ck-figures">
            <div className="card ck-figure">
              <span className="ck-figure-value" data-testid="ck-total-venues">
                {totalVenues}
              </span>
              <span>{t('checkins.stats.venues')}</span>
            </div>
            <div className="card ck-figure">
              <span className="ck-figure-value" data-testid="ck-inactive-count">
                {stats.data.venuesWithoutCheckins24h}
              </span>
              <span>{t('checkins.stats.inactive24h')}</span>
            </div>
          </div>
          <section className="card" aria-labelledby="ck-by-category">
            <h2 id="ck-by-category">{t('checkins.stats.byCategory')}</h2>
            {stats.data.venuesByCategory.length === 0 ? <p className="muted">{t('checkins.stats.noVenues')}</p> : null}
            <table className="ck-table">
              <thead>
                <tr>
                  <th scope="col">{t('checkins.venueForm.category')}</th>
                  <th scope="col">{t('checkins.stats.venues')}</th>
                </tr>
              </thead>
              <tbody>
                {stats.data.venuesByCategory.map((c) => (
                  <tr key={c.category}>
                    <td>{categoryLabel(c.category, t)}</td>
                    <td>{c.venues}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card" aria-labelledby="ck-per-day">
            <h2 id="ck-per-day">{t('checkins.stats.perDay')}</h2>
            <table className="ck-table">
              <thead>
                <tr>
                  <th scope="col">{t('checkins.stats.day')}</th>
                  <th scope="col">{t('checkins.stats.checkins')}</th>
                </tr>
              </thead>
              <tbody>
                {stats.data.checkinsPerDay.map((d) => (
                  <tr key={d.day}>
                    <td>{d.day}</td>
                    <td>
                      <span
                        className="ck-bar"
                        style={{ width: `${(d.checkins / maxDay) * 100}%` }}
                        aria-hidden="true"
                      />
                      {d.checkins}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card" aria-labelledby="ck-top">
            <h2 id="ck-top">{t('checkins.stats.top')}</h2>
            {stats.data.topVenues.length === 0 ? <p className="muted">{t('checkins.stats.noCheckins')}</p> : null}
            <ol className="ck-top-list">
              {stats.data.topVenues.map((v) => (
                <li key={v.venueId}>
                  {v.name} <span className="muted">({categoryLabel(v.category, t)})</span>: {v.checkins}
                </li>
              ))}
            </ol>
          </section>
        </>
      ) : null}
      {unit ? (
        <section className="card" aria-labelledby="ck-inactive">
          <h2 id="ck-inactive">{t('checkins.stats.inactiveTitle')}</h2>
          <p>
            <a
              className="button button-secondary"
              href={`/api/v1/venues/inactive${query({ unitCode: unit.code, format: 'csv' })}`}
              download={`venues-inactive-${unit.code}.csv`}
            >
              {t('checkins.stats.csv')}
            </a>
          </p>
          <ErrorMessage error={inactive.error} />
          {inactive.data && inactive.data.length === 0 ? (
            <p className="muted">{t('checkins.stats.allActive')}</p>
          ) : null}
          <ul className="ck-list">
            {(inactive.data ?? []).map((v) => (
              <li key={v.venueId} className="ck-inactive-item">
                <strong>{v.name}</strong> <span className="muted">({categoryLabel(v.category, t)})</span>
                <br />
                {v.address}
                {v.unitName ? `, ${v.unitName}` : ''}
                <br />
                <span className="muted">
                  {v.lastCheckinAt
                    ? t('checkins.stats.lastCheckin', { time: formatTime(v.lastCheckinAt, i18n.language) })
                    : t('checkins.stats.neverCheckedIn')}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
