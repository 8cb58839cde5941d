/**
 * Administrators list staff accounts, create one for a role and area, disable or re-enable accounts, and manage one:
 * change or remove a grant, reset its password, force its logout (AccountActions).
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { api } from '../../lib/api.ts';
import type {
  CreatedStaff,
  CreateStaffBody,
  SetDisabledBody,
  StaffListItem,
  StaffRole,
  StaffUser,
} from '../../lib/api-types.ts';
import { STAFF_ROLES } from '../../lib/staff-roles.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { formatTime } from '../checkins/format.ts';
import { AccountActions } from './AccountActions.tsx';

const MIN_PASSWORD = 12;

export function StaffPage({ me }: { me: StaffUser }) {
  const { t, i18n } = useTranslation();
  const staff = useApiGet<StaffListItem[]>('/staff');
  const { data, reload } = staff;
  const toggle = useApiAction();

  const setDisabled = (user: StaffListItem, disabled: boolean) =>
    void toggle.run(async () => {
      await api('PUT', `/staff/${user.id}/disabled`, { disabled } satisfies SetDisabledBody);
      reload();
    });

  return (
    <div>
      <PageTitle>{t('staff.title')}</PageTitle>
      <CreateStaffForm onCreated={reload} />
      <section aria-labelledby="staff-list">
        <h2 id="staff-list">{t('staff.list')}</h2>
        <ErrorMessage error={toggle.error} />
        <ListStatus list={staff} count="staff.count" />
        {data ? (
          <ul className="cards staff-list">
            {data.map((user) => (
              <li key={user.id} className="card person-card" data-username={user.username}>
                <h3>
                  {user.displayName || user.username}
                  {user.id === me.id ? <span className="muted"> ({t('staff.you')})</span> : null}
                </h3>
                <p className="mono">{user.username}</p>
                <ul className="grant-list">
                  {user.grants.map((g) => (
                    <li key={`${g.role}-${g.unitCode ?? 'all'}`}>
                      {t(`roles.${g.role}`, { defaultValue: g.role })}
                      <span className="muted"> — {g.unitName ?? t('staff.national')}</span>
                    </li>
                  ))}
                </ul>
                <p>
                  <span className={user.disabled ? 'badge badge-off' : 'badge badge-on'}>
                    {user.disabled ? t('staff.disabled') : t('staff.active')}
                  </span>
                  {user.totpEnabled ? <span className="badge">{t('staff.totpOn')}</span> : null}
                  {user.passwordResetUntil ? (
                    <span className="badge">
                      {t('staffAdmin.resetPending', { at: formatTime(user.passwordResetUntil, i18n.language) })}
                    </span>
                  ) : null}
                </p>
                {user.id !== me.id ? (
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-label={
                      user.disabled
                        ? t('staff.enable', { username: user.username })
                        : t('staff.disable', { username: user.username })
                    }
                    onClick={() => setDisabled(user, !user.disabled)}
                  >
                    {user.disabled ? t('staff.enableShort') : t('staff.disableShort')}
                  </button>
                ) : null}
                {user.id !== me.id ? <AccountActions user={user} onChanged={reload} /> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </div>
  );
}

function CreateStaffForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<StaffRole>('health_worker');
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const create = useApiAction();
  const [created, setCreated] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.reset();
    setCreated(null);
    const problems: Record<string, string> = {};
    if (!username.trim()) problems.username = t('errors.required');
    if (password.length < MIN_PASSWORD) problems.password = t('errors.passwordShort');
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0) return;
    void create.run(async () => {
      await api<CreatedStaff>('POST', '/staff', {
        username: username.trim(),
        password,
        role,
        unitCode: unit ? unit.code : null,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      } satisfies CreateStaffBody);
      setCreated(t('staff.created', { username: username.trim() }));
      setUsername('');
      setDisplayName('');
      setPassword('');
      setUnit(null);
      onCreated();
    });
  };

  return (
    <section className="card" aria-labelledby="staff-create">
      <h2 id="staff-create">{t('staff.createTitle')}</h2>
      <form onSubmit={submit} noValidate>
        <div className="field-row">
          <TextField
            label={t('staff.username')}
            hint={t('staff.usernameHint')}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            error={fieldErrors.username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <TextField
            label={t('staff.displayName')}
            optional
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        </div>
        <TextField
          label={t('staff.password')}
          hint={t('staff.passwordHint')}
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          value={password}
          error={fieldErrors.password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <SelectField label={t('staff.role')} value={role} onChange={(e) => setRole(e.target.value as StaffRole)}>
          {STAFF_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </SelectField>
        <UnitPicker label={t('staff.unit')} hint={t('staff.unitHint')} value={unit} onChange={setUnit} />
        <ErrorMessage error={create.error} />
        <SuccessMessage text={created} />
        <button type="submit" className="button" disabled={create.busy}>
          {create.busy ? t('common.saving') : t('staff.create')}
        </button>
      </form>
    </section>
  );
}
