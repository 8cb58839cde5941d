/** The authenticator-app code field of the staff sign-in and of choosing a new password (same label, hint, limits). */
import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from '../../components/Field.tsx';

export function TotpField({
  value,
  onChange,
  ref,
}: {
  value: string;
  onChange: (value: string) => void;
  ref?: Ref<HTMLInputElement>;
}) {
  const { t } = useTranslation();
  return (
    <TextField
      ref={ref}
      label={t('auth.totp')}
      hint={t('auth.totpHint')}
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={8}
      required
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
