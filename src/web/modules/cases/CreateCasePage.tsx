/** "Xác nhận ca bệnh": find the person, enter the dates; the server opens the case and traces it at once. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ApiError, api } from '../../lib/api.ts';
import type { CreateCaseBody, CreatedCase, Person } from '../../lib/api-types.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { fromLocalInput, toLocalInput } from '../../lib/time.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { PersonFinder } from './PersonFinder.tsx';

function existingCaseId(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.code !== 'CASE_EXISTS') return undefined;
  const details = error.details as { existingId?: unknown } | undefined;
  return typeof details?.existingId === 'string' ? details.existingId : undefined;
}

export function CreateCasePage() {
  const { t } = useTranslation();
  const [person, setPerson] = useState<Person | null>(null);
  const [confirmedAt, setConfirmedAt] = useState(() => toLocalInput(new Date()));
  const [onsetAt, setOnsetAt] = useState('');
  const [sampleAt, setSampleAt] = useState('');
  const [isolatedAt, setIsolatedAt] = useState('');
  const [sourceNote, setSourceNote] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const create = useApiAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.reset();
    const found: Record<string, string> = {};
    if (!person) found.person = t('cases.create.personRequired');
    const confirmed = fromLocalInput(confirmedAt);
    if (!confirmed) found.confirmedAt = t('cases.create.dateRequired');
    const optional = { onsetAt, sampleAt, isolatedAt };
    const values: Partial<Record<keyof typeof optional, string>> = {};
    for (const key of Object.keys(optional) as (keyof typeof optional)[]) {
      const value = optional[key];
      if (!value) continue;
      const iso = fromLocalInput(value);
      if (!iso) found[key] = t('cases.create.dateInvalid');
      else values[key] = iso;
    }
    setProblems(found);
    if (Object.keys(found).length > 0 || !person || !confirmed) return;
    void create.run(async () => {
      const created = await api<CreatedCase>('POST', '/cases', {
        person: { personId: person.id },
        confirmedAt: confirmed,
        ...values,
        ...(sourceNote.trim() ? { sourceNote: sourceNote.trim() } : {}),
      } satisfies CreateCaseBody);
      navigate(`/cases/${created.id}`);
    });
  };

  const existing = existingCaseId(create.error);
  return (
    <div>
      <PageTitle>{t('cases.create.title')}</PageTitle>
      <p>
        <Link to="/cases">{t('cases.backToList')}</Link>
      </p>
      <form className="card" onSubmit={submit} noValidate>
        <p className="hint">{t('cases.create.intro')}</p>
        <PersonFinder legend={t('cases.create.person')} value={person} onChange={setPerson} error={problems.person} />
        <div className="field-row">
          <TextField
            label={t('cases.fields.confirmedAt')}
            type="datetime-local"
            required
            value={confirmedAt}
            error={problems.confirmedAt}
            onChange={(e) => setConfirmedAt(e.target.value)}
          />
          <TextField
            label={t('cases.fields.onsetAt')}
            hint={t('cases.create.onsetHint')}
            type="datetime-local"
            optional
            value={onsetAt}
            error={problems.onsetAt}
            onChange={(e) => setOnsetAt(e.target.value)}
          />
        </div>
        <div className="field-row">
          <TextField
            label={t('cases.fields.sampleAt')}
            type="datetime-local"
            optional
            value={sampleAt}
            error={problems.sampleAt}
            onChange={(e) => setSampleAt(e.target.value)}
          />
          <TextField
            label={t('cases.fields.isolatedAt')}
            type="datetime-local"
            optional
            value={isolatedAt}
            error={problems.isolatedAt}
            onChange={(e) => setIsolatedAt(e.target.value)}
          />
        </div>
        <TextField
          label={t('cases.fields.sourceNote')}
          optional
          maxLength={500}
          value={sourceNote}
          onChange={(e) => setSourceNote(e.target.value)}
        />
        <p className="hint">{t('cases.create.timeZone')}</p>
        <ErrorMessage error={create.error} />
        {existing ? (
          <p>
            <Link to={`/cases/${existing}`}>{t('cases.create.openExisting')}</Link>
          </p>
        ) : null}
        <button type="submit" className="button" disabled={create.busy}>
          {create.busy ? t('cases.create.submitting') : t('cases.create.submit')}
        </button>
      </form>
    </div>
  );
}
