/**
 * One campaign for its planners: coverage per commune (live: people tested by where they live against the target),
 * the pool size advised from each commune's recent positivity, test points and teams, and the tests pooling saved.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './testing.css';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { api } from '../../lib/api.ts';
import { formatNumber } from '../../lib/numbers.ts';
import type { CampaignView } from '../../lib/testing-types.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';

export default function CampaignPage({ id, canPlan }: { id: string; canPlan: boolean }) {
  const { t, i18n } = useTranslation();
  const { data: c, error, reload } = useApiGet<CampaignView>(`/campaigns/${id}`);
  const [name, setName] = useState('');
  const [team, setTeam] = useState('');
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const save = useApiAction();
  if (!c) return error ? <ErrorMessage error={error} /> : <Loading />;

  const addPoint = (e: FormEvent) => {
    e.preventDefault();
    if (!unit || !name.trim()) return;
    void save.run(async () => {
      await api('POST', `/campaigns/${id}/points`, { name, unitCode: unit.code, ...(team.trim() ? { team } : {}) });
      setName('');
      setTeam('');
      reload();
    });
  };

  return (
    <div className="ts-page">
      <PageTitle>{c.name}</PageTitle>
      <p className="lead">
        {c.unitName} · {c.startsOn} → {c.endsOn}
      </p>
      <dl className="ts-totals">
        <div>
          <dt>{t('testing.campaign.detail.target')}</dt>
          <dd>{formatNumber(c.totals.target, i18n.language)}</dd>
        </div>
        <div>
          <dt>{t('testing.campaign.detail.tested')}</dt>
          <dd>{formatNumber(c.totals.tested, i18n.language)}</dd>
        </div>
      </dl>
      <p>
        {t('testing.campaign.detail.tubes', { count: c.totals.tubes })} ·{' '}
        {t('testing.campaign.detail.saved', { count: c.totals.testsSaved })}
      </p>
      <section className="card" aria-labelledby="ts-coverage">
        <h2 id="ts-coverage">{t('testing.campaign.detail.coverage')}</h2>
        <div className="table-scroll">
          <table className="ts-table">
            <thead>
              <tr>
                <th scope="col">{t('testing.overview.commune')}</th>
                <th scope="col">{t('testing.campaign.detail.coverage')}</th>
                <th scope="col">{t('testing.overview.advice')}</th>
              </tr>
            </thead>
            <tbody>
              {c.communes.map((k) => (
                <tr key={k.unitCode}>
                  <td>{k.unitName}</td>
                  <td>
                    {k.tested} / {k.target}
                    {k.coverage === null ? '' : ` (${k.coverage}%)`}
                  </td>
                  <td>{k.advisedPoolSize === 1 ? t('testing.overview.individual') : k.advisedPoolSize}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card" aria-labelledby="ts-points">
        <h2 id="ts-points">{t('testing.campaign.detail.points')}</h2>
        <ul>
          {c.points.map((p) => (
            <li key={p.id}>
              <strong>{p.name}</strong>
              {p.team ? ` · ${p.team}` : ''} · {t('testing.campaign.detail.tubes', { count: p.tubes })}
            </li>
          ))}
        </ul>
        {canPlan ? (
          <form onSubmit={addPoint}>
            <h3>{t('testing.campaign.detail.addPoint')}</h3>
            <TextField
              label={t('testing.campaign.detail.pointName')}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <TextField
              label={t('testing.campaign.detail.team')}
              value={team}
              onChange={(e) => setTeam(e.target.value)}
              optional
            />
            <UnitPicker label={t('testing.campaign.area')} value={unit} onChange={setUnit} />
            <ErrorMessage error={save.error} />
            <button type="submit" className="button" disabled={save.busy || !unit || !name.trim()}>
              {t('testing.campaign.detail.addPoint')}
            </button>
          </form>
        ) : null}
      </section>
    </div>
  );
}
