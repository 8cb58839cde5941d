/**
 * One organisation: today's share of its members who declared (an agency against the 100 % target), adding members
 * one at a time (national ID or phone, and name) or from a CSV file (`national_id,phone,full_name`), and the members
 * who have not declared today — a masked name, the birth year and the phone's last digits, enough to remind them.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './declarations.css';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ApiError, api, NetworkError, UNAUTHENTICATED_EVENT } from '../../lib/api.ts';
import type {
  AddedMember,
  MemberList,
  MembersImportResult,
  OrganisationSummary,
} from '../../lib/declarations-types.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { OrganisationCard } from './OrganisationsPage.tsx';

/** POSTs a CSV file as it is (`text/csv`); the server checks it is UTF-8. */
async function uploadCsv(path: string, file: Blob): Promise<MembersImportResult> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'text/csv' },
      body: file,
    });
  } catch {
    throw new NetworkError();
  }
  const parsed = (await response.json().catch(() => undefined)) as
    | { error?: { code: string; message: string; messageVi: string; details?: unknown } }
    | undefined;
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
    const e = parsed?.error;
    if (e?.code) throw new ApiError(response.status, e.code, e.message, e.messageVi, e.details);
    throw new ApiError(response.status, 'HTTP_ERROR', `HTTP ${response.status}`, `Lỗi HTTP ${response.status}`);
  }
  return parsed as MembersImportResult;
}

function AddMember({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [nationalId, setNationalId] = useState('');
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const action = useApiAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    void action.run(async () => {
      const r = await api<AddedMember>('POST', `/organisations/${id}/members`, {
        ...(nationalId.trim() ? { nationalId: nationalId.trim() } : {}),
        ...(phone.trim() ? { phone: phone.trim() } : {}),
        ...(name.trim() ? { name: name.trim() } : {}),
      });
      setDone(t(r.added ? 'declarations.orgs.added' : 'declarations.orgs.already'));
      setNationalId('');
      setPhone('');
      setName('');
      onDone();
    });
  };
  return (
    <form className="card dc-form" onSubmit={submit} aria-labelledby="dc-add-member">
      <h2 id="dc-add-member">{t('declarations.orgs.addMember')}</h2>
      <p className="hint">{t('declarations.orgs.addMemberHint')}</p>
      <TextField
        label={t('declarations.orgs.nationalId')}
        value={nationalId}
        inputMode="numeric"
        maxLength={12}
        optional
        onChange={(e) => setNationalId(e.target.value)}
      />
      <TextField
        label={t('declarations.orgs.phone')}
        value={phone}
        type="tel"
        optional
        onChange={(e) => setPhone(e.target.value)}
      />
      <TextField
        label={t('declarations.orgs.name')}
        value={name}
        maxLength={120}
        optional
        onChange={(e) => setName(e.target.value)}
      />
      <ErrorMessage error={action.error} />
      <SuccessMessage text={done} />
      <button type="submit" className="button" disabled={action.busy || (!nationalId.trim() && !phone.trim())}>
        {t('declarations.orgs.add')}
      </button>
    </form>
  );
}

function ImportMembers({ id, onDone }: { id: string; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<MembersImportResult | null>(null);
  const action = useApiAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      if (!file) return;
      setReport(await uploadCsv(`/organisations/${id}/members:import`, file));
      onDone();
    });
  };
  return (
    <form className="card dc-form" onSubmit={submit} aria-labelledby="dc-import">
      <h2 id="dc-import">{t('declarations.orgs.import')}</h2>
      <p className="hint">{t('declarations.orgs.importHint')}</p>
      <div className="field">
        <label htmlFor="dc-members-file">{t('declarations.orgs.file')}</label>
        <input
          id="dc-members-file"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </div>
      <ErrorMessage error={action.error} />
      <SuccessMessage text={report ? t('declarations.orgs.imported', report) : null} />
      {report && report.rejected.length > 0 ? (
        <ul className="dc-list" data-testid="members-rejected">
          {report.rejected.map((r) => (
            <li key={`${r.row}-${r.code}`}>
              {t('declarations.orgs.row', { row: r.row })}: {i18n.language === 'en' ? r.message : r.messageVi}
            </li>
          ))}
        </ul>
      ) : null}
      <button type="submit" className="button" disabled={action.busy || !file}>
        {t('declarations.orgs.upload')}
      </button>
    </form>
  );
}

export default function OrganisationPage({
  id,
  manages,
}: {
  id: string;
  /** the kinds of organisation whose lists this user keeps (the server decides; this only hides forms) */
  manages: readonly ('agency' | 'enterprise')[];
}) {
  const { t } = useTranslation();
  const org = useApiGet<OrganisationSummary>(`/organisations/${id}`);
  const [all, setAll] = useState(false);
  const members = useApiGet<MemberList>(`/organisations/${id}/members${all ? '' : '?filter=not_declared'}`);
  const reload = () => {
    org.reload();
    members.reload();
  };
  const o = org.data;
  if (!o) return org.error ? <ErrorMessage error={org.error} /> : <Loading />;
  return (
    <div className="dc-page">
      <PageTitle>{o.name}</PageTitle>
      <ul className="dc-list">
        <OrganisationCard o={o} />
      </ul>
      <section className="card" aria-labelledby="dc-members">
        <h2 id="dc-members">{t(all ? 'declarations.orgs.allMembers' : 'declarations.orgs.notDeclared')}</h2>
        <label className="dc-option">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />{' '}
          {t('declarations.orgs.showAll')}
        </label>
        <ListStatus
          list={{ ...members, data: members.data?.items }}
          empty={all ? 'declarations.orgs.noMembers' : 'declarations.orgs.everyoneDeclared'}
          count="declarations.orgs.memberCount"
        />
        <ul className="dc-list" data-testid="members">
          {members.data?.items.map((m) => (
            <li key={m.personId} className="dc-row-card">
              <strong>{m.name ?? t('declarations.orgs.noName')}</strong>
              {m.birthYear ? <span className="muted"> · {m.birthYear}</span> : null}
              {m.phoneEnd ? (
                <span className="muted"> · {t('declarations.orgs.phoneEnd', { end: m.phoneEnd })}</span>
              ) : null}{' '}
              <span className={`dc-status dc-badge-${m.today}`}>{t(`declarations.orgs.today.${m.today}`)}</span>
            </li>
          ))}
        </ul>
        <p className="hint">{t('declarations.orgs.masked')}</p>
      </section>
      {manages.includes(o.kind) ? (
        <>
          <AddMember id={id} onDone={reload} />
          <ImportMembers id={id} onDone={reload} />
        </>
      ) : null}
    </div>
  );
}
