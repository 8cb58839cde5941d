/**
 * Enterprises. An owner (a citizen) sees their enterprises with their risk level and whether they may operate, and
 * registers a new one (tax code, place, workers, shifts). Oversight staff (the industrial-park board, commune and
 * district health staff, leaders) see those of their area — high-risk, overdue, or all — and register one too.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './declarations.css';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { api, query } from '../../lib/api.ts';
import type { EnterpriseList, EnterpriseSummary, IdResponse } from '../../lib/declarations-types.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';

export function LevelTag({ level }: { level: EnterpriseSummary['level'] }) {
  const { t } = useTranslation();
  return (
    <span className={`dc-level dc-level-${level ?? 'none'}`} data-level={level ?? 'none'}>
      {level ? t(`declarations.levels.${level}`) : t('declarations.enterprise.notAssessed')}
    </span>
  );
}

function EnterpriseCard({ e }: { e: EnterpriseSummary }) {
  const { t } = useTranslation();
  return (
    <li className="card dc-enterprise" data-enterprise-id={e.id}>
      <h3>
        <Link to={`/enterprises/${e.id}`}>{e.name}</Link>
      </h3>
      <p>
        <LevelTag level={e.level} />
        {e.score !== null ? (
          <span className="muted"> · {t('declarations.enterprise.score', { score: e.score })}</span>
        ) : null}
      </p>
      <p className="muted">
        {t('declarations.enterprise.taxCode')}: {e.taxCode} ·{' '}
        {t('declarations.enterprise.workersCount', { count: e.workers })}
        {e.industrialPark ? ` · ${e.industrialPark}` : ''}
      </p>
      <p className={e.allowedToOperate ? 'dc-ok' : 'dc-warn'}>
        {e.allowedToOperate
          ? t('declarations.enterprise.allowed', { date: e.validUntil?.slice(0, 10) ?? '' })
          : e.overdue && e.level !== null
            ? t('declarations.enterprise.overdue')
            : t('declarations.enterprise.notAllowed')}
      </p>
    </li>
  );
}

function RegisterEnterprise() {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [taxCode, setTaxCode] = useState('');
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const [workers, setWorkers] = useState('');
  const [shifts, setShifts] = useState('1');
  const [park, setPark] = useState('');
  const [address, setAddress] = useState('');
  const action = useApiAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!unit) return;
    void action.run(async () => {
      const r = await api<IdResponse>('POST', '/enterprises', {
        name: name.trim(),
        taxCode: taxCode.trim(),
        unitCode: unit.code,
        workers: Number(workers),
        shifts: Number(shifts),
        ...(park.trim() ? { industrialPark: park.trim() } : {}),
        ...(address.trim() ? { address: address.trim() } : {}),
      });
      navigate(`/enterprises/${r.id}`);
    });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="dc-register">
      <h2 id="dc-register">{t('declarations.enterprise.register')}</h2>
      <TextField
        label={t('declarations.enterprise.name')}
        required
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <TextField
        label={t('declarations.enterprise.taxCode')}
        hint={t('declarations.enterprise.taxCodeHint')}
        required
        inputMode="numeric"
        value={taxCode}
        onChange={(e) => setTaxCode(e.target.value)}
      />
      <UnitPicker label={t('declarations.enterprise.unit')} value={unit} onChange={setUnit} required />
      <TextField
        label={t('declarations.enterprise.park')}
        optional
        value={park}
        onChange={(e) => setPark(e.target.value)}
      />
      <TextField
        label={t('declarations.enterprise.address')}
        optional
        value={address}
        onChange={(e) => setAddress(e.target.value)}
      />
      <TextField
        label={t('declarations.enterprise.workers')}
        type="number"
        min={0}
        required
        value={workers}
        onChange={(e) => setWorkers(e.target.value)}
      />
      <TextField
        label={t('declarations.enterprise.shifts')}
        type="number"
        min={1}
        max={4}
        required
        value={shifts}
        onChange={(e) => setShifts(e.target.value)}
      />
      <ErrorMessage error={action.error} />
      <button type="submit" className="button" disabled={action.busy || !unit || !name.trim() || workers === ''}>
        {t('declarations.enterprise.registerButton')}
      </button>
    </form>
  );
}

type Filter = 'high_risk' | 'overdue' | 'all';

export default function EnterprisesPage({ staff }: { staff: boolean }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<Filter>(staff ? 'high_risk' : 'all');
  const list = useApiGet<EnterpriseList>(`/enterprises${query({ filter: staff ? filter : undefined })}`);
  return (
    <div className="dc-page">
      <PageTitle>{t(staff ? 'declarations.enterprise.oversightTitle' : 'declarations.enterprise.mineTitle')}</PageTitle>
      <p className="muted">
        {t(staff ? 'declarations.enterprise.oversightIntro' : 'declarations.enterprise.mineIntro')}
      </p>
      {staff ? (
        <fieldset className="dc-filters dc-question">
          <legend className="visually-hidden">{t('declarations.enterprise.filter')}</legend>
          {(['high_risk', 'overdue', 'all'] as const).map((f) => (
            <button
              key={f}
              type="button"
              className={`button button-small ${filter === f ? '' : 'button-secondary'}`}
              aria-pressed={filter === f}
              onClick={() => setFilter(f)}
            >
              {t(`declarations.enterprise.filters.${f}`)}
            </button>
          ))}
        </fieldset>
      ) : null}
      <ListStatus
        list={{ data: list.data?.items, error: list.error, loading: list.loading }}
        empty="declarations.enterprise.none"
        count="declarations.enterprise.count"
      />
      <ul className="dc-list">
        {(list.data?.items ?? []).map((e) => (
          <EnterpriseCard key={e.id} e={e} />
        ))}
      </ul>
      <RegisterEnterprise />
    </div>
  );
}
