import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { COARSE_CLOCK_RESOLUTION_MS, coarseNow } from './coarse-clock.js';

describe('the coarse clock', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reads the real clock first, then is at most one resolution old while read, and stops after a second unread', () => {
    jest.advanceTimersByTime(5_000); // any timer of an earlier test has stopped
    const first = coarseNow();
    expect(first).toBe(Date.now());
    jest.advanceTimersByTime(COARSE_CLOCK_RESOLUTION_MS - 1);
    expect(coarseNow()).toBe(first); // not refreshed yet
    jest.advanceTimersByTime(1);
    expect(coarseNow()).toBe(Date.now());
    for (let i = 0; i < 50; i++) {
      jest.advanceTimersByTime(7);
      expect(Date.now() - coarseNow()).toBeLessThan(COARSE_CLOCK_RESOLUTION_MS);
    }
    jest.advanceTimersByTime(1_100); // unread for a second: the timer stops
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(60_000);
    expect(coarseNow()).toBe(Date.now()); // the next read starts it again from the real clock
  });
});
