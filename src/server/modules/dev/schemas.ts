import { Type } from 'typebox';

/** One message the fake notification adapters recorded (GET /dev/outbox). */
export const OutboxMessage = Type.Object({
  channel: Type.String(),
  to: Type.String(),
  text: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
