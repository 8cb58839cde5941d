import { Type } from 'typebox';
import { AfterParam } from '../../platform/paging.ts';

/** GET /dev/outbox: the newest messages (to one phone), a page at a time (keyset paging by message id). */
export const OutboxQuery = Type.Object(
  {
    to: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    /** the previous page's `X-Next-Cursor` */
    after: Type.Optional(AfterParam),
  },
  { additionalProperties: false },
);

/** One message the fake notification adapters recorded (GET /dev/outbox). */
export const OutboxMessage = Type.Object({
  /** the message's number in the outbox (newer messages have higher ones) */
  id: Type.Integer(),
  channel: Type.String(),
  to: Type.String(),
  text: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
