import { describe, expect, it } from '@jest/globals';
import { ConcurrencyLimit } from './concurrency-limit.js';

/** A task that runs until `finish()` is called. */
function gate() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { task: () => done, finish };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` tasks at once and starts the waiters in order as slots free', async () => {
    const limit = new ConcurrencyLimit(2);
    const started: number[] = [];
    const gates = [0, 1, 2, 3].map(() => gate());
    const runs = gates.map((g, i) =>
      limit.run(
        () => {
          started.push(i);
          return g.task();
        },
        1_000,
        () => new Error('late'),
      ),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(limit.queued).toBe(2);
    gates[1]!.finish();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.finish();
    gates[2]!.finish();
    gates[3]!.finish();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(limit.queued).toBe(0);
  });

  it('fails a waiter whose slot does not come within its wait, without running it, and keeps the others', async () => {
    const limit = new ConcurrencyLimit(1);
    const busy = gate();
    const first = limit.run(busy.task, 1_000, () => new Error('late'));
    let ran = false;
    const late = limit.run(
      async () => {
        ran = true;
      },
      20,
      () => new Error('queued too long'),
    );
    const patient = limit.run(
      async () => 'ran',
      5_000,
      () => new Error('late'),
    );
    await expect(late).rejects.toThrow('queued too long');
    expect(ran).toBe(false);
    busy.finish();
    await first;
    await expect(patient).resolves.toBe('ran');
  });

  it('frees the slot of a task that fails', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(
      limit.run(
        () => Promise.reject(new Error('boom')),
        1_000,
        () => new Error('late'),
      ),
    ).rejects.toThrow('boom');
    await expect(
      limit.run(
        async () => 1,
        50,
        () => new Error('late'),
      ),
    ).resolves.toBe(1);
  });
});
