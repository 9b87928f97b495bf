import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { InFlight } from './in-flight.js';

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('InFlight', () => {
  it('is settled at once when nothing is in flight', async () => {
    await expect(new InFlight().settled(1_000)).resolves.toBe(true);
  });

  it('settles when the last item in flight ends, not before', async () => {
    const work = new InFlight();
    const [a, b] = [{}, {}];
    work.add(a);
    work.add(b);
    let settled: boolean | undefined;
    void work.settled(1_000).then((s) => (settled = s));
    work.delete(a);
    await Promise.resolve();
    expect(settled).toBeUndefined();
    work.delete(b);
    await Promise.resolve();
    expect(settled).toBe(true);
    expect(work.size).toBe(0);
  });

  it('gives up after the timeout with work still in flight', async () => {
    const work = new InFlight();
    work.add({});
    const settled = work.settled(500);
    jest.advanceTimersByTime(500);
    await expect(settled).resolves.toBe(false);
    expect(work.size).toBe(1);
  });

  it('ignores the end of an item it never had', () => {
    const work = new InFlight();
    work.add({});
    work.delete({});
    expect(work.size).toBe(1);
  });
});
