import { describe, expect, it } from '@jest/globals';
import { createServiceInstance } from '../model/index.js';
import { EWMA_DECAY_MS, FAILURE_PENALTY_MS, LoadTracker } from './load-tracker.js';

const instance = (port: number) => createServiceInstance({ serviceName: 'svc', serviceHost: 'h', servicePort: port, registeredAt: 't' });
const [a, b, c] = [instance(1), instance(2), instance(3)];

function setup() {
  let now = 0;
  const tracker = new LoadTracker(() => now);
  const advance = (ms: number) => (now += ms);
  /** One call to `target` that takes `ms` and ends as `outcome`. */
  const call = (target = a, ms = 5, outcome: 'succeeded' | 'failed' = 'succeeded') => {
    const tracked = tracker.start(target);
    advance(ms);
    tracked[outcome]();
  };
  return { tracker, advance, call };
}

/** A deterministic stand-in for Math.random (a small LCG). */
function seeded(seed = 42): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

describe('LoadTracker (p2c over in-flight calls and peak-EWMA latency)', () => {
  it('counts calls in flight, and each call ends once', () => {
    const { tracker } = setup();
    const first = tracker.start(a);
    tracker.start(a);
    expect(tracker.inflight(a)).toBe(2);
    first.succeeded();
    first.failed(); // already ended: ignored
    expect(tracker.inflight(a)).toBe(1);
  });

  it('takes a slower observation at once (peak) and lets faster ones pull it down over time', () => {
    const { tracker, advance, call } = setup();
    call(a, 5);
    expect(tracker.cost(a)).toBeCloseTo(6, 5); // (5 + 1) × 1
    call(a, 50);
    expect(tracker.cost(a)).toBeCloseTo(51, 5);
    advance(EWMA_DECAY_MS); // one time constant later, a fast answer weighs 1 - 1/e
    call(a, 5);
    expect(tracker.cost(a)).toBeGreaterThan(6);
    expect(tracker.cost(a)).toBeLessThan(25);
  });

  it('lets an idle estimate fade, so a slow instance is tried again later', () => {
    const { tracker, advance, call } = setup();
    call(a, 100);
    advance(5 * EWMA_DECAY_MS);
    expect(tracker.cost(a)).toBeLessThan(2);
  });

  it('counts a failure as a call at least FAILURE_PENALTY_MS long', () => {
    const { tracker, call } = setup();
    call(a, 2, 'failed');
    expect(tracker.cost(a)).toBeCloseTo(FAILURE_PENALTY_MS + 1, 0);
  });

  it('multiplies the estimate by the calls in flight + 1', () => {
    const { tracker, call } = setup();
    call(a, 9);
    tracker.start(a);
    tracker.start(a);
    expect(tracker.cost(a)).toBeCloseTo(30, 5); // (9 + 1) × 3
  });

  it('picks the cheaper of two distinct instances; a single instance is always picked', () => {
    const { tracker, call } = setup();
    expect(tracker.pickTwo([a])).toBe(a);
    call(a, 50);
    call(b, 5);
    // Any two distinct picks of [a, b] compare a with b.
    for (let i = 0; i < 20; i++) expect(tracker.pickTwo([a, b], seeded(i))).toBe(b);
  });

  it('sends measurably fewer calls to an instance that answers 20 ms slower', () => {
    const { tracker, call } = setup();
    const random = seeded();
    const latency = new Map([
      [a.id, 5],
      [b.id, 5],
      [c.id, 25],
    ]);
    const counts = new Map<string, number>();
    for (let i = 0; i < 3_000; i++) {
      const chosen = tracker.pickTwo([a, b, c], random);
      counts.set(chosen.id, (counts.get(chosen.id) ?? 0) + 1);
      call(chosen, latency.get(chosen.id));
    }
    const slow = counts.get(c.id) ?? 0;
    expect(slow).toBeGreaterThan(0); // still probed as its estimate fades
    expect(slow).toBeLessThan(3_000 / 3 / 4); // far below its round-robin share
  });

  it('spreads calls in flight across idle instances', () => {
    const { tracker } = setup();
    const random = seeded(7);
    for (let i = 0; i < 30; i++) tracker.start(tracker.pickTwo([a, b, c], random)); // none ends
    for (const target of [a, b, c]) expect(tracker.inflight(target)).toBeGreaterThanOrEqual(6);
  });

  it('forgets departed idle instances, keeps busy ones', () => {
    const { tracker, call } = setup();
    call(a, 5);
    tracker.start(b);
    tracker.retain([c]);
    expect(tracker.cost(a)).toBe(1); // unknown again
    expect(tracker.inflight(b)).toBe(1);
  });
});
