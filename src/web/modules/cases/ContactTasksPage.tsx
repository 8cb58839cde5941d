/**
 * Contacts handed to this area: people who live here, named as contacts of cases in other areas. The tracer sees
 * who they are (the case's tracers do not) and sets their follow-up; the case's tracers see the status.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { SelectField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { query } from '../../lib/api.ts';
import type { ContactTask, ContactTaskBody } from '../../lib/api-types.ts';
import { SETTABLE_FOLLOW_UPS } from '../../lib/api-values.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { isOneOf } from '../../lib/values.ts';
import { FollowUpFilter } from './FollowUpFilter.tsx';
import { apiPatch, formatDateOnly, formatDateTime } from './model.ts';

export function ContactTasksPage() {
  const { t } = useTranslation();
  const [followUp, setFollowUp] = useState('');
  const tasks = useApiGet<ContactTask[]>(`/contact-tasks${query({ followUp })}`);
  const { data, reload } = tasks;

  return (
    <div>
      <PageTitle>{t('cases.tasks.title')}</PageTitle>
      <p className="lead">{t('cases.tasks.lead')}</p>
      <div className="card cs-filter-row">
        <FollowUpFilter value={followUp} onChange={setFollowUp} />
      </div>
      <ListStatus list={tasks} empty="cases.tasks.empty" count="cases.contacts.count" />
      {data && data.length > 0 ? (
        <ul className="cs-plain-list">
          {data.map((task) => (
            <TaskItem key={`${task.caseId}|${task.personId}`} task={task} onSaved={reload} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function TaskItem({ task, onSaved }: { task: ContactTask; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const [next, setNext] = useState<ContactTaskBody['followUp']>(
    isOneOf(SETTABLE_FOLLOW_UPS, task.followUp) ? task.followUp : 'notified',
  );
  const save = useApiAction();
  const [saved, setSaved] = useState<string | null>(null);
  const v = task.via;

  const submit = () => {
    setSaved(null);
    void save.run(async () => {
      await apiPatch(`/contact-tasks/${task.caseId}/${task.personId}`, { followUp: next } satisfies ContactTaskBody);
      setSaved(t('cases.tasks.saved'));
      onSaved();
    });
  };

  return (
    <li className="card cs-task" data-person-id={task.personId} data-case-id={task.caseId}>
      <h2 className="cs-task-name">
        {task.name} <span className={`badge cs-degree cs-degree-${task.degree}`}>F{task.degree}</span>
      </h2>
      <p className="muted">{[task.phone, task.unitName].filter(Boolean).join(' · ')}</p>
      <p>
        {t('cases.tasks.fromCase', {
          code: task.caseDisplayCode,
          district: task.caseDistrict?.name ?? t('cases.contacts.unknownDistrict'),
        })}
      </p>
      <p>
        {t(`cases.via.${v.type}`, { defaultValue: v.type })}
        {v.venueName ? `: ${v.venueName}` : ''}
        {v.overlapStart ? ` · ${formatDateTime(v.overlapStart, i18n.language)}` : ''}
      </p>
      {task.quarantine ? (
        <p>
          {t('cases.contacts.quarantineText', {
            kind: t(`cases.quarantineKind.${task.quarantine.kind}`, { defaultValue: task.quarantine.kind }),
            from: formatDateOnly(task.quarantine.startsOn),
            to: formatDateOnly(task.quarantine.endsOn),
          })}
        </p>
      ) : null}
      <p className="muted">
        {t('cases.tasks.status', { status: t(`cases.followUp.${task.followUp}`, { defaultValue: task.followUp }) })} ·{' '}
        {t('cases.tasks.handedAt', { at: formatDateTime(task.handedAt, i18n.language) })}
      </p>
      <div className="cs-bulk-row">
        <SelectField
          label={t('cases.contacts.setFollowUp')}
          value={next}
          onChange={(e) => isOneOf(SETTABLE_FOLLOW_UPS, e.target.value) && setNext(e.target.value)}
        >
          {SETTABLE_FOLLOW_UPS.map((f) => (
            <option key={f} value={f}>
              {t(`cases.followUp.${f}`)}
            </option>
          ))}
        </SelectField>
        <button type="button" className="button" disabled={save.busy} onClick={submit}>
          {save.busy ? t('common.saving') : t('cases.tasks.save')}
        </button>
      </div>
      <ErrorMessage error={save.error} />
      <SuccessMessage text={saved} />
    </li>
  );
}
