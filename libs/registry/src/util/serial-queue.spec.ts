import { describe, expect, it } from '@jest/globals';
import { SerialQueue } from './serial-queue.js';

describe('SerialQueue', () => {
  it('runs tasks one at a time, in order, even when one fails', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const task =
      (name: string, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
      };
    const runs = [queue.run(task('a')), queue.run(task('b', true)), queue.run(task('c'))];
    await expect(Promise.all(runs)).resolves.toEqual([undefined, undefined, undefined]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('idle() waits for everything queued so far', async () => {
    const queue = new SerialQueue();
    let done = false;
    void queue.run(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      done = true;
    });
    await queue.idle();
    expect(done).toBe(true);
  });
});
