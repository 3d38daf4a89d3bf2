import { describe, expect, it } from 'vitest';
import { KeyedLock } from '../../../bot/src/app/keyed-lock.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('the per-contact lock', () => {
  it('runs work for one key one at a time, in arrival order, even when one fails', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const job =
      (name: string, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      lock.run('a', job('1')),
      lock.run('a', job('2', true)),
      lock.run('a', job('3')),
    ]);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(lock.size).toBe(0);
  });

  it('runs work for different keys side by side', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const job = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
    };
    await Promise.all([lock.run('a', job('a')), lock.run('b', job('b'))]);
    expect(log.slice(0, 2)).toEqual(['start a', 'start b']);
  });
});
