import { describe, expect, it } from 'vitest';
import { safeError } from './logger.ts';

describe('safeError (the logger serializer for err)', () => {
  it('keeps kind, message, code and stack, never the pg client (connection settings) or the row values', () => {
    const err = Object.assign(new Error('duplicate key value violates unique constraint "people_national_id_key"'), {
      code: '23505',
      detail: 'Key (national_id)=(079123456789) already exists.',
      client: { connectionParameters: { database: 'truyvet', password: 's3cret', host: 'db.internal' } },
    });
    const logged = safeError(err);
    expect(Object.keys(logged).sort()).toEqual(['code', 'message', 'stack', 'type']);
    expect(logged).toMatchObject({ type: 'Error', code: '23505' });
    const text = JSON.stringify(logged);
    for (const secret of ['079123456789', 's3cret', 'db.internal', 'connectionParameters']) {
      expect(text).not.toContain(secret);
    }
  });

  it('turns a thrown non-error into its message', () => {
    expect(safeError('boom')).toEqual({ message: 'boom' });
  });
});
