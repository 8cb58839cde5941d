/**
 * "Tỷ lệ khai báo theo cơ quan, doanh nghiệp": the organisations a user reads, with today's share of members who
 * declared — civil-service agencies first, against their 100 % target — and the figures as CSV. Staff of an area
 * (health workers, leaders) register an agency here; an enterprise's list starts from its page.
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
import type { IdResponse, OrganisationList, OrganisationSummary } from '../../lib/declarations-types.ts';
import { formatPercent } from '../../lib/numbers.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';

/** One organisation's line: name, share bar, counts; an agency's target status. */
export function OrganisationCard({ o }: { o: OrganisationSummary }) {
  const { t, i18n } = useTranslation();
  return (
    <li className="dc-row-card" data-testid="organisation">
      <Link to={`/organisations/${o.id}`}>
        <strong>{o.name}</strong>
      </Link>{' '}
      <span className="muted">· {o.unitName ?? o.unitCode}</span>
      <div className="dc-share">
        <meter min={0} max={1} value={o.share ?? 0} aria-label={t('declarations.orgs.share')} />{' '}
        <strong>{formatPercent(o.share, i18n.language)}</strong>
      </div>
      <span>
        {/* an enterprise's owner is not told how many were flagged (in a small enterprise it could point at someone) */}
        {o.flaggedToday === null
          ? t('declarations.orgs.lineNoFlagged', {
              declared: o.declaredToday,
              members: o.members,
              missing: o.notDeclaredToday,
            })
          : t('declarations.orgs.line', {
              declared: o.declaredToday,
              members: o.members,
              flagged: o.flaggedToday,
              missing: o.notDeclaredToday,
            })}
      </span>
      {o.atTarget === null ? null : (
        <span className={o.atTarget ? 'dc-status dc-ok' : 'dc-status dc-warn'}>
          {t(o.atTarget ? 'declarations.orgs.atTarget' : 'declarations.orgs.belowTarget')}
        </span>
      )}
    </li>
  );
}

function NewAgency() {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const action = useApiAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await api<IdResponse>('POST', '/organisations', {
        kind: 'agency',
        name: name.trim(),
        unitCode: unit?.code ?? '',
      });
      navigate(`/organisations/${r.id}`);
    });
  };
  return (
    <form className="card dc-form" onSubmit={submit} aria-labelledby="dc-new-agency">
      <h2 id="dc-new-agency">{t('declarations.orgs.newAgency')}</h2>
      <p className="hint">{t('declarations.orgs.newAgencyHint')}</p>
      <TextField
        label={t('declarations.orgs.agencyName')}
        value={name}
        maxLength={200}
        required
        onChange={(e) => setName(e.target.value)}
      />
      <UnitPicker label={t('declarations.orgs.agencyUnit')} value={unit} onChange={setUnit} required />
      <ErrorMessage error={action.error} />
      <button type="submit" className="button" disabled={action.busy || !name.trim() || !unit}>
        {t('declarations.orgs.create')}
      </button>
    </form>
  );
}

export default function OrganisationsPage({ canCreateAgency }: { canCreateAgency: boolean }) {
  const { t, i18n } = useTranslation();
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const params = query({ unitCode: unit?.code });
  const list = useApiGet<OrganisationList>(`/organisations${params}`);
  const d = list.data;
  const agencies = d?.items.filter((o) => o.civilService) ?? [];
  const others = d?.items.filter((o) => !o.civilService) ?? [];
  return (
    <div className="dc-page">
      <PageTitle>{t('declarations.orgs.title')}</PageTitle>
      <p className="muted">{t('declarations.orgs.intro')}</p>
      {canCreateAgency ? <UnitPicker label={t('declarations.stats.unit')} value={unit} onChange={setUnit} /> : null}
      <ListStatus list={{ ...list, data: d?.items }} empty="declarations.orgs.none" />
      {d ? (
        <>
          <dl className="dc-totals" data-testid="civil-service-totals">
            <div>
              <dt>{t('declarations.orgs.civilServants')}</dt>
              <dd>{formatPercent(d.civilService.share, i18n.language)}</dd>
            </div>
            <div>
              <dt>{t('declarations.orgs.agenciesAtTarget')}</dt>
              <dd>
                {d.civilService.agenciesAtTarget} / {d.civilService.agencies}
              </dd>
            </div>
            <div>
              <dt>{t('declarations.orgs.declaredOfMembers')}</dt>
              <dd>
                {d.civilService.declaredToday} / {d.civilService.members}
              </dd>
            </div>
          </dl>
          <p>
            <a className="button button-secondary button-small" href={`/api/v1/organisations.csv${params}`} download>
              {t('declarations.orgs.csv')}
            </a>{' '}
            <span className="muted">{t('declarations.orgs.day', { day: d.day })}</span>
          </p>
          {agencies.length > 0 ? (
            <section className="card" aria-labelledby="dc-agencies">
              <h2 id="dc-agencies">
                {t('declarations.orgs.agencies', { target: formatPercent(d.civilService.target, i18n.language) })}
              </h2>
              <ul className="dc-list">
                {agencies.map((o) => (
                  <OrganisationCard key={o.id} o={o} />
                ))}
              </ul>
            </section>
          ) : null}
          {others.length > 0 ? (
            <section className="card" aria-labelledby="dc-others">
              <h2 id="dc-others">{t('declarations.orgs.enterprises')}</h2>
              <ul className="dc-list">
                {others.map((o) => (
                  <OrganisationCard key={o.id} o={o} />
                ))}
              </ul>
            </section>
          ) : null}
        </>
      ) : null}
      {canCreateAgency ? <NewAgency /> : null}
    </div>
  );
}
