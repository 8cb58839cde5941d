/**
 * Tube labels to print: `/testing/labels?codes=A,B&layout=small|a4`. Small = one 50 × 25 mm label per page (a label
 * printer), A4 = a sheet of 3 × 10 labels (pre-printed before a campaign, or the spare codes for offline work).
 * Rendered in the browser (works offline), printed with the browser's own dialog.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './testing.css';
import { SelectField } from '../../components/Field.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { Barcode } from './barcode.tsx';

export default function LabelsPage() {
  const { t } = useTranslation();
  const params = new URLSearchParams(window.location.search);
  const codes = (params.get('codes') ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => /^[A-Za-z0-9-]{4,40}$/.test(c))
    .slice(0, 300);
  const [layout, setLayout] = useState(params.get('layout') === 'a4' ? 'a4' : 'small');
  return (
    <div className={`ts-labels ts-labels-${layout}`}>
      <div className="ts-no-print">
        <PageTitle>{t('testing.labels.title')}</PageTitle>
        <SelectField label={t('testing.labels.layout')} value={layout} onChange={(e) => setLayout(e.target.value)}>
          <option value="small">{t('testing.labels.small')}</option>
          <option value="a4">{t('testing.labels.a4')}</option>
        </SelectField>
        <button type="button" className="button" onClick={() => window.print()}>
          {t('testing.labels.print')}
        </button>
      </div>
      <div className="ts-sheet">
        {codes.map((code) => (
          <div key={code} className="ts-label">
            <Barcode value={code} />
          </div>
        ))}
      </div>
    </div>
  );
}
