/**
 * A venue's setting "only people who declared today may check in" (`PUT /declaration-venue-rules/{venueId}`), on the
 * venue card its managers and the commune's staff see. With it on, a live check-in of someone without a declaration
 * today is refused (403 DECLARATION_REQUIRED, the reason shown to them); scans the door synced from its queue are
 * recorded with the grey badge instead (the person was let in already).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { api } from '../../lib/api.ts';
import type { VenueRuleView } from '../../lib/declarations-types.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';

export function VenueRuleToggle({ venueId }: { venueId: string }) {
  const { t } = useTranslation();
  const rule = useApiGet<VenueRuleView>(`/declaration-venue-rules/${venueId}`);
  const [required, setRequired] = useState<boolean | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const action = useApiAction();
  const value = required ?? rule.data?.required ?? false;
  // the box follows the click at once and goes back if the server refuses
  const change = (next: boolean) => {
    const before = value;
    setSaved(null);
    setRequired(next);
    void action
      .run(async () => {
        const r = await api<VenueRuleView>('PUT', `/declaration-venue-rules/${venueId}`, { required: next });
        setRequired(r.required);
        setSaved(t(r.required ? 'declarations.venueRule.on' : 'declarations.venueRule.off'));
      })
      .then((ok) => {
        if (!ok) setRequired(before);
      });
  };
  return (
    <section className="dc-venue-rule" aria-labelledby={`dc-rule-${venueId}`}>
      <h3 id={`dc-rule-${venueId}`}>{t('declarations.venueRule.title')}</h3>
      <ErrorMessage error={rule.error} />
      <label className="dc-option">
        <input type="checkbox" checked={value} disabled={!rule.data} onChange={(e) => change(e.target.checked)} />{' '}
        {t('declarations.venueRule.label')}
      </label>
      <p className="hint">{t('declarations.venueRule.hint')}</p>
      <ErrorMessage error={action.error} />
      <SuccessMessage text={saved} />
    </section>
  );
}
