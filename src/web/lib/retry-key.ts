/**
 * The `Idempotency-Key` of a write the user may send again. On a bad connection a write can reach the server and its
 * answer be lost: the screen shows a network error, the user taps again. Sent with the same key, that second try gets
 * the first one's answer (the server replays it, 200) instead of writing a second declaration or dose. The key stays
 * the same while the user sends the same body without an answer; another body (they changed an answer) gets a new
 * key, and so does the next write once this one was answered.
 */
import { useRef } from 'react';
import { NetworkError } from './api.ts';

/** A fresh idempotency key (letters, digits and '-', as the server requires). */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface RetryKeys {
  /** The key for sending `body`: the last one while the same body is sent again unanswered, else a new one. */
  keyFor(body: unknown): string;
  /** The server answered (the write is done or refused): the next write gets a new key. */
  answered(): void;
  /**
   * Sends `body` through `call` with its key. The server's answer — done or refused — ends the key; a network error
   * keeps it for the user's next try of the same body.
   */
  send<T>(body: unknown, call: (idempotencyKey: string) => Promise<T>): Promise<T>;
}

export function retryKeys(make: () => string = newKey): RetryKeys {
  let last: { body: string; key: string } | null = null;
  return {
    keyFor(body) {
      const text = JSON.stringify(body);
      if (last?.body !== text) last = { body: text, key: make() };
      return last.key;
    },
    answered() {
      last = null;
    },
    async send(body, call) {
      const key = this.keyFor(body);
      try {
        const answer = await call(key);
        this.answered();
        return answer;
      } catch (e) {
        if (!(e instanceof NetworkError)) this.answered();
        throw e;
      }
    },
  };
}

/** `retryKeys` kept for the life of a form. */
export function useRetryKeys(): RetryKeys {
  const keys = useRef<RetryKeys | null>(null);
  keys.current ??= retryKeys();
  return keys.current;
}
