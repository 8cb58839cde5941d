/**
 * District staff: correction requests of doses given at sites of their district (the photo of the card beside the
 * old and proposed values; approve or reject with a reason from the fixed list — the API keeps any other reason as
 * `other` with its text) and doses declared as given elsewhere.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './vaccination.css';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { api } from '../../lib/api.ts';
import { dateLocale, TIME_ZONE } from '../../lib/time.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import type { CorrectionList, CorrectionView } from '../../lib/vaccination-types.ts';
import { APPROVE_REASONS, REJECT_REASONS } from '../../lib/vaccination-values.ts';
import { formatTime } from '../checkins/format.ts';

interface Declared {
  items: {
    id: string;
    personName: string;
    product: string;
    doseNumber: number;
    givenAt: string;
    country: string;
    place: string | null;
  }[];
}

function shown(c: CorrectionView, value: string | null, language: string): string {
  if (value === null) return '–';
  if (c.field !== 'givenAt') return value;
  // a day alone (`2026-11-06`): that day in Việt Nam, no time of day
  return /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? new Date(`${value}T12:00:00+07:00`).toLocaleDateString(dateLocale(language), { timeZone: TIME_ZONE })
    : formatTime(value, language);
}

function Decide({ path, onDone }: { path: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [approve, setApprove] = useState<'yes' | 'no'>('yes');
  const [reason, setReason] = useState<string>(APPROVE_REASONS[0]);
  const [note, setNote] = useState('');
  const action = useApiAction();
  const reasons: readonly string[] = approve === 'yes' ? APPROVE_REASONS : REJECT_REASONS;
  return (
    <div className="vx-decide">
      <SelectField
        label={t('vaccination.review.decision')}
        value={approve}
        onChange={(e) => {
          const v = e.target.value as 'yes' | 'no';
          setApprove(v);
          setReason((v === 'yes' ? APPROVE_REASONS : REJECT_REASONS)[0]);
        }}
      >
        <option value="yes">{t('vaccination.review.approve')}</option>
        <option value="no">{t('vaccination.review.reject')}</option>
      </SelectField>
      <SelectField label={t('vaccination.review.reason')} value={reason} onChange={(e) => setReason(e.target.value)}>
        {reasons.map((r) => (
          <option key={r} value={r}>
            {t(`vaccination.reasons.${r}`)}
          </option>
        ))}
      </SelectField>
      {reason === 'other' ? (
        <TextField
          label={t('vaccination.review.note')}
          value={note}
          maxLength={500}
          required
          onChange={(e) => setNote(e.target.value)}
        />
      ) : null}
      <ErrorMessage error={action.error} />
      <button
        type="button"
        disabled={action.busy}
        onClick={() =>
          void action.run(async () => {
            await api('POST', path, {
              approve: approve === 'yes',
              reason,
              ...(reason === 'other' ? { note: note.trim() } : {}),
            });
            onDone();
          })
        }
      >
        {t('vaccination.review.save')}
      </button>
    </div>
  );
}

export default function ReviewPage() {
  const { t, i18n } = useTranslation();
  const list = useApiGet<CorrectionList>('/vaccination/corrections?status=pending');
  const declared = useApiGet<Declared>('/vaccination/declared-doses');
  // what this page decided leaves its list at once: the reload that follows may be slow or fail (a bad connection),
  // and a decided request left on screen with its button invites a second decision (409)
  const [decided, setDecided] = useState<ReadonlySet<string>>(() => new Set());
  const done = (id: string, reload: () => void) => () => {
    setDecided((s) => new Set(s).add(id));
    reload();
  };
  const corrections = (list.data?.items ?? []).filter((c) => !decided.has(c.id));
  const declaredItems = (declared.data?.items ?? []).filter((d) => !decided.has(d.id));
  return (
    <div className="vx-page">
      <PageTitle>{t('vaccination.nav.review')}</PageTitle>
      <ListStatus
        list={{ data: list.data ? corrections : undefined, error: list.error, loading: list.loading }}
        empty="vaccination.review.none"
      />
      <ul className="vx-list">
        {corrections.map((c) => (
          <li key={c.id} className="card vx-correction-item" data-correction-id={c.id}>
            <h2>
              {c.personName} · {t(`vaccination.fields.${c.field}`)}
            </h2>
            <p>
              {t('vaccination.review.change', {
                from: shown(c, c.oldValue, i18n.language),
                to: shown(c, c.proposedValue, i18n.language),
              })}
            </p>
            <p className="muted">{c.siteName}</p>
            {c.hasEvidence ? (
              <img
                className="vx-photo"
                src={`/api/v1/vaccination/corrections/${c.id}/evidence`}
                alt={t('vaccination.review.photo', { name: c.personName })}
              />
            ) : null}
            <Decide path={`/vaccination/corrections/${c.id}/decision`} onDone={done(c.id, list.reload)} />
          </li>
        ))}
      </ul>
      <h2>{t('vaccination.review.declared')}</h2>
      <ul className="vx-list">
        {declaredItems.map((d) => (
          <li key={d.id} className="card">
            <p>
              {d.personName} · {t('vaccination.mine.dose', { n: d.doseNumber })} · {d.product} ·{' '}
              {formatTime(d.givenAt, i18n.language)} · {d.place} ({d.country})
            </p>
            <Decide path={`/vaccination/declared-doses/${d.id}/decision`} onDone={done(d.id, declared.reload)} />
          </li>
        ))}
      </ul>
    </div>
  );
}
