/**
 * Sign-in: citizens by phone + one-time code, staff by username + password (+ TOTP when the server asks), and a staff
 * member's first sign-in after an administrator's password reset (SetPassword, in the staff chunk).
 */
import { type FormEvent, type KeyboardEvent, lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ApiError, api } from '../../lib/api.ts';
import type { OtpRequestBody, OtpRequestResponse, OtpVerifyBody, StaffLoginBody } from '../../lib/api-types.ts';
import { navigate } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { useApiAction } from '../../lib/useApiAction.ts';
import { TotpField } from './TotpField.tsx';

type Tab = 'citizen' | 'staff';

// in the staff chunk, which the staff member needs right after anyway: a chunk of its own would cost every citizen's
// first load a request (the entry's shared modules would split into more files)
const SetPassword = lazy(() => import('../StaffPages.tsx').then((m) => ({ default: m.SetPassword })));

/** A reset link (`/set-password#u=<username>&c=<code>`, made by staff management) opens the new-password form. */
const isResetLink = () => window.location.pathname === '/set-password';

export function LoginPage() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>(() => (isResetLink() ? 'staff' : 'citizen'));
  const tabs: Tab[] = ['citizen', 'staff'];

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const next = tab === 'citizen' ? 'staff' : 'citizen';
    setTab(next);
    document.getElementById(`login-tab-${next}`)?.focus();
  };

  return (
    <div className="login">
      <PageTitle>{t('auth.title')}</PageTitle>
      <p className="lead">{t('auth.intro')}</p>
      <div className="tabs" role="tablist" aria-label={t('auth.tabsLabel')}>
        {tabs.map((name) => (
          <button
            key={name}
            id={`login-tab-${name}`}
            type="button"
            role="tab"
            className="tab"
            aria-selected={tab === name}
            aria-controls={`login-panel-${name}`}
            tabIndex={tab === name ? 0 : -1}
            onClick={() => setTab(name)}
            onKeyDown={onKeyDown}
          >
            {t(name === 'citizen' ? 'auth.citizenTab' : 'auth.staffTab')}
          </button>
        ))}
      </div>
      <div className="card tab-panel" role="tabpanel" id={`login-panel-${tab}`} aria-labelledby={`login-tab-${tab}`}>
        {tab === 'citizen' ? <CitizenLogin /> : <StaffLogin />}
      </div>
    </div>
  );
}

function attemptsLeftOf(error: unknown): number | undefined {
  if (!(error instanceof ApiError) || !error.details || typeof error.details !== 'object') return undefined;
  const left = (error.details as { attemptsLeft?: unknown }).attemptsLeft;
  return typeof left === 'number' ? left : undefined;
}

function CitizenLogin() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState<{ phone: string; minutes: number; devCode?: string } | null>(null);
  const signIn = useApiAction();
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (sent) codeRef.current?.focus();
  }, [sent]);

  const requestCode = (event?: FormEvent) => {
    event?.preventDefault();
    void signIn.run(async () => {
      const result = await api<OtpRequestResponse>('POST', '/auth/citizen/otp', {
        phone: phone.trim(),
      } satisfies OtpRequestBody);
      setSent({
        phone: phone.trim(),
        minutes: Math.max(1, Math.round(result.expiresInSeconds / 60)),
        ...(result.devCode ? { devCode: result.devCode } : {}),
      });
      setCode('');
    });
  };

  const verify = (event: FormEvent) => {
    event.preventDefault();
    if (!sent) return;
    void signIn.run(async () => {
      await api('POST', '/auth/citizen/verify', { phone: sent.phone, code: code.trim() } satisfies OtpVerifyBody);
      await refresh();
      navigate('/', { replace: true });
    });
  };

  if (!sent) {
    return (
      <form onSubmit={requestCode} noValidate>
        <TextField
          label={t('auth.phone')}
          hint={t('auth.phoneHint')}
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          required
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
        />
        <ErrorMessage error={signIn.error} />
        <button type="submit" className="button" disabled={signIn.busy || phone.trim() === ''}>
          {signIn.busy ? t('auth.sending') : t('auth.sendCode')}
        </button>
      </form>
    );
  }

  const left = attemptsLeftOf(signIn.error);
  return (
    <form onSubmit={verify} noValidate>
      <p role="status">{t('auth.codeSent', { phone: sent.phone, minutes: sent.minutes })}</p>
      {sent.devCode ? (
        <p className="dev-hint" data-testid="dev-code">
          {t('auth.devCode', { code: sent.devCode })}
        </p>
      ) : null}
      <TextField
        ref={codeRef}
        label={t('auth.code')}
        hint={t('auth.codeHint')}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={12}
        required
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
      <ErrorMessage
        error={signIn.error}
        extra={left !== undefined ? t('auth.attemptsLeft', { count: left }) : undefined}
      />
      <div className="actions">
        <button type="submit" className="button" disabled={signIn.busy || code.trim() === ''}>
          {signIn.busy ? t('auth.verifying') : t('auth.verify')}
        </button>
        <button type="button" className="button button-secondary" disabled={signIn.busy} onClick={() => requestCode()}>
          {t('auth.resend')}
        </button>
        <button
          type="button"
          className="button button-link"
          onClick={() => {
            setSent(null);
            signIn.reset();
          }}
        >
          {t('auth.changePhone')}
        </button>
      </div>
    </form>
  );
}

function StaffLogin() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  // a reset code (signed in with: the code; opened as a link: '') only chooses a new password
  const [reset, setReset] = useState<string | null>(() => (isResetLink() ? '' : null));
  const signIn = useApiAction();
  const totpRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (needTotp) totpRef.current?.focus();
  }, [needTotp]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void signIn.run(async () => {
      try {
        await api('POST', '/auth/staff/login', {
          username: username.trim(),
          password,
          ...(needTotp && totp.trim() ? { totp: totp.trim() } : {}),
        } satisfies StaffLoginBody);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'PASSWORD_CHANGE_REQUIRED') {
          setReset(password);
          return;
        }
        if (e instanceof ApiError && (e.code === 'TOTP_REQUIRED' || e.code === 'TOTP_INVALID')) setNeedTotp(true);
        throw e;
      }
      await refresh();
      navigate('/', { replace: true });
    });
  };

  if (reset !== null) {
    return (
      <Suspense fallback={<Loading />}>
        <SetPassword
          username={reset && username.trim()}
          code={reset}
          onBack={() => {
            setReset(null);
            setPassword('');
            if (isResetLink()) navigate('/', { replace: true });
          }}
        />
      </Suspense>
    );
  }

  return (
    <form onSubmit={submit} noValidate>
      <TextField
        label={t('auth.username')}
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        value={username}
        onChange={(e) => setUsername(e.target.value)}
      />
      <TextField
        label={t('auth.password')}
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {needTotp ? <TotpField ref={totpRef} value={totp} onChange={setTotp} /> : null}
      <ErrorMessage error={signIn.error} />
      <button type="submit" className="button" disabled={signIn.busy || !username.trim() || !password}>
        {signIn.busy ? t('auth.signingIn') : t('auth.signIn')}
      </button>
    </form>
  );
}
