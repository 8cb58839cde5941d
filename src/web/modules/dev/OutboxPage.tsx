/**
 * Admins read what the fake SMS adapter "sent" (dev and demo only): how testers get citizens' codes. Newest first,
 * 50 at a time from the server, filtered by phone on the server.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from '../../components/Field.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { MoreButton } from '../../components/MoreButton.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { query } from '../../lib/api.ts';
import type { OutboxMessage } from '../../lib/api-types.ts';
import { dateLocale, TIME_ZONE } from '../../lib/time.ts';
import { useApiPages } from '../../lib/useApiPages.ts';

export function OutboxPage() {
  const { t, i18n } = useTranslation();
  const [phone, setPhone] = useState('');
  const [filter, setFilter] = useState('');
  const messages = useApiPages<OutboxMessage>(`/dev/outbox${query({ to: filter, limit: 50 })}`);
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
      <ListStatus list={messages} empty="outbox.empty" count={messages.hasMore ? 'common.shownMore' : undefined} />
      {data && data.length > 0 ? (
        <ul className="cards messages">
          {data.map((m) => (
            <li key={m.id} className="card">
              <p className="muted">
                {m.channel.toUpperCase()} · {t('outbox.to', { to: m.to })} ·{' '}
                <time dateTime={m.createdAt}>{format.format(new Date(m.createdAt))}</time>
              </p>
              <p className="mono">{m.text}</p>
            </li>
          ))}
        </ul>
      ) : null}
      <MoreButton list={messages} />
    </div>
  );
}
