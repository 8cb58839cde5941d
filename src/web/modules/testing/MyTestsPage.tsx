/** Citizens: their test results and their dependants', newest first, with time and lab ("Kết quả xét nghiệm"). */
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './testing.css';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import type { MyTests } from '../../lib/testing-types.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { formatTime } from '../checkins/format.ts';

export default function MyTestsPage() {
  const { t, i18n } = useTranslation();
  const { data, error, loading } = useApiGet<MyTests>('/me/tests');
  return (
    <div className="ts-page">
      <PageTitle>{t('testing.mine.title')}</PageTitle>
      {loading && !data ? <Loading /> : null}
      <ErrorMessage error={error} />
      {data && data.items.length === 0 ? <p className="muted">{t('testing.mine.none')}</p> : null}
      <ul className="ts-mine">
        {(data?.items ?? []).map((r) => (
          <li
            key={`${r.sampleId}-${r.personId}`}
            className={`card ts-result ts-${r.status}`}
            data-sample-id={r.sampleId}
          >
            <h2>
              {r.personName} · {t(`testing.kinds.${r.kind}`)}
            </h2>
            <p className="ts-verdict">
              <strong>{t(`testing.memberStatus.${r.status}`)}</strong>
            </p>
            <p className="muted">{t('testing.mine.collected', { at: formatTime(r.collectedAt, i18n.language) })}</p>
            {r.testedAt ? (
              <p className="muted">{t('testing.mine.tested', { at: formatTime(r.testedAt, i18n.language) })}</p>
            ) : (
              <p className="muted">{t('testing.mine.waiting')}</p>
            )}
            {r.labName ? <p className="muted">{t('testing.mine.lab', { lab: r.labName })}</p> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
