/**
 * The first sign-in after an administrator reset a staff password (issue 11, item 14): the one-time code (typed, or
 * from the link `/set-password#u=<username>&c=<code>`) and a new password, which replaces the code; then the session
 * starts. It travels in the staff chunk (StaffPages.tsx re-exports it), not the citizen entry, which has a size budget:
 * the sign-in page only decides when to show it.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { ApiError, api } from '../../lib/api.ts';
import type { StaffPasswordResetBody } from '../../lib/api-types.ts';
import { navigate } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { TotpField } from './TotpField.tsx';
import './set-password-texts.ts';

const MIN_PASSWORD = 12;

/** The username and code of a reset link (`/set-password#u=<username>&c=<code>`: the fragment reaches no server). */
function fromLink(): { u: string; c: string } {
  const p = new URLSearchParams(window.location.hash.slice(1));
  return { u: p.get('u') ?? '', c: p.get('c') ?? '' };
}

/** `username` and `code` as typed at sign-in; empty when opened from a link, which then gives them. */
export default function SetPassword({
  username: typed,
  code: typedCode,
  onBack,
}: {
  username: string;
  code: string;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const [username, setUsername] = useState(() => typed || fromLink().u);
  const [code, setCode] = useState(() => typedCode || fromLink().c);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [problems, setProblems] = useState<{ password?: string; confirm?: string }>({});
  const save = useApiAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = {
      ...(password.length < MIN_PASSWORD ? { password: t('errors.passwordShort') } : {}),
      ...(confirm !== password ? { confirm: t('setPassword.mismatch') } : {}),
    };
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    void save.run(async () => {
      try {
        await api('POST', '/auth/staff/password/reset', {
          username: username.trim(),
          code: code.trim(),
          newPassword: password,
          ...(needTotp && totp.trim() ? { totp: totp.trim() } : {}),
        } satisfies StaffPasswordResetBody);
      } catch (e) {
        if (e instanceof ApiError && (e.code === 'TOTP_REQUIRED' || e.code === 'TOTP_INVALID')) setNeedTotp(true);
        throw e;
      }
      await refresh();
      navigate('/', { replace: true });
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="set-password-title">
      <h2 id="set-password-title">{t('setPassword.title')}</h2>
      <p>{t('setPassword.intro', { username: username || '…' })}</p>
      <TextField
        label={t('setPassword.username')}
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        value={username}
        onChange={(e) => setUsername(e.target.value)}
      />
      <TextField
        label={t('setPassword.code')}
        hint={t('setPassword.codeHint')}
        autoComplete="one-time-code"
        autoCapitalize="characters"
        spellCheck={false}
        required
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
      <TextField
        label={t('setPassword.newPassword')}
        hint={t('setPassword.newPasswordHint')}
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD}
        value={password}
        error={problems.password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <TextField
        label={t('setPassword.confirm')}
        type="password"
        autoComplete="new-password"
        required
        value={confirm}
        error={problems.confirm}
        onChange={(e) => setConfirm(e.target.value)}
      />
      {needTotp ? <TotpField value={totp} onChange={setTotp} /> : null}
      <ErrorMessage error={save.error} />
      <div className="actions">
        <button type="submit" className="button" disabled={save.busy || !username.trim() || !code.trim()}>
          {save.busy ? t('setPassword.saving') : t('setPassword.submit')}
        </button>
        <button type="button" className="button button-link" onClick={onBack}>
          {t('setPassword.back')}
        </button>
      </div>
    </form>
  );
}
