/** A person's national ID as staff read it, marked "Chưa xác minh" while it is only what a citizen typed. */
import { useTranslation } from 'react-i18next';
import type { Person } from '../../lib/api-types.ts';

/**
 * The ID, then — when it is a citizen's claim that no staff member has checked against the ID card yet — a badge in
 * words (not a colour alone). Nothing when the person has no national ID.
 */
export function NationalIdText({ person }: { person: Pick<Person, 'nationalId' | 'nationalIdVerified'> }) {
  const { t } = useTranslation();
  if (!person.nationalId) return null;
  return (
    <>
      <span>{person.nationalId}</span>
      {person.nationalIdVerified ? null : (
        <>
          {' '}
          <span className="badge badge-pending">{t('people.nationalIdNotVerified')}</span>
        </>
      )}
    </>
  );
}
