/**
 * The case's contacts (F1/F2), one row per person with the strongest evidence first, 50 at a time from the server
 * (keyset pages: "Show more" loads the next); filters by degree, how they were found and follow-up status, and a
 * search by name or phone — all on the server; select rows to set their follow-up or take them on; add one from an
 * interview; export the F1/F2 list (CSV) or print it. A table on wide screens, a card per person on a phone.
 */
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { MoreButton } from '../../components/MoreButton.tsx';
import { api, query } from '../../lib/api.ts';
import type {
  AddedContact,
  BulkContactsBody,
  Contact,
  ManualContactBody,
  Person,
  UpdatedCount,
} from '../../lib/api-types.ts';
import { SETTABLE_FOLLOW_UPS, VIA_TYPES } from '../../lib/api-values.ts';
import { Link } from '../../lib/router.tsx';
import { fromLocalInput } from '../../lib/time.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiPages } from '../../lib/useApiPages.ts';
import { useMediaQuery } from '../../lib/useMediaQuery.ts';
import { isOneOf } from '../../lib/values.ts';
import { FollowUpFilter } from './FollowUpFilter.tsx';
import { formatDateOnly, formatDateTime, formatTime } from './model.ts';
import { PersonFinder } from './PersonFinder.tsx';

interface Props {
  caseId: string;
  myId: string;
  /** bumped by the page when something else changed the contacts (re-trace, venue alert) */
  version: number;
  onChanged: () => void;
}

/** People per page: a phone shows them as cards, so a page stays a few screens long. */
const PAGE = 50;
/** Below this width the seven-column table would squeeze its text into letters: one card per person instead. */
const NARROW = '(max-width: 47.99rem)';

export function ContactsSection({ caseId, myId, version, onChanged }: Props) {
  const { t, i18n } = useTranslation();
  const [degree, setDegree] = useState('');
  const [via, setVia] = useState('');
  const [followUp, setFollowUp] = useState('');
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const contacts = useApiPages<Contact>(`/cases/${caseId}/contacts${query({ degree, via, followUp, q, limit: PAGE })}`);
  const { data, reload } = contacts;
  const narrow = useMediaQuery(NARROW);
  const firstVersion = useRef(version);
  useEffect(() => {
    if (version !== firstVersion.current) reload();
  }, [version, reload]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkFollowUp, setBulkFollowUp] = useState<(typeof SETTABLE_FOLLOW_UPS)[number]>('notified');
  const bulkAction = useApiAction();
  const [done, setDone] = useState<string | null>(null);

  const rows = data ?? [];
  // a contact living outside the tracer's area comes without identity: "someone in {district}"
  const label = (c: Contact) =>
    c.name ?? t('cases.contacts.outOfScope', { district: c.district?.name ?? t('cases.contacts.unknownDistrict') });
  const names = new Map(rows.map((c) => [c.personId, label(c)]));
  // a contact handed over to another area is followed up there (the bulk change refuses it): not selectable here
  const selectable = rows.filter((c) => !c.outOfScope);
  const allSelected = selectable.length > 0 && selectable.every((c) => selected.has(c.personId));

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  const search = (event: FormEvent) => {
    event.preventDefault();
    setQ(text.trim());
  };

  const bulk = (change: Omit<BulkContactsBody, 'personIds'>) => {
    const personIds = selectable.filter((c) => selected.has(c.personId)).map((c) => c.personId);
    if (personIds.length === 0) return;
    setDone(null);
    void bulkAction.run(async () => {
      const result = await api<UpdatedCount>('POST', `/cases/${caseId}/contacts/bulk`, {
        personIds,
        ...change,
      } satisfies BulkContactsBody);
      setDone(t('cases.contacts.updated', { count: result.updated }));
      setSelected(new Set());
      reload();
    });
  };

  const evidence = (c: Contact) => {
    const v = c.via;
    let found: ReactNode;
    if (v.type === 'venue') {
      const when =
        v.overlapStart && v.overlapEnd
          ? `${formatDateTime(v.overlapStart, i18n.language)} – ${formatTime(v.overlapEnd, i18n.language)}`
          : '';
      found = (
        <>
          <span>{t('cases.via.venue')}: </span>
          <strong>{v.venueName ?? '—'}</strong>
          {when ? <span className="cs-evidence-when"> · {when}</span> : null}
          {v.overlapMinutes !== undefined ? (
            <span> · {t('cases.contacts.overlapMinutes', { count: v.overlapMinutes })}</span>
          ) : null}
        </>
      );
    } else found = <span>{t(`cases.via.${v.type}`, { defaultValue: v.type })}</span>;
    return (
      <>
        {found}
        {v.throughPersonId ? (
          <span className="muted">
            {' '}
            {t('cases.contacts.through', {
              name: v.throughName ?? names.get(v.throughPersonId) ?? t('cases.contacts.anF1'),
            })}
          </span>
        ) : null}
        {c.evidenceCount > 1 ? (
          <span className="muted"> · {t('cases.contacts.evidenceCount', { count: c.evidenceCount })}</span>
        ) : null}
      </>
    );
  };

  const followUpOf = (c: Contact) => (
    <>
      {t(`cases.followUp.${c.followUp}`, { defaultValue: c.followUp })}
      {c.confirmation !== 'confirmed' ? (
        <ToConfirm
          caseId={caseId}
          contact={c}
          name={label(c)}
          onChanged={() => {
            reload();
            onChanged();
          }}
        />
      ) : null}
    </>
  );
  const quarantineOf = (c: Contact) =>
    c.quarantine
      ? t('cases.contacts.quarantineText', {
          kind: t(`cases.quarantineKind.${c.quarantine.kind}`, { defaultValue: c.quarantine.kind }),
          from: formatDateOnly(c.quarantine.startsOn),
          to: formatDateOnly(c.quarantine.endsOn),
        })
      : '—';
  const assignedOf = (c: Contact) =>
    c.assignedTracerId === null
      ? '—'
      : c.assignedTracerId === myId
        ? t('cases.contacts.me')
        : t('cases.contacts.other');
  const checkbox = (c: Contact) => (
    <input
      type="checkbox"
      aria-label={t('cases.contacts.select', { name: label(c) })}
      checked={selected.has(c.personId)}
      disabled={c.outOfScope}
      onChange={() => toggle(c.personId)}
    />
  );
  const person = (c: Contact) => (
    <>
      <span className="cs-contact-person">{label(c)}</span>
      {c.outOfScope ? <span className="muted"> · {t('cases.contacts.handedOver')}</span> : null}
      {c.phone ? <span className="muted mono"> {c.phone}</span> : null}
      {c.unitFullName ? <span className="cs-contact-unit muted">{c.unitFullName}</span> : null}
    </>
  );

  return (
    <section className="card" aria-labelledby="cs-contacts">
      <h2 id="cs-contacts">{t('cases.contacts.title')}</h2>
      <p className="actions cs-export">
        <a
          className="button button-secondary button-small"
          href={`/api/v1/cases/${caseId}/contacts/export${query({ format: 'csv', degree })}`}
          download
        >
          {t('cases.export.csv')}
        </a>
        <Link
          to={`/cases/${caseId}/contacts/print${query({ degree })}`}
          className="button button-secondary button-small"
        >
          {t('cases.export.print')}
        </Link>
      </p>
      <search>
        <form className="cs-contact-search" onSubmit={search} noValidate>
          <TextField
            label={t('cases.contacts.searchLabel')}
            hint={t('cases.contacts.searchHint')}
            type="search"
            autoComplete="off"
            maxLength={100}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" className="button button-secondary">
            {t('cases.contacts.search')}
          </button>
        </form>
      </search>
      <div className="cs-filter-row">
        <SelectField label={t('cases.contacts.degree')} value={degree} onChange={(e) => setDegree(e.target.value)}>
          <option value="">{t('cases.contacts.all')}</option>
          <option value="1">F1</option>
          <option value="2">F2</option>
        </SelectField>
        <SelectField label={t('cases.contacts.via')} value={via} onChange={(e) => setVia(e.target.value)}>
          <option value="">{t('cases.contacts.all')}</option>
          {VIA_TYPES.map((v) => (
            <option key={v} value={v}>
              {t(`cases.via.${v}`)}
            </option>
          ))}
        </SelectField>
        <FollowUpFilter value={followUp} onChange={setFollowUp} />
      </div>
      <ListStatus
        list={contacts}
        empty="cases.contacts.empty"
        count={contacts.hasMore ? 'common.shownMore' : 'cases.contacts.count'}
      />
      {rows.length > 0 ? (
        <>
          <fieldset className="cs-bulk">
            <legend>{t('cases.contacts.bulkTitle', { count: selected.size })}</legend>
            <div className="cs-bulk-row">
              <SelectField
                label={t('cases.contacts.setFollowUp')}
                value={bulkFollowUp}
                onChange={(e) => isOneOf(SETTABLE_FOLLOW_UPS, e.target.value) && setBulkFollowUp(e.target.value)}
              >
                {SETTABLE_FOLLOW_UPS.map((f) => (
                  <option key={f} value={f}>
                    {t(`cases.followUp.${f}`)}
                  </option>
                ))}
              </SelectField>
              <button
                type="button"
                className="button"
                disabled={bulkAction.busy || selected.size === 0}
                onClick={() => bulk({ followUp: bulkFollowUp })}
              >
                {t('cases.contacts.apply')}
              </button>
              <button
                type="button"
                className="button button-secondary"
                disabled={bulkAction.busy || selected.size === 0}
                onClick={() => bulk({ assignedTracerId: myId })}
              >
                {t('cases.contacts.assignMe')}
              </button>
            </div>
            <ErrorMessage error={bulkAction.error} />
            <SuccessMessage text={done} />
          </fieldset>
          {narrow ? (
            <>
              <label className="cs-select-all">
                <input
                  type="checkbox"
                  checked={allSelected}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(selectable.map((c) => c.personId)))}
                />{' '}
                {t('cases.contacts.selectAll')}
              </label>
              <ul className="cs-contact-cards" aria-label={t('cases.contacts.title')}>
                {rows.map((c) => (
                  <li
                    key={c.personId}
                    className="cs-contact-card"
                    data-person-id={c.personId}
                    data-degree={c.degree}
                    data-out-of-scope={c.outOfScope || undefined}
                  >
                    <div className="cs-contact-head">
                      {checkbox(c)}
                      <p className="cs-contact-name">
                        <span className={`badge cs-degree cs-degree-${c.degree}`}>F{c.degree}</span> {person(c)}
                      </p>
                    </div>
                    <dl className="cs-contact-facts">
                      <dt>{t('cases.contacts.evidence')}</dt>
                      <dd className="cs-evidence">{evidence(c)}</dd>
                      <dt>{t('cases.contacts.followUp')}</dt>
                      <dd>{followUpOf(c)}</dd>
                      <dt>{t('cases.contacts.quarantine')}</dt>
                      <dd>{quarantineOf(c)}</dd>
                      <dt>{t('cases.contacts.assigned')}</dt>
                      <dd>{assignedOf(c)}</dd>
                    </dl>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <div className="cs-table-wrap">
              <table className="cs-table">
                <caption className="visually-hidden">{t('cases.contacts.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">
                      <input
                        type="checkbox"
                        aria-label={t('cases.contacts.selectAll')}
                        checked={allSelected}
                        onChange={() =>
                          setSelected(allSelected ? new Set() : new Set(selectable.map((c) => c.personId)))
                        }
                      />
                    </th>
                    <th scope="col">{t('cases.contacts.person')}</th>
                    <th scope="col">{t('cases.contacts.degree')}</th>
                    <th scope="col">{t('cases.contacts.evidence')}</th>
                    <th scope="col">{t('cases.contacts.followUp')}</th>
                    <th scope="col">{t('cases.contacts.quarantine')}</th>
                    <th scope="col">{t('cases.contacts.assigned')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((c) => (
                    <tr
                      key={c.personId}
                      data-person-id={c.personId}
                      data-degree={c.degree}
                      data-out-of-scope={c.outOfScope || undefined}
                    >
                      <td>{checkbox(c)}</td>
                      <th scope="row" className="cs-person-cell">
                        {person(c)}
                      </th>
                      <td>
                        <span className={`badge cs-degree cs-degree-${c.degree}`}>F{c.degree}</span>
                      </td>
                      <td className="cs-evidence">{evidence(c)}</td>
                      <td>{followUpOf(c)}</td>
                      <td>{quarantineOf(c)}</td>
                      <td>{assignedOf(c)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <MoreButton list={contacts} />
        </>
      ) : null}
      <AddContactForm
        caseId={caseId}
        onAdded={() => {
          reload();
          onChanged();
        }}
      />
    </section>
  );
}

/**
 * A contact found only through a typed-in check-in nobody proved: nobody was told; the tracer confirms it (order and
 * message go out now) or dismisses it.
 */
function ToConfirm({
  caseId,
  contact,
  name,
  onChanged,
}: {
  caseId: string;
  contact: Contact;
  name: string;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const action = useApiAction();
  const act = (verb: 'confirm' | 'dismiss') =>
    void action.run(async () => {
      await api('POST', `/cases/${caseId}/contacts/${contact.personId}/${verb}`);
      onChanged();
    });
  if (contact.confirmation === 'dismissed')
    return <span className="badge badge-off"> {t('cases.confirmation.dismissed')}</span>;
  return (
    <div>
      <span className="badge cs-degree-2">{t('cases.confirmation.pending')}</span>
      <span className="muted"> {t('cases.confirmation.why')}</span>
      <div className="cs-bulk-row">
        <button
          type="button"
          className="button button-small"
          disabled={action.busy}
          aria-label={t('cases.confirmation.confirmName', { name })}
          onClick={() => act('confirm')}
        >
          {t('cases.confirmation.confirm')}
        </button>
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={action.busy}
          aria-label={t('cases.confirmation.dismissName', { name })}
          onClick={() => act('dismiss')}
        >
          {t('cases.confirmation.dismiss')}
        </button>
      </div>
      <ErrorMessage error={action.error} />
    </div>
  );
}

function AddContactForm({ caseId, onAdded }: { caseId: string; onAdded: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [person, setPerson] = useState<Person | null>(null);
  // someone outside the tracer's area is not found by search: named by national ID or phone instead
  const [identifier, setIdentifier] = useState('');
  const [note, setNote] = useState('');
  const [lastContactAt, setLastContactAt] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const add = useApiAction();
  const [added, setAdded] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.reset();
    setAdded(null);
    const id = identifier.replace(/\s/g, '');
    if (!person && !id) {
      setProblem(t('cases.create.personRequired'));
      return;
    }
    setProblem(null);
    const last = lastContactAt ? fromLocalInput(lastContactAt) : undefined;
    void add.run(async () => {
      const result = await api<AddedContact>('POST', `/cases/${caseId}/contacts`, {
        person: person ? { personId: person.id } : /^\d{12}$/.test(id) ? { nationalId: id } : { phone: id },
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(last ? { lastContactAt: last } : {}),
      } satisfies ManualContactBody);
      setAdded(
        result.outOfScope
          ? t('cases.addContact.handedOver', {
              district: result.district?.name ?? t('cases.contacts.unknownDistrict'),
            })
          : t('cases.addContact.added', { name: person?.name ?? id }),
      );
      setPerson(null);
      setIdentifier('');
      setNote('');
      setLastContactAt('');
      onAdded();
    });
  };

  return (
    <div className="cs-add-contact">
      <button type="button" className="button button-secondary" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('cases.addContact.open')}
      </button>
      <SuccessMessage text={added} />
      {open ? (
        <form onSubmit={submit} noValidate aria-label={t('cases.addContact.title')}>
          <PersonFinder legend={t('cases.addContact.person')} value={person} onChange={setPerson} error={problem} />
          {person ? null : (
            <TextField
              label={t('cases.addContact.identifier')}
              hint={t('cases.addContact.identifierHint')}
              optional
              inputMode="tel"
              autoComplete="off"
              maxLength={20}
              value={identifier}
              onChange={(e) => setIdentifier(e.target.value)}
            />
          )}
          <div className="field-row">
            <TextField
              label={t('cases.addContact.lastContactAt')}
              type="datetime-local"
              optional
              value={lastContactAt}
              onChange={(e) => setLastContactAt(e.target.value)}
            />
            <TextField
              label={t('cases.addContact.note')}
              optional
              maxLength={500}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </div>
          <ErrorMessage error={add.error} />
          <button type="submit" className="button" disabled={add.busy}>
            {add.busy ? t('common.saving') : t('cases.addContact.submit')}
          </button>
        </form>
      ) : null}
    </div>
  );
}
