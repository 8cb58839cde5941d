/**
 * Notifications (SMS, Zalo, web push) go through adapters. Messages are queued as `notify.send` jobs in the
 * caller's transaction and delivered by the worker, so a committed change never loses its message.
 * The fake adapter records messages in `notify_fake_messages` (dev, tests, demos: read them at
 * GET /api/v1/dev/outbox). The webhook adapter POSTs each message as JSON to a gateway of the operator's choice.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../config.ts';
import type { DB } from '../db/types.ts';
import type { Jobs } from './jobs.ts';

export const CHANNELS = ['sms', 'zalo', 'webpush'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface OutgoingMessage {
  channel: Channel;
  /** E.164 phone for sms/zalo; subscription id for webpush */
  to: string;
  text: string;
}

export interface NotifyAdapter {
  send(message: OutgoingMessage): Promise<void>;
}

export function createFakeAdapter(db: Kysely<DB>): NotifyAdapter {
  return {
    async send(m) {
      await db
        .insertInto('notify_fake_messages')
        .values({ channel: m.channel, recipient: m.to, text: m.text })
        .execute();
    },
  };
}

export function createWebhookAdapter(url: string): NotifyAdapter {
  return {
    async send(m) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(m),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`notify webhook answered ${res.status}`);
    },
  };
}

export interface Notifier {
  /** Queues a message in the caller's transaction. */
  enqueue(trx: Transaction<DB> | Kysely<DB>, message: OutgoingMessage): Promise<void>;
  /** Many messages in one statement. */
  enqueueMany(trx: Transaction<DB> | Kysely<DB>, messages: OutgoingMessage[]): Promise<void>;
}

/** Wires the adapter chosen by config to the `notify.send` job topic. */
export function createNotifier(db: Kysely<DB>, jobs: Jobs, config: Config): Notifier {
  const adapter =
    config.notify === 'webhook' && config.notifyWebhookUrl
      ? createWebhookAdapter(config.notifyWebhookUrl)
      : createFakeAdapter(db);
  jobs.register('notify.send', async (payload) => {
    await adapter.send(payload as unknown as OutgoingMessage);
  });
  return {
    async enqueue(trx, message) {
      await jobs.enqueue(trx, 'notify.send', message, { maxAttempts: 8 });
    },
    async enqueueMany(trx, messages) {
      await jobs.enqueueMany(trx, 'notify.send', messages, { maxAttempts: 8 });
    },
  };
}
