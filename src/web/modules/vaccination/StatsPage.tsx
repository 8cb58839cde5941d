/**
 * "Tiêm chủng: thống kê" (health workers, vaccinators, doctors, leaders in their area): totals, coverage by commune
 * (share of adults with ≥ 1 dose, of people 50+ fully vaccinated), by age band and priority group, doses per day and
 * by dose number, lots and stock, AEFI counts and registrations waiting — each table as CSV.
 */
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './vaccination.css';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { formatPercent } from '../../lib/numbers.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import type { StatsResponse } from '../../lib/vaccination-types.ts';

const CSV = (table: string) => `/api/v1/vaccination/stats.csv?table=${table}`;

export default function StatsPage() {
  const { t, i18n } = useTranslation();
  const { data, error, loading } = useApiGet<StatsResponse>('/vaccination/stats');
  return (
    <div className="vx-page">
      <PageTitle>{t('vaccination.nav.stats')}</PageTitle>
      {loading && !data ? <Loading /> : null}
      <ErrorMessage error={error} />
      {data ? (
        <>
          <section className="card vx-totals" aria-labelledby="vx-totals">
            <h2 id="vx-totals">{t('vaccination.stats.totals', { from: data.from, to: data.to })}</h2>
            <ul>
              <li data-stat="doses">{t('vaccination.stats.doses', { n: data.totals.doses })}</li>
              <li data-stat="dose1">{t('vaccination.stats.dose1', { n: data.totals.dose1 })}</li>
              <li data-stat="full">{t('vaccination.stats.full', { n: data.totals.full })}</li>
              <li data-stat="booster">{t('vaccination.stats.booster', { n: data.totals.booster })}</li>
              <li data-stat="waiting">
                {t('vaccination.stats.waiting', { waiting: data.totals.waiting, invited: data.totals.invited })}
              </li>
              <li data-stat="aefi">
                {t('vaccination.stats.aefi', {
                  mild: data.totals.aefiMild,
                  moderate: data.totals.aefiModerate,
                  serious: data.totals.aefiSerious,
                })}
              </li>
            </ul>
          </section>
          <section className="card" aria-labelledby="vx-communes">
            <h2 id="vx-communes">{t('vaccination.stats.communes')}</h2>
            <a href={CSV('communes')} download>
              {t('vaccination.stats.csv')}
            </a>
            <ul className="vx-list">
              {data.communes.map((c) => (
                <li key={c.communeCode} className="vx-commune" data-commune={c.communeCode}>
                  <strong>{c.communeName}</strong>:{' '}
                  {t('vaccination.stats.communeLine', {
                    adults: formatPercent(c.adultsDose1Share, i18n.language),
                    over50: formatPercent(c.over50FullShare, i18n.language),
                    full: c.full,
                    doses: c.doses,
                  })}
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="vx-bands">
            <h2 id="vx-bands">{t('vaccination.stats.ageBands')}</h2>
            <a href={CSV('age_bands')} download>
              {t('vaccination.stats.csv')}
            </a>
            <ul className="vx-list">
              {data.ageBands.map((b) => (
                <li key={b.key}>
                  {b.key}:{' '}
                  {t('vaccination.stats.bandLine', {
                    dose1: b.dose1,
                    full: b.full,
                    booster: b.booster,
                    people: b.people,
                  })}
                </li>
              ))}
            </ul>
            <h3>{t('vaccination.stats.groups')}</h3>
            <a href={CSV('priority_groups')} download>
              {t('vaccination.stats.csv')}
            </a>
            <ul className="vx-list">
              {data.priorityGroups.map((g) => (
                <li key={g.key}>
                  {g.key}:{' '}
                  {t('vaccination.stats.bandLine', { dose1: g.dose1, full: g.full, booster: g.booster, people: '–' })}
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="vx-days">
            <h2 id="vx-days">{t('vaccination.stats.days')}</h2>
            <a href={CSV('days')} download>
              {t('vaccination.stats.csv')}
            </a>
            <ul className="vx-list">
              {data.byDose.map((d) => (
                <li key={d.doseNumber}>{t('vaccination.stats.byDose', { n: d.doseNumber, doses: d.doses })}</li>
              ))}
              {data.days.map((d) => (
                <li key={d.day}>
                  {d.day}: {d.doses}
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="vx-stock">
            <h2 id="vx-stock">{t('vaccination.stats.lots')}</h2>
            <a href={CSV('lots')} download>
              {t('vaccination.stats.csv')}
            </a>
            <ul className="vx-list">
              {data.lots.map((l) => (
                <li key={l.id}>
                  {l.siteName} · {l.product} · {l.lotNumber}:{' '}
                  {t('vaccination.stats.lotLine', { used: l.used, quantity: l.quantity, left: l.remaining })}
                </li>
              ))}
            </ul>
          </section>
        </>
      ) : null}
    </div>
  );
}
