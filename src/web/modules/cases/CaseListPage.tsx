/**
 * Tracers' case list: the cases of their jurisdiction, filtered by status and searched by code or name on the
 * server, 50 at a time (keyset pages: "Show more" loads the next from where the last ended).
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SelectField, TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { MoreButton } from '../../components/MoreButton.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { query } from '../../lib/api.ts';
import type { CaseListItem } from '../../lib/api-types.ts';
import { CASE_STATUSES } from '../../lib/api-values.ts';
import { Link } from '../../lib/router.tsx';
import { useApiPages } from '../../lib/useApiPages.ts';
import { formatDateTime } from './model.ts';

const PAGE = 50;

export function CaseListPage() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState('');
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const cases = useApiPages<CaseListItem>(`/cases${query({ status, q, limit: PAGE })}`);
  const { data, reload } = cases;

  const search = (event: FormEvent) => {
    event.preventDefault();
    setQ(text.trim());
  };

  return (
    <div>
      <PageTitle>{t('cases.list.title')}</PageTitle>
      <p className="actions">
        <Link to="/cases/new" className="button">
          {t('cases.list.create')}
        </Link>
        <Link to="/cases-graph" className="button button-secondary">
          {t('cases.list.graph')}
        </Link>
      </p>
      <search>
        <form className="card cs-filters" onSubmit={search} noValidate>
          <TextField
            label={t('cases.list.searchLabel')}
            hint={t('cases.list.searchHint')}
            type="search"
            autoComplete="off"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <SelectField label={t('cases.list.status')} value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('cases.list.allStatuses')}</option>
            {CASE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`cases.status.${s}`)}
              </option>
            ))}
          </SelectField>
          <div className="actions">
            <button type="submit" className="button">
              {t('cases.list.search')}
            </button>
            <button type="button" className="button button-secondary" onClick={reload}>
              {t('common.reload')}
            </button>
          </div>
        </form>
      </search>
      <ListStatus
        list={cases}
        empty="cases.list.empty"
        count={cases.hasMore ? 'common.shownMore' : 'cases.list.count'}
      />
      {data && data.length > 0 ? (
        <ul className="cards cs-case-list">
          {data.map((c) => (
            <li key={c.id} className="card cs-case-card" data-case-code={c.displayCode}>
              <h2 className="cs-case-title">
                <Link to={`/cases/${c.id}`}>
                  <span className="mono">{c.displayCode}</span> — {c.personName}
                </Link>
              </h2>
              <p className="cs-meta">
                <span className={`badge cs-status cs-status-${c.status}`}>{t(`cases.status.${c.status}`)}</span>
                <span>{t('cases.list.confirmedAt', { at: formatDateTime(c.confirmedAt, i18n.language) })}</span>
                {c.unitFullName || c.unitName ? <span>{c.unitFullName ?? c.unitName}</span> : null}
              </p>
              <p className="cs-counts">
                <span>{t('cases.f1Count', { count: c.f1 })}</span>
                <span>{t('cases.f2Count', { count: c.f2 })}</span>
              </p>
            </li>
          ))}
        </ul>
      ) : null}
      <MoreButton list={cases} />
    </div>
  );
}
