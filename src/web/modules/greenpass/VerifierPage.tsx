/** The checkpoint / venue verifier page (staff): the VerifyPanel under a title. */
import { useTranslation } from 'react-i18next';
import { PageTitle } from '../../components/PageTitle.tsx';
import './texts.ts';
import { VerifyPanel } from './VerifyPanel.tsx';

export default function VerifierPage() {
  const { t } = useTranslation();
  return (
    <div className="gp-page">
      <PageTitle>{t('greenpass.verify.title')}</PageTitle>
      <p className="muted">{t('greenpass.verify.intro')}</p>
      <VerifyPanel />
    </div>
  );
}
