/**
 * Admins: the laboratories (register one; issue and revoke the API keys their own systems send results with — a key is
 * shown once) and the testing settings (the pool maximum, whether a positive antigen test opens a case, the test days
 * of F1s under quarantine).
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './testing.css';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { api } from '../../lib/api.ts';
import type { LabList } from '../../lib/testing-types.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';

interface KeyView {
  id: string;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

interface Settings {
  poolMax: number;
  antigenOpensCase: boolean;
  f1TestDays: number[];
}

function LabKeys({ labId }: { labId: string }) {
  const { t } = useTranslation();
  const { data: keys, reload } = useApiGet<KeyView[]>(`/labs/${labId}/keys`);
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<string | null>(null);
  const action = useApiAction();
  const issue = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await api<{ key: string }>('POST', `/labs/${labId}/keys`, { label });
      setIssued(r.key);
      setLabel('');
      reload();
    });
  };
  const revoke = (keyId: string) => {
    void action.run(async () => {
      await api('DELETE', `/labs/${labId}/keys/${keyId}`);
      reload();
    });
  };
  return (
    <div>
      <h3>{t('testing.admin.keys')}</h3>
      <ul>
        {(keys ?? []).map((k) => (
          <li key={k.id}>
            {k.label} · {k.createdAt.slice(0, 10)}{' '}
            {k.revokedAt ? (
              <span className="muted">({t('testing.admin.revoked')})</span>
            ) : (
              <button type="button" className="button-link" disabled={action.busy} onClick={() => revoke(k.id)}>
                {t('testing.admin.revoke')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {issued ? (
        <p role="status">
          {t('testing.admin.issued')} <code className="ts-key">{issued}</code>
        </p>
      ) : null}
      <form onSubmit={issue}>
        <TextField label={t('testing.admin.keyLabel')} value={label} onChange={(e) => setLabel(e.target.value)} />
        <ErrorMessage error={action.error} />
        <button type="submit" className="button button-secondary button-small" disabled={action.busy || !label.trim()}>
          {t('testing.admin.issue')}
        </button>
      </form>
    </div>
  );
}

export default function AdminPage() {
  const { t } = useTranslation();
  const { data: labs, reload } = useApiGet<LabList>('/labs');
  const { data: loaded } = useApiGet<Settings>('/testing/settings');
  const [name, setName] = useState('');
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const action = useApiAction();
  const [poolMax, setPoolMax] = useState('10');
  const [antigen, setAntigen] = useState(false);
  const [days, setDays] = useState('1, 7');
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    if (!loaded) return;
    setPoolMax(String(loaded.poolMax));
    setAntigen(loaded.antigenOpensCase);
    setDays(loaded.f1TestDays.join(', '));
  }, [loaded]);

  const createLab = (e: FormEvent) => {
    e.preventDefault();
    if (!unit || !name.trim()) return;
    void action.run(async () => {
      await api('POST', '/labs', { name, unitCode: unit.code });
      setName('');
      reload();
    });
  };

  const saveSettings = (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    void action.run(async () => {
      await api('PUT', '/testing/settings', {
        poolMax: Number(poolMax),
        antigenOpensCase: antigen,
        f1TestDays: days
          .split(/[\s,;]+/)
          .filter(Boolean)
          .map(Number),
      });
      setMessage(t('testing.admin.saved'));
    });
  };

  return (
    <div className="ts-page">
      <PageTitle>{t('testing.admin.title')}</PageTitle>
      <ErrorMessage error={action.error} />
      <section className="card" aria-labelledby="ts-labs">
        <h2 id="ts-labs">{t('testing.admin.labs')}</h2>
        {(labs?.items ?? []).map((l) => (
          <article key={l.id} className="ts-lab">
            <h3>
              {l.name} <span className="muted">· {l.unitName ?? l.unitCode}</span>
            </h3>
            <LabKeys labId={l.id} />
          </article>
        ))}
        <form onSubmit={createLab}>
          <h3>{t('testing.admin.create')}</h3>
          <TextField label={t('testing.admin.name')} value={name} onChange={(e) => setName(e.target.value)} />
          <UnitPicker label={t('testing.admin.unit')} value={unit} onChange={setUnit} />
          <button type="submit" className="button" disabled={action.busy || !unit || !name.trim()}>
            {t('testing.admin.create')}
          </button>
        </form>
      </section>
      <form className="card" aria-labelledby="ts-settings" onSubmit={saveSettings}>
        <h2 id="ts-settings">{t('testing.admin.settings')}</h2>
        <TextField
          label={t('testing.admin.poolMax')}
          type="number"
          min={2}
          max={50}
          value={poolMax}
          onChange={(e) => setPoolMax(e.target.value)}
        />
        <div className="field">
          <label>
            <input type="checkbox" checked={antigen} onChange={(e) => setAntigen(e.target.checked)} />{' '}
            {t('testing.admin.antigen')}
          </label>
        </div>
        <TextField label={t('testing.admin.f1Days')} value={days} onChange={(e) => setDays(e.target.value)} />
        {message ? <p role="status">{message}</p> : null}
        <button type="submit" className="button" disabled={action.busy}>
          {t('testing.admin.save')}
        </button>
      </form>
    </div>
  );
}
