/** Admins read what the fake SMS adapter "sent" (dev and demo only): how testers get citizens' codes. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { query } from '../../lib/api.ts';
import type { OutboxMessage } from '../../lib/api-types.ts';
import { dateLocale, TIME_ZONE } from '../../lib/time.ts';
import { useApiGet } from '../../lib/useApiGet.ts';

export function OutboxPage() {
  const { t, i18n } = useTranslation();
  const [phone, setPhone] = useState('');
  const [filter, setFilter] = useState('');
  const messages = useApiGet<OutboxMessage[]>(`/dev/outbox${query({ to: filter })}`);
  const { data, reload } = messages;
  const format = new Intl.DateTimeFormat(dateLocale(i18n.language), {
    timeZone: TIME_ZONE,
    dateStyle: 'short',
    timeStyle: 'medium',
  });

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (phone.trim() === filter) reload();
    else setFilter(phone.trim());
  };

  return (
    <div>
      <PageTitle>{t('outbox.title')}</PageTitle>
      <p className="lead">{t('outbox.intro')}</p>
      <form className="card search-form" onSubmit={apply}>
        <TextField
          label={t('outbox.filter')}
          optional
          type="tel"
          inputMode="tel"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
        />
        <button type="submit" className="button">
          {t('outbox.apply')}
        </button>
      </form>
      <ListStatus list={messages} empty="outbox.empty" />
      {data && data.length > 0 ? (
        <ul className="cards messages">
          {data.map((m) => (
            <li key={`${m.createdAt}-${m.to}-${m.text}`} className="card">
              <p className="muted">
                {m.channel.toUpperCase()} · {t('outbox.to', { to: m.to })} ·{' '}
                <time dateTime={m.createdAt}>{format.format(new Date(m.createdAt))}</time>
              </p>
              <p className="mono">{m.text}</p>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
