/** People the citizen looks after (children, elderly parents): list, their QR codes, and adding one. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { QrImage } from '../../components/QrImage.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { api, query } from '../../lib/api.ts';
import type {
  CitizenPerson,
  Dependant,
  DependantBody,
  IdResponse,
  PersonQr,
  Relation,
  Sex,
} from '../../lib/api-types.ts';
import { RELATIONS, SEXES } from '../../lib/api-values.ts';
import { parseBirthYear } from '../../lib/forms.ts';
import { Link } from '../../lib/router.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';

export function DependantsPage({ person }: { person: CitizenPerson }) {
  const { t } = useTranslation();
  const dependants = useApiGet<Dependant[]>('/me/dependants');
  const { data, reload } = dependants;
  const [added, setAdded] = useState<string | null>(null);

  return (
    <div>
      <PageTitle>{t('dependants.title')}</PageTitle>
      <p className="lead">{t('dependants.intro')}</p>
      <section aria-labelledby="dependants-list">
        <h2 id="dependants-list">{t('dependants.list')}</h2>
        <ListStatus list={dependants} empty="dependants.empty" />
        {data && data.length > 0 ? (
          <ul className="cards">
            {data.map((d) => (
              <DependantCard key={d.id} dependant={d} />
            ))}
          </ul>
        ) : null}
      </section>
      <section aria-labelledby="dependants-add" className="card">
        <h2 id="dependants-add">{t('dependants.addTitle')}</h2>
        <SuccessMessage text={added} />
        {person.profileComplete ? (
          <AddDependantForm
            onAdded={(name) => {
              setAdded(t('dependants.added', { name }));
              reload();
            }}
          />
        ) : (
          <p className="alert alert-info">
            {t('dependants.needProfile')} <Link to="/profile">{t('qr.completeProfile')}</Link>
          </p>
        )}
      </section>
    </div>
  );
}

function DependantCard({ dependant }: { dependant: Dependant }) {
  const { t } = useTranslation();
  const [showQr, setShowQr] = useState(false);
  const qr = useApiGet<PersonQr>(showQr ? `/me/qr${query({ personId: dependant.id })}` : null);
  const relation = (RELATIONS as readonly string[]).includes(dependant.relation)
    ? t(`relations.${dependant.relation}`)
    : dependant.relation;
  return (
    <li className="card person-card">
      <h3>{dependant.name}</h3>
      <p className="muted">
        {relation}
        {dependant.birthYear ? ` · ${t('dependants.born', { year: dependant.birthYear })}` : ''}
        {dependant.unitName ? ` · ${dependant.unitName}` : ''}
      </p>
      {dependant.nationalId && !dependant.nationalIdVerified ? (
        <p className="hint">{t('dependants.nationalIdNotVerified')}</p>
      ) : null}
      <button
        type="button"
        className="button button-secondary button-small"
        aria-expanded={showQr}
        onClick={() => setShowQr((v) => !v)}
      >
        {showQr ? t('dependants.hideQr') : t('dependants.showQr')}
      </button>
      {showQr ? (
        <div className="qr-inline">
          <ErrorMessage error={qr.error} />
          {qr.data ? <QrImage value={qr.data.qr} alt={t('dependants.qrAlt', { name: dependant.name })} /> : null}
        </div>
      ) : null}
    </li>
  );
}

function AddDependantForm({ onAdded }: { onAdded: (name: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [relation, setRelation] = useState<Relation>('child');
  const [birthYear, setBirthYear] = useState('');
  const [sex, setSex] = useState<Sex | ''>('');
  const [nationalId, setNationalId] = useState('');
  const [phone, setPhone] = useState('');
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const save = useApiAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.reset();
    const problems: Record<string, string> = {};
    if (!name.trim()) problems.name = t('errors.required');
    const year = parseBirthYear(birthYear);
    if (year === null) problems.birthYear = t('errors.birthYear');
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0) return;
    void save.run(async () => {
      await api<IdResponse>('POST', '/me/dependants', {
        name: name.trim(),
        relation,
        ...(year ? { birthYear: year } : {}),
        ...(sex ? { sex } : {}),
        ...(nationalId.trim() ? { nationalId: nationalId.trim() } : {}),
        ...(phone.trim() ? { phone: phone.trim() } : {}),
        ...(unit ? { unitCode: unit.code } : {}),
      } satisfies DependantBody);
      onAdded(name.trim());
      setName('');
      setBirthYear('');
      setSex('');
      setNationalId('');
      setPhone('');
      setUnit(null);
    });
  };

  return (
    <form onSubmit={submit} noValidate>
      <TextField
        label={t('profile.name')}
        required
        value={name}
        error={fieldErrors.name}
        onChange={(e) => setName(e.target.value)}
      />
      <div className="field-row">
        <SelectField
          label={t('dependants.relation')}
          value={relation}
          onChange={(e) => setRelation(e.target.value as Relation)}
        >
          {RELATIONS.map((r) => (
            <option key={r} value={r}>
              {t(`relations.${r}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('profile.birthYear')}
          optional
          inputMode="numeric"
          maxLength={4}
          value={birthYear}
          error={fieldErrors.birthYear}
          onChange={(e) => setBirthYear(e.target.value)}
        />
      </div>
      <SelectField label={t('profile.sex')} optional value={sex} onChange={(e) => setSex(e.target.value as Sex | '')}>
        <option value="">{t('sex.unset')}</option>
        {SEXES.map((s) => (
          <option key={s} value={s}>
            {t(`sex.${s}`)}
          </option>
        ))}
      </SelectField>
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
      <UnitPicker label={t('profile.unit')} hint={t('dependants.unitHint')} value={unit} onChange={setUnit} />
      <ErrorMessage error={save.error} />
      <button type="submit" className="button" disabled={save.busy}>
        {save.busy ? t('common.saving') : t('dependants.add')}
      </button>
    </form>
  );
}
