/**
 * The F1/F2 list of a case, for paper: every contact (of one degree when chosen) in a plain table that prints on A4
 * (the app's header, navigation and buttons are not printed). Loading it is an audited export naming everyone in it,
 * like the CSV download.
 */
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { query } from '../../lib/api.ts';
import type { Contact, ContactsExport } from '../../lib/api-types.ts';
import { Link } from '../../lib/router.tsx';
import { useApiGet } from '../../lib/useApiGet.ts';
import { formatDateOnly, formatDateTime, formatTime } from './model.ts';

export function PrintContactsPage({ id, degree }: { id: string; degree: '' | '1' | '2' }) {
  const { t, i18n } = useTranslation();
  const { data, error, loading } = useApiGet<ContactsExport>(
    `/cases/${id}/contacts/export${query({ format: 'json', degree })}`,
  );
  const label = (c: Contact) =>
    c.name ?? t('cases.contacts.outOfScope', { district: c.district?.name ?? t('cases.contacts.unknownDistrict') });
  const evidence = (c: Contact) => {
    const v = c.via;
    const how = t(`cases.via.${v.type}`, { defaultValue: v.type });
    const where = v.venueName ? `: ${v.venueName}` : '';
    const when =
      v.overlapStart && v.overlapEnd
        ? ` · ${formatDateTime(v.overlapStart, i18n.language)} – ${formatTime(v.overlapEnd, i18n.language)}`
        : '';
    const through = v.throughPersonId
      ? ` ${t('cases.contacts.through', { name: v.throughName ?? t('cases.contacts.anF1') })}`
      : '';
    return `${how}${where}${when}${through}`;
  };

  return (
    <div className="cs-print">
      <p className="no-print actions">
        <Link to={`/cases/${id}`}>{t('cases.export.back')}</Link>
        <button type="button" className="button" disabled={!data} onClick={() => window.print()}>
          {t('cases.export.printNow')}
        </button>
      </p>
      <PageTitle>
        {data
          ? t('cases.export.title', { code: data.displayCode, degree: degree ? `F${degree}` : 'F1/F2' })
          : t('cases.export.print')}
      </PageTitle>
      <ErrorMessage error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <p className="muted">
            {t('cases.export.printed', {
              at: formatDateTime(new Date().toISOString(), i18n.language),
              count: data.contacts.length,
            })}
          </p>
          <table className="cs-print-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('cases.contacts.person')}</th>
                <th scope="col">{t('cases.contacts.degree')}</th>
                <th scope="col">{t('cases.export.phone')}</th>
                <th scope="col">{t('cases.export.unit')}</th>
                <th scope="col">{t('cases.contacts.evidence')}</th>
                <th scope="col">{t('cases.contacts.followUp')}</th>
                <th scope="col">{t('cases.contacts.quarantine')}</th>
              </tr>
            </thead>
            <tbody>
              {data.contacts.map((c, i) => (
                <tr key={c.personId} data-person-id={c.personId}>
                  <td>{i + 1}</td>
                  <th scope="row">{label(c)}</th>
                  <td>F{c.degree}</td>
                  <td className="mono">{c.phone ?? '—'}</td>
                  <td>{c.unitFullName ?? c.district?.name ?? '—'}</td>
                  <td>{evidence(c)}</td>
                  <td>
                    {t(`cases.followUp.${c.followUp}`, { defaultValue: c.followUp })}
                    {c.confirmation !== 'confirmed' ? ` (${t(`cases.confirmation.${c.confirmation}`)})` : ''}
                  </td>
                  <td>
                    {c.quarantine
                      ? `${formatDateOnly(c.quarantine.startsOn)} – ${formatDateOnly(c.quarantine.endsOn)}`
                      : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}
