/** The "follow-up" filter of a contact list (a case's contacts, contacts handed over to this area). */
import { useTranslation } from 'react-i18next';
import { SelectField } from '../../components/Field.tsx';
import { FOLLOW_UPS } from '../../lib/api-values.ts';

export function FollowUpFilter({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  return (
    <SelectField label={t('cases.contacts.followUp')} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t('cases.contacts.all')}</option>
      {FOLLOW_UPS.map((f) => (
        <option key={f} value={f}>
          {t(`cases.followUp.${f}`)}
        </option>
      ))}
    </SelectField>
  );
}
