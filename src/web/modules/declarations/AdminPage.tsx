/**
 * "Khai báo y tế: cấu hình" (admins): publish a new version of a declaration form without a deploy — its questions
 * and triage rules as JSON, starting from the current version — and how long the previous version stays accepted;
 * partner systems (Zalo OA, SMS gateways) with their API keys: issue one (shown once) and revoke one.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './declarations.css';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { api } from '../../lib/api.ts';
import type { CreatedPartner, FormView, PartnerList, PublishFormBody } from '../../lib/declarations-types.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';

function PublishForm() {
  const { t } = useTranslation();
  const [type, setType] = useState<'domestic' | 'entry'>('domestic');
  const current = useApiGet<FormView>(`/declaration-forms/${type}`);
  const [text, setText] = useState('');
  const [grace, setGrace] = useState('48');
  const [parseError, setParseError] = useState<string | null>(null);
  const [published, setPublished] = useState<string | null>(null);
  const action = useApiAction();
  useEffect(() => {
    if (current.data)
      setText(JSON.stringify({ questions: current.data.questions, rules: current.data.rules }, null, 2));
  }, [current.data]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let parsed: Pick<PublishFormBody, 'questions' | 'rules'>;
    try {
      parsed = JSON.parse(text);
    } catch {
      setParseError(t('declarations.admin.badJson'));
      return;
    }
    setParseError(null);
    void action.run(async () => {
      const r = await api<FormView>('POST', `/declaration-forms/${type}`, {
        questions: parsed.questions,
        rules: parsed.rules,
        graceHours: Number(grace),
      });
      setPublished(t('declarations.admin.published', { version: r.version }));
      current.reload();
    });
  };
  return (
    <form className="card dc-form" onSubmit={submit} aria-labelledby="dc-publish">
      <h2 id="dc-publish">{t('declarations.admin.formTitle')}</h2>
      <p className="hint">{t('declarations.admin.formIntro')}</p>
      <SelectField
        label={t('declarations.admin.type')}
        value={type}
        onChange={(e) => setType(e.target.value as 'domestic' | 'entry')}
      >
        <option value="domestic">{t('declarations.types.domestic')}</option>
        <option value="entry">{t('declarations.types.entry')}</option>
      </SelectField>
      {current.data ? (
        <p data-testid="form-version">
          {t('declarations.admin.current', {
            version: current.data.version,
            count: current.data.questions.length,
            grace: current.data.graceHours,
          })}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="dc-form-json">{t('declarations.admin.json')}</label>
        <textarea
          id="dc-form-json"
          className="dc-json"
          rows={16}
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <TextField
        label={t('declarations.admin.grace')}
        type="number"
        min={0}
        max={720}
        value={grace}
        onChange={(e) => setGrace(e.target.value)}
      />
      {parseError ? (
        <p className="field-error" role="alert">
          {parseError}
        </p>
      ) : null}
      <ErrorMessage error={action.error} />
      <SuccessMessage text={published} />
      <button type="submit" className="button" disabled={action.busy}>
        {t('declarations.admin.publish')}
      </button>
    </form>
  );
}

function Partners() {
  const { t } = useTranslation();
  const list = useApiGet<PartnerList>('/declaration-partners');
  const [name, setName] = useState('');
  const [rate, setRate] = useState('600');
  const [created, setCreated] = useState<CreatedPartner | null>(null);
  const action = useApiAction();
  const create = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      setCreated(
        await api<CreatedPartner>('POST', '/declaration-partners', { name: name.trim(), ratePerMinute: Number(rate) }),
      );
      setName('');
      list.reload();
    });
  };
  const revoke = (id: string) =>
    void action.run(async () => {
      await api('DELETE', `/declaration-partners/${id}`);
      list.reload();
    });
  return (
    <section className="card" aria-labelledby="dc-partners">
      <h2 id="dc-partners">{t('declarations.admin.partners')}</h2>
      <p className="hint">{t('declarations.admin.partnersIntro')}</p>
      <ListStatus
        list={{ data: list.data?.items, error: list.error, loading: list.loading }}
        empty="declarations.admin.noPartners"
      />
      <ul className="dc-list">
        {(list.data?.items ?? []).map((p) => (
          <li key={p.id} className="dc-row-card">
            <strong>{p.name}</strong> · {t('declarations.admin.rate', { rate: p.ratePerMinute })} ·{' '}
            {p.active ? t('declarations.admin.active') : t('declarations.admin.revoked')}
            {p.active ? (
              <>
                {' '}
                <button type="button" className="button button-small button-secondary" onClick={() => revoke(p.id)}>
                  {t('declarations.admin.revoke', { name: p.name })}
                </button>
              </>
            ) : null}
          </li>
        ))}
      </ul>
      {created ? (
        <div className="alert alert-success" role="status">
          {t('declarations.admin.keyOnce')} <code className="dc-key">{created.apiKey}</code>
        </div>
      ) : null}
      <form onSubmit={create}>
        <TextField
          label={t('declarations.admin.partnerName')}
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <TextField
          label={t('declarations.admin.partnerRate')}
          type="number"
          min={1}
          max={100000}
          value={rate}
          onChange={(e) => setRate(e.target.value)}
        />
        <ErrorMessage error={action.error} />
        <button type="submit" className="button" disabled={action.busy || !name.trim()}>
          {t('declarations.admin.createPartner')}
        </button>
      </form>
    </section>
  );
}

export default function AdminPage() {
  const { t } = useTranslation();
  return (
    <div className="dc-page">
      <PageTitle>{t('declarations.admin.title')}</PageTitle>
      <PublishForm />
      <Partners />
    </div>
  );
}
