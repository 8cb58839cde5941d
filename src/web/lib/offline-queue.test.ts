/**
 * One sync at a time: a call during a pass gets the next pass (which sees what was queued meanwhile), never the
 * running pass's answer, and never a pass of its own beside the running one.
 */
import { describe, expect, it } from 'vitest';
import { oneAtATime } from './offline-queue.ts';

/** A pass that ends when the test says: it answers with what was queued when it started. */
function passes() {
  const queued: string[] = [];
  const started: Array<{ saw: string[]; end: () => void; fail: (e: Error) => void }> = [];
  let active = 0;
  let most = 0;
  const work = () =>
    new Promise<string[]>((resolve, reject) => {
      active++;
      most = Math.max(most, active);
      const saw = queued.splice(0);
      started.push({
        saw,
        end: () => {
          active--;
          resolve(saw);
        },
        fail: (e) => {
          active--;
          reject(e);
        },
      });
    });
  return { queued, started, work, most: () => most };
}

const turn = () => new Promise((r) => setTimeout(r, 0));

describe('oneAtATime', () => {
  it('gives a caller during a pass the next pass, which sends what was queued meanwhile', async () => {
    const p = passes();
    const flush = oneAtATime(p.work);
    p.queued.push('a');
    const first = flush();
    p.queued.push('b'); // queued after the running pass read the queue
    const second = flush();
    const third = flush();
    expect(p.started).toHaveLength(1);
    p.started[0]?.end();
    expect(await first).toEqual(['a']);
    await turn();
    // the next pass started as the first ended, once for both callers
    expect(p.started).toHaveLength(2);
    p.started[1]?.end();
    expect(await second).toEqual(['b']);
    expect(await third).toEqual(['b']);
    expect(p.most()).toBe(1);
  });

  it('starts a pass at once when none runs, and the next pass even when the running one failed', async () => {
    const p = passes();
    const flush = oneAtATime(p.work);
    p.queued.push('a');
    const first = flush();
    const second = flush();
    p.started[0]?.fail(new Error('offline'));
    await expect(first).rejects.toThrow('offline');
    await turn();
    expect(p.started).toHaveLength(2);
    p.started[1]?.end();
    expect(await second).toEqual([]);
    // idle again: a new call starts its own pass at once
    p.queued.push('c');
    const later = flush();
    expect(p.started).toHaveLength(3);
    p.started[2]?.end();
    expect(await later).toEqual(['c']);
    expect(p.most()).toBe(1);
  });

  it('hands the next pass its failure too', async () => {
    const p = passes();
    const flush = oneAtATime(p.work);
    const first = flush();
    const second = flush();
    p.started[0]?.end();
    await first;
    await turn();
    p.started[1]?.fail(new Error('server down'));
    await expect(second).rejects.toThrow('server down');
  });

  it('ends a pass whose work throws before it begins, so the next call starts one', async () => {
    let calls = 0;
    const throwing = oneAtATime((): Promise<string> => {
      calls++;
      if (calls === 1) throw new Error('no store');
      return Promise.resolve('sent');
    });
    await expect(throwing()).rejects.toThrow('no store');
    expect(await throwing()).toBe('sent');
    expect(calls).toBe(2);
  });
});
