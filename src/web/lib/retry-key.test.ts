/** A write sent again after a lost answer keeps its key; another body, or the next write, gets a new one. */
import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError } from './api.ts';
import { newKey, retryKeys } from './retry-key.ts';

const counter = () => {
  let n = 0;
  return () => `k${++n}`;
};

describe('retryKeys', () => {
  it('keeps the key while the same body is sent again, and makes a new one for another body', () => {
    const keys = retryKeys(counter());
    expect(keys.keyFor({ a: 1 })).toBe('k1');
    expect(keys.keyFor({ a: 1 })).toBe('k1');
    expect(keys.keyFor({ a: 2 })).toBe('k2');
    expect(keys.keyFor({ a: 1 })).toBe('k3');
    keys.answered();
    expect(keys.keyFor({ a: 1 })).toBe('k4');
  });

  it('send: a network error keeps the key for the next try; an answer or a refusal ends it', async () => {
    const keys = retryKeys(counter());
    const sent: string[] = [];
    await expect(
      keys.send({ a: 1 }, async (key) => {
        sent.push(key);
        throw new NetworkError();
      }),
    ).rejects.toBeInstanceOf(NetworkError);
    const done = await keys.send({ a: 1 }, async (key) => {
      sent.push(key);
      return 'done';
    });
    expect(done).toBe('done');
    await expect(
      keys.send({ a: 1 }, async (key) => {
        sent.push(key);
        throw new ApiError(422, 'VACCINATION_LOT_EMPTY', 'empty', 'hết');
      }),
    ).rejects.toBeInstanceOf(ApiError);
    await keys.send({ a: 1 }, async (key) => sent.push(key));
    // the retry after the network error used the first key; after the answer and after the refusal, new ones
    expect(sent).toEqual(['k1', 'k1', 'k2', 'k3']);
  });

  it('makes keys the server accepts (letters, digits, -), each different', () => {
    const a = newKey();
    expect(a).toMatch(/^[A-Za-z0-9-]{16,}$/);
    expect(newKey()).not.toBe(a);
  });
});
