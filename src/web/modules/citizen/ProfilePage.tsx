/** The citizen's profile: name, ID, birth year, sex, where they live. Saving it completes the account. */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { loadParentLine } from '../../components/UnitPath.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { api } from '../../lib/api.ts';
import type { Person, ProfileBody, Sex } from '../../lib/api-types.ts';
import { SEXES } from '../../lib/api-values.ts';
import { parseBirthYear } from '../../lib/forms.ts';
import { useSession } from '../../lib/session.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';

export function ProfilePage() {
  const { t } = useTranslation();
  const { data, error, loading } = useApiGet<Person>('/me/profile');
  return (
    <div>
      <PageTitle>{t('profile.title')}</PageTitle>
      <p className="lead">{t('profile.intro')}</p>
      {loading ? <Loading /> : null}
      <ErrorMessage error={error} />
      {data ? <ProfileForm person={data} /> : null}
    </div>
  );
}

function ProfileForm({ person }: { person: Person }) {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const [name, setName] = useState(person.name);
  const [nationalId, setNationalId] = useState(person.nationalId ?? '');
  const [birthYear, setBirthYear] = useState(person.birthYear ? String(person.birthYear) : '');
  const [sex, setSex] = useState<Sex | ''>(person.sex ?? '');
  const [unit, setUnit] = useState<PickedUnit | null>(
    person.unitCode ? { code: person.unitCode, name: person.unitName ?? person.unitCode } : null,
  );
  const [address, setAddress] = useState(person.address ?? '');
  // the record as last saved: whether the national ID typed here is still waiting for staff to check the ID card
  const [current, setCurrent] = useState(person);
  // who the person is, once on record, is corrected by the commune (the server refuses a change: 409)
  const nameLocked = person.name.trim() !== '';
  const nationalIdLocked = person.nationalId !== null;
  const birthYearLocked = person.birthYear !== null;

  // the profile names only the unit itself; show where it lies too ("Phường An Bình — Thành phố Biên Hòa, …")
  useEffect(() => {
    if (!person.unitCode) return;
    let current = true;
    void loadParentLine(person.unitCode).then((parentName) => {
      if (current && parentName) setUnit((u) => (u && u.code === person.unitCode ? { ...u, parentName } : u));
    });
    return () => {
      current = false;
    };
  }, [person.unitCode]);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const save = useApiAction();
  const [saved, setSaved] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    save.reset();
    const problems: Record<string, string> = {};
    if (!name.trim()) problems.name = t('errors.required');
    if (!unit) problems.unit = t('errors.unitRequired');
    const year = parseBirthYear(birthYear);
    if (year === null) problems.birthYear = t('errors.birthYear');
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0 || !unit) return;
    void save.run(async () => {
      const updated = await api<Person>('PUT', '/me/profile', {
        name: name.trim(),
        unitCode: unit.code,
        ...(nationalId.trim() ? { nationalId: nationalId.trim() } : {}),
        ...(year !== undefined && year !== null ? { birthYear: year } : {}),
        ...(sex ? { sex } : {}),
        ...(address.trim() ? { address: address.trim() } : {}),
      } satisfies ProfileBody);
      setCurrent(updated);
      await refresh();
      setSaved(t('profile.saved'));
    });
  };

  return (
    <form className="card" onSubmit={submit} noValidate>
      <p>
        <span className="muted">{t('profile.phone')}:</span> <strong>{person.phone}</strong>
      </p>
      {nameLocked || nationalIdLocked || birthYearLocked ? (
        <p className="muted">{t('profile.identityLocked')}</p>
      ) : null}
      <TextField
        label={t('profile.name')}
        autoComplete="name"
        readOnly={nameLocked}
        required
        value={name}
        error={fieldErrors.name}
        onChange={(e) => setName(e.target.value)}
      />
      <TextField
        label={t('profile.nationalId')}
        hint={t('profile.nationalIdHint')}
        optional
        readOnly={nationalIdLocked}
        inputMode="numeric"
        maxLength={12}
        value={nationalId}
        onChange={(e) => setNationalId(e.target.value)}
      />
      {current.nationalId && !current.nationalIdVerified ? (
        <p className="alert alert-info">{t('profile.nationalIdNotVerified')}</p>
      ) : null}
      <div className="field-row">
        <TextField
          label={t('profile.birthYear')}
          optional
          readOnly={birthYearLocked}
          inputMode="numeric"
          maxLength={4}
          value={birthYear}
          error={fieldErrors.birthYear}
          onChange={(e) => setBirthYear(e.target.value)}
        />
        <SelectField label={t('profile.sex')} optional value={sex} onChange={(e) => setSex(e.target.value as Sex | '')}>
          <option value="">{t('sex.unset')}</option>
          {SEXES.map((s) => (
            <option key={s} value={s}>
              {t(`sex.${s}`)}
            </option>
          ))}
        </SelectField>
      </div>
      <UnitPicker label={t('profile.unit')} required value={unit} onChange={setUnit} error={fieldErrors.unit} />
      <TextField
        label={t('profile.address')}
        optional
        autoComplete="street-address"
        value={address}
        onChange={(e) => setAddress(e.target.value)}
      />
      <ErrorMessage error={save.error} />
      <SuccessMessage text={saved} />
      <button type="submit" className="button" disabled={save.busy}>
        {save.busy ? t('common.saving') : t('common.save')}
      </button>
    </form>
  );
}
