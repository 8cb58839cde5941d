/**
 * Citizens: "Tiêm chủng" — their doses and their dependants', the next due dose, their registration and invitation,
 * registering (self or a dependant) and asking for a correction of a wrong dose with a photo of the paper card.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './vaccination.css';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { api, query } from '../../lib/api.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import type { DoseView, PriorityGroupList, ProductList, VaccinationRecord } from '../../lib/vaccination-types.ts';
import { CORRECTION_FIELDS } from '../../lib/vaccination-values.ts';
import { formatTime } from '../checkins/format.ts';
import { readPhoto } from './format.ts';

interface Dependant {
  id: string;
  name: string;
}

function Register({ personId, onDone }: { personId: string | undefined; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const groups = useApiGet<PriorityGroupList>('/vaccination/priority-groups');
  const [group, setGroup] = useState('');
  const action = useApiAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api('POST', '/vaccination/registrations', {
        ...(personId ? { subject: { personId } } : {}),
        priorityGroup: group || groups.data?.items[groups.data.items.length - 1]?.code,
      });
      onDone();
    });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="vx-register">
      <h2 id="vx-register">{t('vaccination.mine.register')}</h2>
      <SelectField label={t('vaccination.mine.priorityGroup')} value={group} onChange={(e) => setGroup(e.target.value)}>
        <option value="">{t('vaccination.mine.chooseGroup')}</option>
        {(groups.data?.items ?? []).map((g) => (
          <option key={g.code} value={g.code}>
            {i18n.language === 'en' ? g.nameEn : g.nameVi}
          </option>
        ))}
      </SelectField>
      <ErrorMessage error={action.error} />
      <button type="submit" disabled={action.busy}>
        {t('vaccination.mine.registerButton')}
      </button>
    </form>
  );
}

function CorrectionForm({ dose, onDone }: { dose: DoseView; onDone: () => void }) {
  const { t } = useTranslation();
  const [field, setField] = useState<(typeof CORRECTION_FIELDS)[number]>('givenAt');
  const [value, setValue] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const action = useApiAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const proposedValue = field === 'givenAt' ? new Date(`${value}T08:00:00+07:00`).toISOString() : value.trim();
      await api('POST', '/vaccination/corrections', {
        doseId: dose.id,
        field,
        proposedValue,
        ...(photo ? { evidence: await readPhoto(photo) } : {}),
      });
      onDone();
    });
  };
  return (
    <form onSubmit={submit} className="vx-correction">
      <SelectField
        label={t('vaccination.correction.field')}
        value={field}
        onChange={(e) => setField(e.target.value as typeof field)}
      >
        {CORRECTION_FIELDS.map((f) => (
          <option key={f} value={f}>
            {t(`vaccination.fields.${f}`)}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t('vaccination.correction.value')}
        type={field === 'givenAt' ? 'date' : 'text'}
        value={value}
        required
        onChange={(e) => setValue(e.target.value)}
      />
      <TextField
        label={t('vaccination.correction.photo')}
        type="file"
        accept="image/jpeg,image/png,image/webp"
        onChange={(e) => setPhoto(e.target.files?.[0] ?? null)}
      />
      <ErrorMessage error={action.error} />
      <button type="submit" disabled={action.busy}>
        {t('vaccination.correction.send')}
      </button>
    </form>
  );
}

/** A dose given in another province or abroad, with a photo of its certificate: pending until staff verify it. */
function DeclareElsewhere({ personId, onDone }: { personId: string | undefined; onDone: () => void }) {
  const { t } = useTranslation();
  const products = useApiGet<ProductList>('/vaccination/products');
  const [form, setForm] = useState({ product: 'comirnaty', doseNumber: '1', day: '', country: 'VN', place: '' });
  const [photo, setPhoto] = useState<File | null>(null);
  const action = useApiAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!photo) return;
    void action.run(async () => {
      await api('POST', '/vaccination/declared-doses', {
        ...(personId ? { personId } : {}),
        product: form.product,
        doseNumber: Number(form.doseNumber),
        givenAt: new Date(`${form.day}T08:00:00+07:00`).toISOString(),
        country: form.country.trim().toUpperCase(),
        place: form.place.trim(),
        evidence: await readPhoto(photo),
      });
      onDone();
    });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="vx-elsewhere">
      <h2 id="vx-elsewhere">{t('vaccination.elsewhere.title')}</h2>
      <SelectField
        label={t('vaccination.fields.product')}
        value={form.product}
        onChange={(e) => setForm({ ...form, product: e.target.value })}
      >
        {(products.data?.items ?? []).map((p) => (
          <option key={p.code} value={p.code}>
            {p.name}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t('vaccination.fields.doseNumber')}
        type="number"
        min={1}
        max={10}
        value={form.doseNumber}
        onChange={(e) => setForm({ ...form, doseNumber: e.target.value })}
      />
      <TextField
        label={t('vaccination.fields.givenAt')}
        type="date"
        required
        value={form.day}
        onChange={(e) => setForm({ ...form, day: e.target.value })}
      />
      <TextField
        label={t('vaccination.elsewhere.country')}
        hint={t('vaccination.elsewhere.countryHint')}
        maxLength={2}
        value={form.country}
        onChange={(e) => setForm({ ...form, country: e.target.value })}
      />
      <TextField
        label={t('vaccination.elsewhere.place')}
        required
        value={form.place}
        onChange={(e) => setForm({ ...form, place: e.target.value })}
      />
      <TextField
        label={t('vaccination.elsewhere.photo')}
        type="file"
        accept="image/jpeg,image/png,image/webp"
        required
        onChange={(e) => setPhoto(e.target.files?.[0] ?? null)}
      />
      <ErrorMessage error={action.error} />
      <button type="submit" disabled={action.busy || !photo}>
        {t('vaccination.elsewhere.send')}
      </button>
    </form>
  );
}

export default function MyVaccinationsPage() {
  const { t, i18n } = useTranslation();
  const [personId, setPersonId] = useState<string>('');
  const [correcting, setCorrecting] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const dependants = useApiGet<Dependant[]>('/me/dependants');
  const record = useApiGet<VaccinationRecord>(`/me/vaccinations${query({ personId: personId || undefined })}`);
  const r = record.data;
  const reg = r?.registration;
  const open = reg && (reg.status === 'waiting' || reg.status === 'invited');
  return (
    <div className="vx-page">
      <PageTitle>{t('vaccination.nav.mine')}</PageTitle>
      {(dependants.data ?? []).length > 0 ? (
        <SelectField label={t('vaccination.mine.whose')} value={personId} onChange={(e) => setPersonId(e.target.value)}>
          <option value="">{t('vaccination.mine.me')}</option>
          {(dependants.data ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </SelectField>
      ) : null}
      {record.loading && !r ? <Loading /> : null}
      <ErrorMessage error={record.error} />
      <SuccessMessage text={sent} />
      {r ? (
        <>
          {r.nextDue ? (
            <section className="card vx-next" aria-labelledby="vx-next">
              <h2 id="vx-next">{t('vaccination.mine.nextDue')}</h2>
              <p>
                {t('vaccination.mine.nextDueText', {
                  dose: r.nextDue.doseNumber,
                  from: formatTime(r.nextDue.earliest, i18n.language),
                  recommended: formatTime(r.nextDue.recommended, i18n.language),
                })}
              </p>
            </section>
          ) : null}
          {open && reg ? (
            <section className="card vx-invitation" aria-labelledby="vx-inv">
              <h2 id="vx-inv">{t('vaccination.mine.registration')}</h2>
              <p>
                {reg.status === 'invited'
                  ? t('vaccination.mine.invited', { day: reg.sessionDay ?? '', site: reg.siteName ?? '' })
                  : t('vaccination.mine.waiting')}
              </p>
            </section>
          ) : (
            <Register personId={personId || undefined} onDone={record.reload} />
          )}
          <h2>{t('vaccination.mine.doses')}</h2>
          {r.items.length === 0 ? <p className="muted">{t('vaccination.mine.none')}</p> : null}
          <ul className="vx-list">
            {r.items.map((d) => (
              <li key={d.id} className={`card vx-dose vx-${d.status}`} data-dose-id={d.id}>
                <h3>
                  {t('vaccination.mine.dose', { n: d.doseNumber })} · {d.productName}
                </h3>
                <p className="vx-given">{formatTime(d.givenAt, i18n.language)}</p>
                <p className="muted">
                  {d.site ?? ''} {d.lot ? `· ${t('vaccination.mine.lot', { lot: d.lot })}` : ''}{' '}
                  {d.country !== 'VN' ? `· ${d.country}` : ''}
                </p>
                {d.status !== 'valid' ? <p>{t(`vaccination.doseStatus.${d.status}`)}</p> : null}
                {d.status === 'valid' && correcting !== d.id ? (
                  <button type="button" className="secondary" onClick={() => setCorrecting(d.id)}>
                    {t('vaccination.correction.ask')}
                  </button>
                ) : null}
                {correcting === d.id ? (
                  <CorrectionForm
                    dose={d}
                    onDone={() => {
                      setCorrecting(null);
                      setSent(t('vaccination.correction.sent'));
                      record.reload();
                    }}
                  />
                ) : null}
              </li>
            ))}
          </ul>
          <details className="vx-elsewhere">
            <summary>{t('vaccination.elsewhere.open')}</summary>
            <DeclareElsewhere
              personId={personId || undefined}
              onDone={() => {
                setSent(t('vaccination.elsewhere.sent'));
                record.reload();
              }}
            />
          </details>
          {r.corrections.length > 0 ? (
            <section aria-labelledby="vx-corr">
              <h2 id="vx-corr">{t('vaccination.mine.corrections')}</h2>
              <ul className="vx-list">
                {r.corrections.map((c) => (
                  <li key={c.id} className="card" data-correction-id={c.id}>
                    {t(`vaccination.fields.${c.field}`)}: {t(`vaccination.correctionStatus.${c.status}`)}
                    {c.reason
                      ? ` (${c.reason === 'other' && c.reasonNote ? c.reasonNote : t(`vaccination.reasons.${c.reason}`)})`
                      : ''}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
