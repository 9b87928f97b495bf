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

  it('keeps a waiter waiting past its wait while other tasks keep succeeding', async () => {
    const limit = new ConcurrencyLimit(1);
    const quick = (ms: number) => () => new Promise<void>((resolve) => setTimeout(resolve, ms));
    // 40 tasks of 10 ms each: the last waits about 400 ms for its turn, with a wait of 150 ms.
    const runs = Array.from({ length: 40 }, () => limit.run(quick(10), 150, () => new Error('late')));
    const last = limit.run(
      async () => 'ran',
      150,
      () => new Error('late'),
    );
    await Promise.all(runs);
    await expect(last).resolves.toBe('ran');
  });

  it('frees the slot of a task that fails, which is no progress for the waiters', async () => {
    const limit = new ConcurrencyLimit(1);
    const failing = limit.run(
      () => new Promise((_, reject) => setTimeout(() => reject(new Error('down')), 40)),
      1_000,
      () => new Error('late'),
    );
    const waiter = limit.run(
      async () => 'ran',
      20,
      () => new Error('nothing succeeds'),
    );
    await expect(waiter).rejects.toThrow('nothing succeeds');
    await expect(failing).rejects.toThrow('down');
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
