/**
 * Managing one staff account beyond creating and locking it (issue 11, item 14): change a grant's role and area or
 * remove it, reset the password with a one-time code (shown here once, with a link that opens the page to choose a
 * new password) — keeping two-factor sign-in unless the administrator also resets it (a lost phone) — and end every
 * session of the account (force logout).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { SelectField } from '../../components/Field.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { api } from '../../lib/api.ts';
import type { GrantBody, PasswordResetBody, PasswordResetCode, StaffListItem, StaffRole } from '../../lib/api-types.ts';
import { STAFF_ROLES } from '../../lib/staff-roles.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { formatTime } from '../checkins/format.ts';
import './staff.css';
import './texts.ts';

type Grant = StaffListItem['grants'][number];

export function AccountActions({ user, onChanged }: { user: StaffListItem; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const action = useApiAction();
  const [done, setDone] = useState<string | null>(null);
  const [reset, setReset] = useState<PasswordResetCode | null>(null);
  const [resetTwoFactor, setResetTwoFactor] = useState(false);
  // the forms are made when the panel opens: a list of hundreds of accounts stays light (and has one form of each)
  const [open, setOpen] = useState(false);

  const run = (work: () => Promise<unknown>, message: string) =>
    void action.run(async () => {
      setDone(null);
      await work();
      setDone(message);
      onChanged();
    });

  return (
    <details className="sa-manage" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('staffAdmin.manage', { username: user.username })}</summary>
      {open ? (
        <>
          {user.grants.map((grant, i) => (
            <GrantEditor
              key={grant.id}
              grant={grant}
              n={i + 1}
              removable={user.grants.length > 1}
              busy={action.busy}
              onSave={(body) =>
                run(
                  () => api('PUT', `/staff/${user.id}/grants/${grant.id}`, body satisfies GrantBody),
                  t('staffAdmin.grantSaved', { username: user.username }),
                )
              }
              onRemove={() =>
                run(
                  () => api('DELETE', `/staff/${user.id}/grants/${grant.id}`),
                  t('staffAdmin.grantRemoved', { username: user.username }),
                )
              }
            />
          ))}
          <p className="hint">{t('staffAdmin.resetIntro')}</p>
          {user.totpEnabled ? (
            <div className="field sa-check">
              <label>
                <input
                  type="checkbox"
                  checked={resetTwoFactor}
                  aria-describedby={`sa-2fa-${user.id}`}
                  onChange={(e) => setResetTwoFactor(e.target.checked)}
                />{' '}
                {t('staffAdmin.resetTwoFactor')}
              </label>
              <p className="hint" id={`sa-2fa-${user.id}`}>
                {t('staffAdmin.resetTwoFactorHint')}
              </p>
            </div>
          ) : null}
          <div className="actions">
            <button
              type="button"
              className="button button-secondary button-small"
              disabled={action.busy}
              onClick={() =>
                void action.run(async () => {
                  setDone(null);
                  setReset(
                    await api<PasswordResetCode>('POST', `/staff/${user.id}/password-reset`, {
                      resetTwoFactor: user.totpEnabled && resetTwoFactor,
                    } satisfies PasswordResetBody),
                  );
                  setResetTwoFactor(false);
                  onChanged();
                })
              }
            >
              {t('staffAdmin.reset')}
            </button>
            <button
              type="button"
              className="button button-secondary button-small"
              disabled={action.busy}
              onClick={() =>
                run(
                  () => api('DELETE', `/staff/${user.id}/sessions`),
                  t('staffAdmin.logoutDone', { username: user.username }),
                )
              }
            >
              {t('staffAdmin.logout')}
            </button>
          </div>
          {reset ? (
            <div className="alert alert-success sa-reset" role="status">
              <p>{t('staffAdmin.resetDone', { username: user.username })}</p>
              <p className="sa-code mono" data-testid="reset-code">
                {reset.code}
              </p>
              <p>{t('staffAdmin.resetExpires', { at: formatTime(reset.expiresAt, i18n.language) })}</p>
              {reset.twoFactor === 'none' ? null : (
                <p data-testid="reset-two-factor">{t(`staffAdmin.twoFactor.${reset.twoFactor}`)}</p>
              )}
              <p>{t('staffAdmin.resetLink')}</p>
              <p className="mono sa-link" data-testid="reset-link">
                {`${window.location.origin}/set-password#${new URLSearchParams({ u: user.username, c: reset.code })}`}
              </p>
            </div>
          ) : null}
        </>
      ) : null}
      <ErrorMessage error={action.error} />
      <SuccessMessage text={done} />
    </details>
  );
}

function GrantEditor({
  grant,
  n,
  removable,
  busy,
  onSave,
  onRemove,
}: {
  grant: Grant;
  n: number;
  removable: boolean;
  busy: boolean;
  onSave: (body: GrantBody) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const [role, setRole] = useState<StaffRole>(grant.role as StaffRole);
  const [unit, setUnit] = useState<PickedUnit | null>(
    grant.unitCode ? { code: grant.unitCode, name: grant.unitName ?? grant.unitCode } : null,
  );
  const changed = role !== grant.role || (unit?.code ?? null) !== grant.unitCode;
  return (
    <fieldset className="sa-grant">
      <legend>{t('staffAdmin.grant', { n })}</legend>
      <SelectField label={t('staffAdmin.role')} value={role} onChange={(e) => setRole(e.target.value as StaffRole)}>
        {STAFF_ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`roles.${r}`)}
          </option>
        ))}
      </SelectField>
      <UnitPicker label={t('staffAdmin.unit')} hint={t('staffAdmin.unitHint')} value={unit} onChange={setUnit} />
      <div className="actions">
        <button
          type="button"
          className="button button-small"
          disabled={busy || !changed}
          onClick={() => onSave({ role, unitCode: unit?.code ?? null })}
        >
          {t('staffAdmin.saveGrant')}
        </button>
        {removable ? (
          <button type="button" className="button button-secondary button-small" disabled={busy} onClick={onRemove}>
            {t('staffAdmin.removeGrant')}
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}
