/**
 * "Xét nghiệm: thống kê" (health workers, tracers, labs, leaders in their area): tubes and people tested in the last
 * 14 days, positivity, pools against individual tubes, turnaround, lab backlog, positivity and the advised pool size
 * per commune, campaigns with their coverage, people to test (re-tests, F1 test days), and the CSV by day.
 */
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './testing.css';
import { type FormEvent, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { api } from '../../lib/api.ts';
import type { StaffUser } from '../../lib/api-types.ts';
import { formatNumber } from '../../lib/numbers.ts';
import { hasRole } from '../../lib/roles.ts';
import { Link, navigate } from '../../lib/router.tsx';
import type { CampaignList, CommuneStats, StatsResponse, TaskList } from '../../lib/testing-types.ts';
import { COLLECT_ROLES } from '../../lib/testing-values.ts';
import { localDay } from '../../lib/time.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';

/** A new round: name, area, dates (targets per commune are counted by the server). */
function CreateCampaign({ onCreated }: { onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const today = localDay();
  const [name, setName] = useState('');
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const [startsOn, setStartsOn] = useState(today);
  const [endsOn, setEndsOn] = useState(today);
  const action = useApiAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!unit || !name.trim()) return;
    void action.run(async () => {
      const r = await api<{ id: string }>('POST', '/campaigns', { name, unitCode: unit.code, startsOn, endsOn });
      onCreated(r.id);
    });
  };
  return (
    <form onSubmit={submit}>
      <h3>{t('testing.campaign.create')}</h3>
      <TextField label={t('testing.campaign.name')} value={name} onChange={(e) => setName(e.target.value)} />
      <UnitPicker label={t('testing.campaign.area')} value={unit} onChange={setUnit} />
      <TextField
        label={t('testing.campaign.startsOn')}
        type="date"
        value={startsOn}
        onChange={(e) => setStartsOn(e.target.value)}
      />
      <TextField
        label={t('testing.campaign.endsOn')}
        type="date"
        value={endsOn}
        onChange={(e) => setEndsOn(e.target.value)}
      />
      <ErrorMessage error={action.error} />
      <button type="submit" className="button" disabled={action.busy || !unit || !name.trim()}>
        {t('testing.campaign.create')}
      </button>
    </form>
  );
}

export default function OverviewPage({ user }: { user: StaffUser }) {
  const { t, i18n } = useTranslation();
  const { data: stats, error } = useApiGet<StatsResponse>('/testing/stats');
  const { data: communes } = useApiGet<CommuneStats>('/testing/stats/communes');
  const { data: campaigns } = useApiGet<CampaignList>('/campaigns');
  const fieldWork = hasRole(user, COLLECT_ROLES);
  const { data: tasks } = useApiGet<TaskList>(fieldWork ? '/testing/tasks?limit=100' : null);
  if (!stats) return error ? <ErrorMessage error={error} /> : <Loading />;
  const s = stats.totals;
  const hours = (v: number | null) => (v === null ? '—' : formatNumber(v, i18n.language));
  return (
    <div className="ts-page">
      <PageTitle>{t('testing.overview.title')}</PageTitle>
      <dl className="ts-totals">
        <div>
          <dt>{t('testing.overview.tubes')}</dt>
          <dd>{formatNumber(s.tubes, i18n.language)}</dd>
        </div>
        <div>
          <dt>{t('testing.overview.people')}</dt>
          <dd>{formatNumber(s.people, i18n.language)}</dd>
        </div>
        <div>
          <dt>{t('testing.overview.positivity')}</dt>
          <dd>{s.positivity}%</dd>
        </div>
      </dl>
      <p>{t('testing.overview.pooled', { tubes: s.pooledTubes, people: s.pooledPeople })}</p>
      <p>
        {t('testing.overview.turnaround', {
          p50: hours(stats.turnaround.collectToResultP50Hours),
          p90: hours(stats.turnaround.collectToResultP90Hours),
        })}
      </p>
      <p>
        <a
          className="button button-secondary button-small"
          href={`/api/v1/testing/stats?format=csv&from=${stats.from}&to=${stats.to}`}
          download
        >
          {t('testing.overview.export')}
        </a>
      </p>

      <section className="card" aria-labelledby="ts-backlog">
        <h2 id="ts-backlog">{t('testing.overview.backlog')}</h2>
        <ul>
          {stats.backlog.map((b) => (
            <li key={b.labId}>
              {b.name}: {t('testing.lab.counts', { inTransit: b.inTransit, awaiting: b.awaitingResult, today: '—' })}
            </li>
          ))}
        </ul>
      </section>

      {communes ? (
        <section className="card" aria-labelledby="ts-communes">
          <h2 id="ts-communes">{t('testing.overview.communes')}</h2>
          <div className="table-scroll">
            <table className="ts-table">
              <thead>
                <tr>
                  <th scope="col">{t('testing.overview.commune')}</th>
                  <th scope="col">{t('testing.overview.people')}</th>
                  <th scope="col">{t('testing.overview.positivity')}</th>
                  <th scope="col">{t('testing.overview.advice')}</th>
                </tr>
              </thead>
              <tbody>
                {communes.items.map((c) => (
                  <tr key={c.unitCode}>
                    <td>{c.unitName}</td>
                    <td>{c.people}</td>
                    <td>{(c.positivity * 100).toFixed(2)}%</td>
                    <td>{c.advisedPoolSize === 1 ? t('testing.overview.individual') : c.advisedPoolSize}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {campaigns ? (
        <section className="card" aria-labelledby="ts-campaigns">
          <h2 id="ts-campaigns">{t('testing.overview.campaigns')}</h2>
          <ul>
            {campaigns.items.map((c) => (
              <li key={c.id}>
                <Link to={`/testing/campaigns/${c.id}`}>{c.name}</Link> · {c.unitName} · {c.startsOn} → {c.endsOn} ·{' '}
                {t('testing.overview.coverage', { tested: c.tested, target: c.target })}
              </li>
            ))}
          </ul>
          {fieldWork ? <CreateCampaign onCreated={(id) => navigate(`/testing/campaigns/${id}`)} /> : null}
        </section>
      ) : null}

      {tasks ? (
        <section className="card" aria-labelledby="ts-tasks">
          <h2 id="ts-tasks">{t('testing.overview.tasks')}</h2>
          {tasks.items.length === 0 ? <p className="muted">{t('testing.overview.noTasks')}</p> : null}
          <ul className="ts-tasks">
            {tasks.items.map((k) => (
              <li key={k.id} data-person-id={k.personId}>
                <strong>{k.name || k.phone}</strong> · {k.unitName} · {k.dueOn}
                <br />
                <span className="muted">{t(`testing.overview.taskReasons.${k.reason}`, { day: k.day })}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
