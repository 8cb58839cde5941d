/**
 * Notifications (SMS, Zalo, web push) go through adapters. Messages are queued as `notify.send` jobs in the
 * caller's transaction and delivered by the worker, so a committed change never loses its message.
 * The fake adapter records messages in `notify_fake_messages` (dev, tests, demos: read them at
 * GET /api/v1/dev/outbox). The webhook adapter POSTs each message as JSON to a gateway of the operator's choice.
 */
import type { Kysely, Transaction } from 'kysely';
import { type Static, Type } from 'typebox';
import type { Config } from '../config.ts';
import type { DB } from '../db/types.ts';
import { defineTopic, handle, handleMany, type Jobs } from './jobs.ts';
import { pageLimit } from './paging.ts';

export const CHANNELS = ['sms', 'zalo', 'webpush'] as const;
export type Channel = (typeof CHANNELS)[number];

export const OutgoingMessage = Type.Object({
  channel: Type.Enum(CHANNELS),
  /** E.164 phone for sms/zalo; subscription id for webpush */
  to: Type.String({ minLength: 1 }),
  text: Type.String({ minLength: 1 }),
});
export type OutgoingMessage = Static<typeof OutgoingMessage>;

/** `notify.send`: one message for the adapter (every module's notifications go through it). */
export const NOTIFY_SEND = defineTopic('notify.send', OutgoingMessage);

export interface NotifyAdapter {
  send(message: OutgoingMessage): Promise<void>;
  /**
   * Many messages at once, all or none (the worker hands it every message it claimed together; if it throws, each
   * message is sent alone). Only for an adapter that can send them atomically: one that may fail half way would send
   * the first half twice.
   */
  sendMany?(messages: OutgoingMessage[]): Promise<void>;
}

export function createFakeAdapter(db: Kysely<DB>): NotifyAdapter {
  const record = async (messages: OutgoingMessage[]) => {
    await db
      .insertInto('notify_fake_messages')
      .values(messages.map((m) => ({ channel: m.channel, recipient: m.to, text: m.text })))
      .execute();
  };
  return { send: (m) => record([m]), sendMany: record };
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

/** One message the fake adapter recorded. */
export interface FakeMessage {
  /** ascending with time: the outbox's paging key */
  id: number;
  channel: string;
  recipient: string;
  text: string;
  createdAt: Date;
}

export interface Notifier {
  /** Queues a message in the caller's transaction. */
  enqueue(trx: Transaction<DB> | Kysely<DB>, message: OutgoingMessage): Promise<void>;
  /** Many messages in one statement. */
  enqueueMany(trx: Transaction<DB> | Kysely<DB>, messages: OutgoingMessage[]): Promise<void>;
  /**
   * What the fake adapter recorded, newest first, for one recipient (`to`, exactly as recorded) or everyone. It
   * holds one-time codes: the caller decides who may read it (the dev module: national admins, fake adapters only).
   */
  /** The newest recorded messages (to one recipient), `limit` of them, older than message `before` when given. */
  fakeOutbox(opts: { to?: string | undefined; limit: number; before?: number | undefined }): Promise<FakeMessage[]>;
}

/** Wires the adapter chosen by config to the `notify.send` job topic. */
export function createNotifier(db: Kysely<DB>, jobs: Jobs, config: Config): Notifier {
  const adapter =
    config.notify === 'webhook' && config.notifyWebhookUrl
      ? createWebhookAdapter(config.notifyWebhookUrl)
      : createFakeAdapter(db);
  const sendMany = adapter.sendMany?.bind(adapter);
  jobs.register(sendMany ? handleMany(NOTIFY_SEND, sendMany) : handle(NOTIFY_SEND, (message) => adapter.send(message)));
  return {
    async enqueue(trx, message) {
      await jobs.enqueue(trx, NOTIFY_SEND, message, { maxAttempts: 8 });
    },
    async enqueueMany(trx, messages) {
      await jobs.enqueueMany(trx, NOTIFY_SEND, messages, { maxAttempts: 8 });
    },
    async fakeOutbox(opts) {
      let q = db
        .selectFrom('notify_fake_messages')
        .select(['id', 'channel', 'recipient', 'text', 'created_at'])
        .orderBy('id', 'desc')
        .limit(pageLimit(opts.limit));
      if (opts.to !== undefined) q = q.where('recipient', '=', opts.to);
      if (opts.before !== undefined) q = q.where('id', '<', opts.before);
      const rows = await q.execute();
      return rows.map((r) => ({
        id: Number(r.id),
        channel: r.channel,
        recipient: r.recipient,
        text: r.text,
        createdAt: r.created_at,
      }));
    },
  };
}
