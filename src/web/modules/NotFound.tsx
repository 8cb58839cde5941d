/** The page for a path no screen answers (or one this user may not see). */
import { useTranslation } from 'react-i18next';
import { PageTitle } from '../components/PageTitle.tsx';
import { Link } from '../lib/router.tsx';

export function NotFound() {
  const { t } = useTranslation();
  return (
    <div>
      <PageTitle>{t('notFound.title')}</PageTitle>
      <p>{t('notFound.text')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </div>
  );
}
