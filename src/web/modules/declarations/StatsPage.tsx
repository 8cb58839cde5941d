/**
 * "Khai báo y tế: thống kê" (health workers, tracers, leaders in their area): declarations per day and commune with
 * the share of residents who declared, flagged declarations by reason, open follow-up tasks by age and enterprises
 * at risk; the table as CSV. Read from the counters the writes maintain (never a scan of the declarations).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './declarations.css';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { query } from '../../lib/api.ts';
import type { StatsResponse } from '../../lib/declarations-types.ts';
import { FLAG_REASONS } from '../../lib/declarations-values.ts';
import { formatNumber, formatPercent } from '../../lib/numbers.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { useMediaQuery } from '../../lib/useMediaQuery.ts';

export default function StatsPage() {
  const { t, i18n } = useTranslation();
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const params = query({ unitCode: unit?.code, from: from || undefined, to: to || undefined });
  const stats = useApiGet<StatsResponse>(`/declaration-stats${params}`);
  const phone = useMediaQuery('(max-width: 40rem)');
  const s = stats.data;
  return (
    <div className="dc-page">
      <PageTitle>{t('declarations.stats.title')}</PageTitle>
      <p className="muted">{t('declarations.stats.intro')}</p>
      <UnitPicker
        label={t('declarations.stats.unit')}
        hint={t('declarations.stats.unitHint')}
        value={unit}
        onChange={setUnit}
      />
      <div className="dc-dates">
        <TextField
          label={t('declarations.stats.from')}
          type="date"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
        <TextField label={t('declarations.stats.to')} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </div>
      <ErrorMessage error={stats.error} />
      {!s ? (
        stats.error ? null : (
          <Loading />
        )
      ) : (
        <>
          <p>
            <a
              className="button button-secondary button-small"
              href={`/api/v1/declaration-stats.csv${params}`}
              download
            >
              {t('declarations.stats.csv')}
            </a>
          </p>
          <dl className="dc-totals" data-testid="declaration-totals">
            <div>
              <dt>{t('declarations.stats.declarations')}</dt>
              <dd>{formatNumber(s.totals.declarations, i18n.language)}</dd>
            </div>
            <div>
              <dt>{t('declarations.stats.flagged')}</dt>
              <dd>{formatNumber(s.totals.flagged, i18n.language)}</dd>
            </div>
            <div>
              <dt>{t('declarations.stats.residents')}</dt>
              <dd>{formatNumber(s.totals.residents, i18n.language)}</dd>
            </div>
            <div>
              <dt>{t('declarations.stats.enterprisesAtRisk')}</dt>
              <dd>
                {s.enterprises.highRisk} / {s.enterprises.total}
              </dd>
            </div>
          </dl>
          <section className="card" aria-labelledby="dc-reasons">
            <h2 id="dc-reasons">{t('declarations.stats.byReason')}</h2>
            <ul>
              {FLAG_REASONS.map((r) => (
                <li key={r}>
                  {t(`declarations.reasons.${r}`)}: {s.totals.byReason[r] ?? 0}
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="dc-age">
            <h2 id="dc-age">{t('declarations.stats.tasksByAge')}</h2>
            <ul>
              <li>{t('declarations.stats.under1d', { count: s.tasksOpenByAge.under1d })}</li>
              <li>{t('declarations.stats.d1to3', { count: s.tasksOpenByAge.d1to3 })}</li>
              <li>{t('declarations.stats.over3d', { count: s.tasksOpenByAge.over3d })}</li>
            </ul>
            <p className="muted">
              {t('declarations.stats.enterprises', {
                total: s.enterprises.total,
                high: s.enterprises.highRisk,
                overdue: s.enterprises.overdue,
              })}
            </p>
          </section>
          <section className="card" aria-labelledby="dc-rows">
            <h2 id="dc-rows">{t('declarations.stats.perDay', { from: s.from, to: s.to })}</h2>
            {s.rows.length === 0 ? <p className="muted">{t('declarations.stats.none')}</p> : null}
            {phone ? (
              <ul className="dc-list">
                {s.rows.map((r) => (
                  <li key={`${r.day}-${r.communeCode}`} className="dc-row-card">
                    <strong>
                      {r.day} · {r.communeName}
                    </strong>
                    <br />
                    {t('declarations.stats.rowLine', {
                      declarations: r.declarations,
                      people: r.people,
                      share: formatPercent(r.residents > 0 ? r.people / r.residents : null, i18n.language),
                      flagged: r.flagged,
                    })}
                  </li>
                ))}
              </ul>
            ) : (
              <div className="table-scroll">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('declarations.stats.day')}</th>
                      <th scope="col">{t('declarations.stats.commune')}</th>
                      <th scope="col">{t('declarations.stats.declarations')}</th>
                      <th scope="col">{t('declarations.stats.people')}</th>
                      <th scope="col">{t('declarations.stats.share')}</th>
                      <th scope="col">{t('declarations.stats.flagged')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.rows.map((r) => (
                      <tr key={`${r.day}-${r.communeCode}`}>
                        <td>{r.day}</td>
                        <td>{r.communeName}</td>
                        <td>{r.declarations}</td>
                        <td>{r.people}</td>
                        <td>{formatPercent(r.residents > 0 ? r.people / r.residents : null, i18n.language)}</td>
                        <td>{r.flagged}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </div>
  );
}
