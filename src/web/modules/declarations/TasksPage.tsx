/**
 * "Theo dõi khai báo y tế" — the commune health station's follow-up tasks of flagged declarations in the health
 * worker's area, soonest due first: who, their phone, why (symptom, exposure, entry from a listed area, an open case
 * or quarantine order), due time (overdue in red), who follows it and the notes; each task moves forward
 * new → called → tested → closed, with a note and the worker it is assigned to.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './declarations.css';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { api, query } from '../../lib/api.ts';
import type { TaskList, TaskView } from '../../lib/declarations-types.ts';
import { HEALTH_TASK_STATUSES } from '../../lib/declarations-values.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { formatTime } from '../checkins/format.ts';

type StatusFilter = 'open' | (typeof HEALTH_TASK_STATUSES)[number];

function TaskCard({ task, onChanged }: { task: TaskView; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const [note, setNote] = useState('');
  const [assignedTo, setAssignedTo] = useState(task.assignedTo ?? '');
  const action = useApiAction();
  const index = HEALTH_TASK_STATUSES.indexOf(task.status);
  const next = HEALTH_TASK_STATUSES[index + 1];
  const overdue = task.status !== 'closed' && new Date(task.dueAt).getTime() < Date.now();
  const save = (status: TaskView['status']) =>
    void action.run(async () => {
      await api('PATCH', `/health-tasks/${task.id}`, {
        status,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(assignedTo.trim() && assignedTo.trim() !== task.assignedTo ? { assignedTo: assignedTo.trim() } : {}),
      });
      setNote('');
      onChanged();
    });
  const submitNote = (e: FormEvent) => {
    e.preventDefault();
    save(task.status);
  };
  return (
    <li className={`card dc-task dc-task-${task.status}`} data-task-id={task.id} data-person-id={task.personId}>
      <h2 className="dc-task-name">{task.personName}</h2>
      <p>
        <span className={`dc-status dc-status-${task.status}`}>{t(`declarations.tasks.status.${task.status}`)}</span>
        {' · '}
        {task.reasons.map((r) => t(`declarations.reasons.${r}`)).join(', ')}
      </p>
      {task.phone ? (
        <p>
          <a href={`tel:${task.phone}`}>{task.phone}</a>
        </p>
      ) : null}
      <p className={overdue ? 'dc-warn' : 'muted'}>
        {t(overdue ? 'declarations.tasks.overdue' : 'declarations.tasks.due', {
          time: formatTime(task.dueAt, i18n.language),
        })}
      </p>
      {task.assignedTo ? <p className="muted">{t('declarations.tasks.assigned', { name: task.assignedTo })}</p> : null}
      {task.notes.length > 0 ? (
        <ul className="dc-notes">
          {task.notes.map((n) => (
            <li key={`${n.at}-${n.status}`}>
              {formatTime(n.at, i18n.language)} · {n.by} · {t(`declarations.tasks.status.${n.status}`)}
              {n.text ? `: ${n.text}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {task.status !== 'closed' ? (
        <form onSubmit={submitNote} className="dc-task-form">
          <TextField
            label={t('declarations.tasks.note')}
            optional
            maxLength={1000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <TextField
            label={t('declarations.tasks.assignTo')}
            optional
            maxLength={120}
            value={assignedTo}
            onChange={(e) => setAssignedTo(e.target.value)}
          />
          <ErrorMessage error={action.error} />
          <div className="dc-actions">
            {next ? (
              <button type="button" className="button" disabled={action.busy} onClick={() => save(next)}>
                {t(`declarations.tasks.to.${next}`)}
              </button>
            ) : null}
            {next !== 'closed' ? (
              <button
                type="button"
                className="button button-secondary"
                disabled={action.busy}
                onClick={() => save('closed')}
              >
                {t('declarations.tasks.to.closed')}
              </button>
            ) : null}
            <button type="submit" className="button button-ghost" disabled={action.busy || !note.trim()}>
              {t('declarations.tasks.saveNote')}
            </button>
          </div>
        </form>
      ) : null}
    </li>
  );
}

export default function TasksPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<StatusFilter>('open');
  const list = useApiGet<TaskList>(`/health-tasks${query({ status })}`);
  return (
    <div className="dc-page">
      <PageTitle>{t('declarations.tasks.title')}</PageTitle>
      <p className="muted">{t('declarations.tasks.intro')}</p>
      <SelectField
        label={t('declarations.tasks.filter')}
        value={status}
        onChange={(e) => setStatus(e.target.value as StatusFilter)}
      >
        <option value="open">{t('declarations.tasks.open')}</option>
        {HEALTH_TASK_STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`declarations.tasks.status.${s}`)}
          </option>
        ))}
      </SelectField>
      <ListStatus
        list={{ data: list.data?.items, error: list.error, loading: list.loading }}
        empty="declarations.tasks.none"
        count="declarations.tasks.count"
      />
      <ul className="dc-list">
        {(list.data?.items ?? []).map((task) => (
          <TaskCard key={`${task.id}-${task.status}-${task.notes.length}`} task={task} onChanged={list.reload} />
        ))}
      </ul>
    </div>
  );
}
