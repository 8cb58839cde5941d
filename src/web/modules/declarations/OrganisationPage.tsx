/**
 * One organisation: today's share of its members who declared (an agency against the 100 % target), adding members
 * one at a time (national ID or phone, and name) or from a CSV file (`national_id,phone,full_name`), and the members
 * who have not declared today — a masked name, the birth year and the phone's last digits, enough to remind them —
 * 50 at a time ("Xem thêm" loads the next keyset page). Whoever keeps the list also removes a member, renames the
 * organisation and deletes it (with its member list, after a confirmation).
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './declarations.css';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { Loading } from '../../components/Loading.tsx';
import { MoreButton } from '../../components/MoreButton.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ApiError, api, NetworkError, UNAUTHENTICATED_EVENT } from '../../lib/api.ts';
import type {
  AddedMember,
  MembersImportResult,
  MemberView,
  OrganisationSummary,
  UpdateOrganisationBody,
} from '../../lib/declarations-types.ts';
import { navigate } from '../../lib/router.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { useApiPages } from '../../lib/useApiPages.ts';

/** members per page */
const PAGE = 50;

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

function AddMember({ id, owner, onDone }: { id: string; owner: boolean; onDone: () => void }) {
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
      <p className="hint">{t(owner ? 'declarations.orgs.addMemberHintOwner' : 'declarations.orgs.addMemberHint')}</p>
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
        optional={!owner}
        onChange={(e) => setName(e.target.value)}
      />
      <ErrorMessage error={action.error} />
      <SuccessMessage text={done} />
      <button
        type="submit"
        className="button"
        disabled={action.busy || (!nationalId.trim() && !phone.trim()) || (owner && !name.trim())}
      >
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

/** Rename, or delete the organisation with its member list (a second button confirms). */
function ManageOrganisation({ o, onRenamed }: { o: OrganisationSummary; onRenamed: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(o.name);
  const [done, setDone] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const action = useApiAction();
  const rename = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    void action.run(async () => {
      await api('PATCH', `/organisations/${o.id}`, { name: name.trim() } satisfies UpdateOrganisationBody);
      setDone(t('declarations.orgs.renamed'));
      onRenamed();
    });
  };
  const remove = () =>
    void action.run(async () => {
      await api('DELETE', `/organisations/${o.id}`);
      navigate('/organisations');
    });
  return (
    <section className="card dc-form" aria-labelledby="dc-manage-org" data-testid="manage-organisation">
      <h2 id="dc-manage-org">{t('declarations.orgs.manage')}</h2>
      <form onSubmit={rename} noValidate>
        <TextField
          label={t('declarations.orgs.newName')}
          value={name}
          maxLength={200}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="button" disabled={action.busy || !name.trim() || name.trim() === o.name}>
          {t('declarations.orgs.saveName')}
        </button>
      </form>
      <p className="hint">{t('declarations.orgs.deleteHint')}</p>
      {confirming ? (
        <div>
          <p role="alert">
            <strong>{t('declarations.orgs.deleteConfirm', { name: o.name })}</strong>
          </p>
          <button type="button" className="button button-danger" disabled={action.busy} onClick={remove}>
            {t('declarations.orgs.deleteYes')}
          </button>{' '}
          <button type="button" className="button button-secondary" onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </button>
        </div>
      ) : (
        <button type="button" className="button button-secondary" onClick={() => setConfirming(true)}>
          {t('declarations.orgs.delete')}
        </button>
      )}
      <ErrorMessage error={action.error} />
      <SuccessMessage text={done} />
    </section>
  );
}

/** One member of the list; whoever keeps it may remove them. */
function MemberRow({
  orgId,
  m,
  canRemove,
  onRemoved,
}: {
  orgId: string;
  m: MemberView;
  canRemove: boolean;
  onRemoved: (personId: string) => void;
}) {
  const { t } = useTranslation();
  const action = useApiAction();
  const name = m.name ?? t('declarations.orgs.noName');
  const remove = () =>
    void action.run(async () => {
      await api('DELETE', `/organisations/${orgId}/members/${m.personId}`);
      onRemoved(m.personId);
    });
  return (
    <li className="dc-row-card" data-person-id={m.personId}>
      <strong>{name}</strong>
      {m.birthYear ? <span className="muted"> · {m.birthYear}</span> : null}
      {m.phoneEnd ? <span className="muted"> · {t('declarations.orgs.phoneEnd', { end: m.phoneEnd })}</span> : null}{' '}
      <span className={`dc-status dc-badge-${m.today}`}>{t(`declarations.orgs.today.${m.today}`)}</span>
      {canRemove ? (
        <>
          {' '}
          <button
            type="button"
            className="button button-small button-secondary"
            disabled={action.busy}
            aria-label={t('declarations.orgs.removeMember', { name })}
            onClick={remove}
          >
            {t('declarations.orgs.remove')}
          </button>
        </>
      ) : null}
      <ErrorMessage error={action.error} />
    </li>
  );
}

export default function OrganisationPage({
  id,
  manages,
  owner = false,
}: {
  id: string;
  /** the kinds of organisation whose lists this user keeps (the server decides; this only hides forms) */
  manages: readonly ('agency' | 'enterprise')[];
  /** an enterprise's owner (a citizen): adds only people on record, named with their full name */
  owner?: boolean;
}) {
  const { t } = useTranslation();
  const org = useApiGet<OrganisationSummary>(`/organisations/${id}`);
  const [all, setAll] = useState(false);
  const members = useApiPages<MemberView>(
    `/organisations/${id}/members?limit=${PAGE}${all ? '' : '&filter=not_declared'}`,
  );
  const [removed, setRemoved] = useState<string | null>(null);
  const reload = () => {
    org.reload();
    members.reload();
  };
  const o = org.data;
  if (!o) return org.error ? <ErrorMessage error={org.error} /> : <Loading />;
  const keeps = manages.includes(o.kind);
  const onRemoved = (personId: string) => {
    const gone = members.data?.find((m) => m.personId === personId);
    setRemoved(t('declarations.orgs.removed', { name: gone?.name ?? t('declarations.orgs.noName') }));
    members.update((rows) => rows.filter((m) => m.personId !== personId));
    org.reload();
  };
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
          list={members}
          empty={all ? 'declarations.orgs.noMembers' : 'declarations.orgs.everyoneDeclared'}
          count={members.hasMore ? 'common.shownMore' : 'declarations.orgs.memberCount'}
        />
        <SuccessMessage text={removed} />
        <ul className="dc-list" data-testid="members">
          {members.data?.map((m) => (
            <MemberRow key={m.personId} orgId={id} m={m} canRemove={keeps} onRemoved={onRemoved} />
          ))}
        </ul>
        <MoreButton list={members} />
        <p className="hint">{t('declarations.orgs.masked')}</p>
      </section>
      {keeps ? (
        <>
          <AddMember id={id} owner={owner} onDone={reload} />
          <ImportMembers id={id} onDone={reload} />
          <ManageOrganisation key={o.id} o={o} onRenamed={org.reload} />
        </>
      ) : null}
    </div>
  );
}
