/**
 * Lab staff: "Phòng xét nghiệm" — the intake queue (tubes on their way, tubes waiting for a result, with their age),
 * scanning tubes in (accept, or reject with a reason), entering one result, and importing a results file (CSV) with
 * every refused line shown by its line number and reason.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './testing.css';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ApiError, api } from '../../lib/api.ts';
import type { ImportResponse, LabList, LabQueue, ResultBody, SampleView } from '../../lib/testing-types.ts';
import { REJECT_REASONS, RESULTS } from '../../lib/testing-values.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { send } from './http.ts';

const LAB_KEY = 'truyvet.testing.lab';

export default function LabPage() {
  const { t, i18n } = useTranslation();
  const { data: labs } = useApiGet<LabList>('/labs');
  const [labId, setLabId] = useState(() => window.localStorage.getItem(LAB_KEY) ?? '');
  const current = labs?.items.find((l) => l.id === labId) ?? labs?.items[0];
  const { data: queue, error: queueError, reload } = useApiGet<LabQueue>(current ? `/labs/${current.id}/queue` : null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (current) window.localStorage.setItem(LAB_KEY, current.id);
  }, [current]);

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      setMessage(await action());
      reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  // intake
  const [intakeCode, setIntakeCode] = useState('');
  const [reason, setReason] = useState('');
  const intake = (decision: 'accept' | 'reject') =>
    run(async () => {
      if (!current) return '';
      const barcode = intakeCode.trim();
      await api<SampleView>('POST', `/labs/${current.id}/intake`, {
        barcode,
        decision,
        ...(decision === 'reject' ? { reason: reason || 'other' } : {}),
      });
      setIntakeCode('');
      return t(decision === 'accept' ? 'testing.lab.received' : 'testing.lab.rejected', { barcode });
    });

  // single result
  const [resultCode, setResultCode] = useState('');
  const [result, setResult] = useState<ResultBody['result']>('negative');
  const [ct, setCt] = useState('');
  const saveResult = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      if (!current || !queue) return '';
      const barcode = resultCode.trim().toUpperCase();
      const tube = [...queue.awaitingResult, ...queue.inTransit].find((q) => q.barcode === barcode);
      if (!tube) throw new ApiError(404, 'NOT_IN_QUEUE', t('testing.lab.notInQueue'), t('testing.lab.notInQueue'));
      const body: ResultBody = {
        result,
        testedAt: new Date().toISOString(),
        labId: current.id,
        ...(ct.trim() ? { ct: Number(ct.replace(',', '.')) } : {}),
      };
      await api<SampleView>('POST', `/samples/${tube.sampleId}/result`, body);
      setResultCode('');
      setCt('');
      return t('testing.lab.resultSaved', { barcode, result: t(`testing.results.${result}`) });
    });
  };

  // import
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportResponse | null>(null);
  const upload = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      if (!current || !file) return '';
      const r = await send<ImportResponse>(`/labs/${current.id}/results:import`, { body: file, type: 'text/csv' });
      setReport(r);
      return t('testing.lab.imported', r);
    });
  };

  if (!labs) return <Loading />;
  return (
    <div className="ts-page">
      <PageTitle>{t('testing.lab.title')}</PageTitle>
      <SelectField
        label={t('testing.lab.chooseLab')}
        value={current?.id ?? ''}
        onChange={(e) => setLabId(e.target.value)}
      >
        {labs.items.map((l) => (
          <option key={l.id} value={l.id}>
            {l.name}
          </option>
        ))}
      </SelectField>
      {queue ? (
        <p className="lead" data-testid="ts-lab-counts">
          {t('testing.lab.counts', {
            inTransit: queue.counts.inTransit,
            awaiting: queue.counts.awaitingResult,
            today: queue.counts.resultedToday,
          })}
        </p>
      ) : null}
      <ErrorMessage error={queueError} />
      <div role="status" aria-live="polite">
        {message ? <p className="ts-message">{message}</p> : null}
      </div>
      <ErrorMessage error={error} />

      <section className="card" aria-labelledby="ts-intake">
        <h2 id="ts-intake">{t('testing.lab.intake')}</h2>
        <TextField
          label={t('testing.lab.barcode')}
          value={intakeCode}
          onChange={(e) => setIntakeCode(e.target.value)}
          autoComplete="off"
        />
        <SelectField
          label={t('testing.lab.rejectReason')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          optional
        >
          <option value="">—</option>
          {REJECT_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`testing.reasons.${r}`)}
            </option>
          ))}
        </SelectField>
        <div className="button-row">
          <button
            type="button"
            className="button"
            disabled={busy || !intakeCode.trim()}
            onClick={() => void intake('accept')}
          >
            {t('testing.lab.accept')}
          </button>
          <button
            type="button"
            className="button button-secondary"
            disabled={busy || !intakeCode.trim() || !reason}
            onClick={() => void intake('reject')}
          >
            {t('testing.lab.reject')}
          </button>
        </div>
      </section>

      <form className="card" aria-labelledby="ts-entry" onSubmit={saveResult}>
        <h2 id="ts-entry">{t('testing.lab.entry')}</h2>
        <TextField
          label={t('testing.lab.barcode')}
          value={resultCode}
          onChange={(e) => setResultCode(e.target.value)}
          autoComplete="off"
        />
        <SelectField
          label={t('testing.lab.result')}
          value={result}
          onChange={(e) => setResult(e.target.value as ResultBody['result'])}
        >
          {RESULTS.map((r) => (
            <option key={r} value={r}>
              {t(`testing.results.${r}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('testing.lab.ct')}
          value={ct}
          onChange={(e) => setCt(e.target.value)}
          inputMode="decimal"
          optional
        />
        <button type="submit" className="button" disabled={busy || !resultCode.trim()}>
          {t('testing.lab.saveResult')}
        </button>
      </form>

      <form className="card" aria-labelledby="ts-import" onSubmit={upload}>
        <h2 id="ts-import">{t('testing.lab.import')}</h2>
        <p className="hint">{t('testing.lab.importHint')}</p>
        <div className="field">
          <label htmlFor="ts-file">{t('testing.lab.file')}</label>
          <input
            id="ts-file"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </div>
        <button type="submit" className="button" disabled={busy || !file}>
          {t('testing.lab.upload')}
        </button>
        {report && report.rejectedCount > report.rejected.length ? (
          <p className="hint">
            {t('testing.lab.rejectedShown', { shown: report.rejected.length, total: report.rejectedCount })}
          </p>
        ) : null}
        {report && report.rejected.length > 0 ? (
          <table className="ts-table" data-testid="ts-import-rejected">
            <caption>{t('testing.lab.rejectedRows')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('testing.lab.row')}</th>
                <th scope="col">{t('testing.lab.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {report.rejected.map((r) => (
                <tr key={`${r.row}-${r.code}`}>
                  <td>{r.row}</td>
                  <td>{i18n.language === 'en' ? r.message : r.messageVi}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </form>

      {queue ? (
        <section className="card" aria-labelledby="ts-queue">
          <h2 id="ts-queue">{t('testing.lab.queue')}</h2>
          {(['inTransit', 'awaitingResult'] as const).map((part) => (
            <div key={part}>
              <h3>{t(part === 'inTransit' ? 'testing.lab.inTransit' : 'testing.lab.awaiting')}</h3>
              <ul className="ts-queue">
                {queue[part].slice(0, 100).map((q) => (
                  <li key={q.sampleId} className={q.ageHours > 72 ? 'ts-old' : undefined}>
                    <strong>{q.barcode}</strong> · {t(`testing.kinds.${q.kind}`)} · {q.unitName ?? q.unitCode} ·{' '}
                    <span className="muted">{t('testing.lab.age', { hours: Math.round(q.ageHours) })}</span>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ) : null}
    </div>
  );
}
