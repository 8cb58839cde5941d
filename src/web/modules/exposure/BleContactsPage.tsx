/**
 * A tracer's Bluetooth page for one case: issue the verification code the F0 types into their app to upload their
 * keys, and see who reported (with consent) that their phone matched them, with the evidence.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { api } from '../../lib/api.ts';
import type { BleContact, IssuedCode } from '../../lib/api-types.ts';
import { Link } from '../../lib/router.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { formatWhen } from './format.ts';
import './texts.ts';

export default function BleContactsPage({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation();
  const contacts = useApiGet<BleContact[]>(`/exposure/cases/${caseId}/ble-contacts`);
  const [issued, setIssued] = useState<IssuedCode | null>(null);
  const issuing = useApiAction();

  const issue = () =>
    void issuing.run(async () => setIssued(await api<IssuedCode>('POST', '/exposure/verification-codes', { caseId })));

  return (
    <div>
      <p>
        <Link to={`/cases/${caseId}`}>{t('exposure.staff.backToCase')}</Link>
      </p>
      <PageTitle>{t('exposure.staff.title')}</PageTitle>
      <section className="card">
        <h2>{t('exposure.staff.issueTitle')}</h2>
        <p className="hint">{t('exposure.staff.issueHint')}</p>
        <button type="button" className="button" disabled={issuing.busy} onClick={issue}>
          {t('exposure.staff.issue')}
        </button>
        {issued ? (
          <p className="alert alert-success" role="status" data-testid="en-code">
            {t('exposure.staff.issued', { code: issued.code, expiresAt: formatWhen(issued.expiresAt, i18n.language) })}
          </p>
        ) : null}
        <ErrorMessage error={issuing.error} />
      </section>
      <section className="card">
        <h2>{t('exposure.staff.contactsTitle')}</h2>
        <ListStatus list={contacts} empty="exposure.staff.noContacts" />
        <ul>
          {contacts.data?.map((c) => (
            <li key={c.personId}>
              <strong>{c.name || (c.phone ? '' : t('exposure.staff.someone'))}</strong> {c.phone ?? ''}
              <br />
              {t('exposure.staff.evidence', {
                from: formatWhen(c.firstSeenAt, i18n.language),
                to: formatWhen(c.lastSeenAt, i18n.language),
                minutes: c.minutes,
                risk: c.risk,
              })}
              {c.minAttenuation !== null ? `; ${t('exposure.staff.attenuation', { db: c.minAttenuation })}` : ''}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
