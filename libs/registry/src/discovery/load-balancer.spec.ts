import { describe, expect, it } from '@jest/globals';
import { createServiceInstance } from '../model/index.js';
import { Backoff } from '../util/backoff.js';
import { newBalancerState, pick } from './load-balancer.js';

const instances = [1, 2, 3].map((n) =>
  createServiceInstance({ serviceName: 's', serviceHost: 'h', servicePort: n, weight: n === 3 ? 0 : 100 }),
);

describe('pick', () => {
  it('round-robins in order and wraps', () => {
    const state = newBalancerState();
    expect([0, 1, 2, 3].map(() => pick(instances, 'round-robin', state).servicePort)).toEqual([1, 2, 3, 1]);
  });

  it('keeps a valid index when the cursor overflows', () => {
    const state = { ...newBalancerState(), cursor: 0x7fffffff };
    expect(instances).toContain(pick(instances, 'round-robin', state));
    expect(state.cursor).toBe(0);
  });

  it('weighted never picks a zero-weight instance while others have weight', () => {
    const state = newBalancerState();
    for (let i = 0; i < 500; i++) expect(pick(instances, 'weighted', state).servicePort).not.toBe(3);
  });

  it('random stays within the list', () => {
    const state = newBalancerState();
    for (let i = 0; i < 100; i++) expect(instances).toContain(pick(instances, 'random', state));
  });
});

describe('consistent-hash', () => {
  const many = Array.from({ length: 5 }, (_, i) => createServiceInstance({ serviceName: 's', serviceHost: 'h', servicePort: 100 + i }));

  it('maps a key to the same instance while the set is unchanged', () => {
    const state = newBalancerState();
    for (const key of ['user-1', 'user-2', 'session-xyz']) {
      const first = pick(many, 'consistent-hash', state, key);
      for (let i = 0; i < 10; i++) expect(pick(many, 'consistent-hash', state, key)).toBe(first);
    }
  });

  it('spreads keys over every instance and moves only the keys of an instance that leaves', () => {
    const state = newBalancerState();
    const keys = Array.from({ length: 2_000 }, (_, i) => `key-${i}`);
    const before = new Map(keys.map((k) => [k, pick(many, 'consistent-hash', state, k).servicePort]));
    const counts = new Map<number, number>();
    for (const port of before.values()) counts.set(port, (counts.get(port) ?? 0) + 1);
    expect(counts.size).toBe(5);
    for (const count of counts.values()) expect(count).toBeGreaterThan(2_000 / 5 / 2); // no instance starved
    const without = Object.freeze(many.filter((i) => i.servicePort !== 102));
    for (const key of keys) {
      const after = pick(without, 'consistent-hash', state, key).servicePort;
      if (before.get(key) !== 102) expect(after).toBe(before.get(key));
      else expect(after).not.toBe(102);
    }
  });
});

describe('Backoff', () => {
  it('doubles up to the cap with jitter between half and all of the step, and resets', () => {
    const low = new Backoff(100, 400, () => 0);
    expect([low.next(), low.next(), low.next(), low.next()]).toEqual([50, 100, 200, 200]);
    low.reset();
    expect(low.next()).toBe(50);
    const high = new Backoff(100, 400, () => 1);
    expect([high.next(), high.next(), high.next()]).toEqual([100, 200, 400]);
  });
});
