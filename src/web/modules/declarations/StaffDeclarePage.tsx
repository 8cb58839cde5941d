/**
 * "Khai báo hộ" for staff (the commune health station, the hotline): a declaration for anyone in their area, found by
 * national ID or phone (registered in the staff member's unit when nobody has it yet, with the name given). The
 * staff member is recorded as who declared, and the declaration is audited.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './declarations.css';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { api } from '../../lib/api.ts';
import type { Answers, DeclarationResult, FormView } from '../../lib/declarations-types.ts';
import { useRetryKeys } from '../../lib/retry-key.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { answersToSend } from './answers.ts';
import { invalidIds } from './DeclarePage.tsx';
import { QuestionFields } from './QuestionFields.tsx';
import { BadgeView } from './TodayBadge.tsx';

export default function StaffDeclarePage() {
  const { t, i18n } = useTranslation();
  const [type, setType] = useState<'domestic' | 'entry'>('domestic');
  const form = useApiGet<FormView>(`/declaration-forms/${type}`);
  const [by, setBy] = useState<'nationalId' | 'phone'>('nationalId');
  const [ident, setIdent] = useState('');
  const [name, setName] = useState('');
  const [answers, setAnswers] = useState<Answers>({});
  const [result, setResult] = useState<DeclarationResult | null>(null);
  const action = useApiAction();
  const keys = useRetryKeys();
  const f = form.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!f) return;
    void action.run(async () => {
      const subject =
        by === 'nationalId'
          ? { nationalId: ident.trim(), ...(name.trim() ? { name: name.trim() } : {}) }
          : { phone: ident.trim(), ...(name.trim() ? { name: name.trim() } : {}) };
      const body = { type, formVersion: f.version, subject, answers: answersToSend(f.questions, answers) };
      // a second tap after a lost answer gets the first one's answer, not a second declaration
      setResult(
        await keys.send(body, (idempotencyKey) =>
          api<DeclarationResult>('POST', '/declarations', body, { idempotencyKey }),
        ),
      );
      setAnswers({});
      setIdent('');
      setName('');
      window.scrollTo?.(0, 0);
    });
  };
  return (
    <div className="dc-page">
      <PageTitle>{t('declarations.staffDeclare.title')}</PageTitle>
      <p className="muted">{t('declarations.staffDeclare.intro')}</p>
      {result ? (
        <section className={`card dc-result dc-${result.status}`} aria-live="polite" data-testid="declaration-result">
          <h2>
            {t(result.status === 'flagged' ? 'declarations.staffDeclare.flagged' : 'declarations.staffDeclare.ok')}
          </h2>
          <BadgeView badge={result.badge} />
          {result.reasons.length > 0 ? (
            <p>{result.reasons.map((r) => t(`declarations.reasons.${r}`)).join(', ')}</p>
          ) : null}
          {result.adviceVi ? <p>{i18n.language === 'en' ? result.adviceEn : result.adviceVi}</p> : null}
        </section>
      ) : null}
      <form className="card dc-form" onSubmit={submit}>
        <SelectField
          label={t('declarations.staffDeclare.type')}
          value={type}
          onChange={(e) => {
            setType(e.target.value as 'domestic' | 'entry');
            setAnswers({});
          }}
        >
          <option value="domestic">{t('declarations.types.domestic')}</option>
          <option value="entry">{t('declarations.types.entry')}</option>
        </SelectField>
        <SelectField
          label={t('declarations.staffDeclare.by')}
          value={by}
          onChange={(e) => setBy(e.target.value as 'nationalId' | 'phone')}
        >
          <option value="nationalId">{t('declarations.staffDeclare.nationalId')}</option>
          <option value="phone">{t('declarations.staffDeclare.phone')}</option>
        </SelectField>
        <TextField
          label={t(by === 'nationalId' ? 'declarations.staffDeclare.nationalId' : 'declarations.staffDeclare.phone')}
          required
          inputMode="numeric"
          value={ident}
          onChange={(e) => setIdent(e.target.value)}
        />
        <TextField
          label={t('declarations.staffDeclare.name')}
          hint={t('declarations.staffDeclare.nameHint')}
          optional
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        {f ? (
          <QuestionFields
            questions={f.questions}
            answers={answers}
            onChange={setAnswers}
            invalid={invalidIds(action.error)}
          />
        ) : form.error ? (
          <ErrorMessage error={form.error} />
        ) : (
          <Loading />
        )}
        <ErrorMessage error={action.error} />
        <button type="submit" className="button" disabled={action.busy || !f || !ident.trim()}>
          {t('declarations.staffDeclare.submit')}
        </button>
      </form>
    </div>
  );
}
