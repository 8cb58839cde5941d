/** Staff look people up (by national ID, phone or name) within their area, and register new ones. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { api, query } from '../../lib/api.ts';
import type { CreatePersonBody, IdResponse, Person, Sex } from '../../lib/api-types.ts';
import { SEXES } from '../../lib/api-values.ts';
import { parseBirthYear } from '../../lib/forms.ts';
import { hasRole, PEOPLE_UPDATE_ROLES } from '../../lib/roles.ts';
import { Link } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { existingIdOf } from './existing.ts';
import { NATIONAL_ID_CLAIMS_PATH } from './NationalIdClaimsPage.tsx';
import { NationalIdText } from './NationalIdText.tsx';

export function PeoplePage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Person[] | null>(null);
  const searching = useApiAction();
  const { me } = useSession();
  // those who may verify a national ID have the list of the ones waiting (the server keeps to their area)
  const mayVerify = me?.kind === 'staff' && hasRole(me.user, PEOPLE_UPDATE_ROLES);

  const search = async (event: FormEvent) => {
    event.preventDefault();
    if (q.trim().length < 2) return;
    const found = await searching.run(async () =>
      setResults(await api<Person[]>('GET', `/people${query({ q: q.trim() })}`)),
    );
    if (!found) setResults(null);
  };

  return (
    <div>
      <PageTitle>{t('people.title')}</PageTitle>
      {mayVerify ? (
        <p className="actions">
          <Link to={NATIONAL_ID_CLAIMS_PATH} className="button button-secondary">
            {t('people.claims.title')}
          </Link>
        </p>
      ) : null}
      <search>
        <form className="card search-form" onSubmit={search} noValidate>
          <TextField
            label={t('people.searchLabel')}
            hint={t('people.searchHint')}
            type="search"
            autoComplete="off"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <button type="submit" className="button" disabled={searching.busy || q.trim().length < 2}>
            {searching.busy ? t('people.searching') : t('people.search')}
          </button>
        </form>
      </search>
      <ErrorMessage error={searching.error} />
      <div aria-live="polite">
        {results ? (
          <p className="muted">
            {results.length === 0 ? t('people.noResults') : t('people.results', { count: results.length })}
          </p>
        ) : null}
      </div>
      {results && results.length > 0 ? (
        <ul className="cards">
          {results.map((p) => (
            <li key={p.id} className="card person-card">
              <h3>
                <Link to={`/people/${p.id}`}>{p.name}</Link>
              </h3>
              <PersonLine person={p} />
            </li>
          ))}
        </ul>
      ) : null}
      <CreatePersonForm />
    </div>
  );
}

/** The search result's line: national ID (marked while not verified), phone, birth year, where they live. */
function PersonLine({ person }: { person: Person }) {
  const rest = [person.phone, person.birthYear, person.unitName].filter((v) => v !== null && v !== '').join(' · ');
  return (
    <p className="muted">
      <NationalIdText person={person} />
      {person.nationalId && rest ? ' · ' : null}
      {rest}
    </p>
  );
}

function CreatePersonForm() {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [nationalId, setNationalId] = useState('');
  const [phone, setPhone] = useState('');
  const [birthYear, setBirthYear] = useState('');
  const [sex, setSex] = useState<Sex | ''>('');
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const [address, setAddress] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const save = useApiAction();
  const [created, setCreated] = useState<{ id: string; name: string } | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.reset();
    setCreated(null);
    const problems: Record<string, string> = {};
    if (!name.trim()) problems.name = t('errors.required');
    if (!unit) problems.unit = t('errors.unitRequired');
    const year = parseBirthYear(birthYear);
    if (year === null) problems.birthYear = t('errors.birthYear');
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0 || !unit) return;
    void save.run(async () => {
      const result = await api<IdResponse>('POST', '/people', {
        name: name.trim(),
        unitCode: unit.code,
        ...(nationalId.trim() ? { nationalId: nationalId.trim() } : {}),
        ...(phone.trim() ? { phone: phone.trim() } : {}),
        ...(year ? { birthYear: year } : {}),
        ...(sex ? { sex } : {}),
        ...(address.trim() ? { address: address.trim() } : {}),
      } satisfies CreatePersonBody);
      setCreated({ id: result.id, name: name.trim() });
      setName('');
      setNationalId('');
      setPhone('');
      setBirthYear('');
      setSex('');
      setAddress('');
    });
  };

  const existingId = existingIdOf(save.error);
  return (
    <section className="card" aria-labelledby="people-create">
      <h2 id="people-create">{t('people.createTitle')}</h2>
      <p className="hint">{t('people.createHint')}</p>
      <form onSubmit={submit} noValidate>
        <TextField
          label={t('profile.name')}
          required
          value={name}
          error={fieldErrors.name}
          onChange={(e) => setName(e.target.value)}
        />
        <div className="field-row">
          <TextField
            label={t('profile.nationalId')}
            hint={t('profile.nationalIdHint')}
            optional
            inputMode="numeric"
            maxLength={12}
            value={nationalId}
            onChange={(e) => setNationalId(e.target.value)}
          />
          <TextField
            label={t('profile.phone')}
            optional
            type="tel"
            inputMode="tel"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
          />
        </div>
        <div className="field-row">
          <TextField
            label={t('profile.birthYear')}
            optional
            inputMode="numeric"
            maxLength={4}
            value={birthYear}
            error={fieldErrors.birthYear}
            onChange={(e) => setBirthYear(e.target.value)}
          />
          <SelectField
            label={t('profile.sex')}
            optional
            value={sex}
            onChange={(e) => setSex(e.target.value as Sex | '')}
          >
            <option value="">{t('sex.unset')}</option>
            {SEXES.map((s) => (
              <option key={s} value={s}>
                {t(`sex.${s}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <UnitPicker label={t('profile.unit')} required value={unit} onChange={setUnit} error={fieldErrors.unit} />
        <TextField label={t('profile.address')} optional value={address} onChange={(e) => setAddress(e.target.value)} />
        <ErrorMessage error={save.error} />
        {existingId ? (
          <p>
            <Link to={`/people/${existingId}`}>{t('people.openExisting')}</Link>
          </p>
        ) : null}
        {created ? (
          <div className="alert alert-success" role="status">
            {t('people.created', { name: created.name })} <Link to={`/people/${created.id}`}>{t('people.open')}</Link>
          </div>
        ) : null}
        <button type="submit" className="button" disabled={save.busy}>
          {save.busy ? t('common.saving') : t('people.create')}
        </button>
      </form>
    </section>
  );
}
