import { describe, expect, it } from '@jest/globals';
import { createServiceInstance } from '../model/index.js';
import { OutlierDetector, type OutlierPolicy } from './outlier-detector.js';

const POLICY: OutlierPolicy = { consecutiveFailures: 5, ejectionTime: 1_000, maxEjectionTime: 2_500, maxEjectionPercent: 50 };
const instance = (port: number) => createServiceInstance({ serviceName: 's', serviceHost: 'h', servicePort: port });

function setup(policy: Partial<OutlierPolicy> = {}) {
  let now = 0;
  const detector = new OutlierDetector({ ...POLICY, ...policy }, () => now);
  const fail = (id: string, times: number, instances = 3) => {
    const ejections = [];
    for (let i = 0; i < times; i++) ejections.push(detector.failed(id, instances));
    return ejections.filter((e) => e !== undefined);
  };
  return { detector, fail, advance: (ms: number) => (now += ms) };
}

describe('outlier detection', () => {
  it('ejects after N failures in a row, not before, and a success ends the streak', () => {
    const { detector, fail } = setup();
    expect(fail('a', 4)).toEqual([]);
    detector.succeeded('a');
    expect(fail('a', 4)).toEqual([]);
    expect(detector.has('a')).toBe(false);
    expect(fail('a', 1)).toEqual([{ reason: 'consecutive-failures', count: 1, duration: 1_000 }]);
    expect(detector.has('a')).toBe(true);
  });

  it('returns after the ejection time, reports the return once, and ejects longer the next time (capped)', () => {
    const { detector, fail, advance } = setup();
    fail('a', 5);
    advance(999);
    expect(detector.has('a')).toBe(true);
    advance(1);
    expect(detector.has('a')).toBe(false);
    expect(detector.returns()).toEqual(['a']);
    expect(detector.returns()).toEqual([]);
    expect(fail('a', 5)).toEqual([{ reason: 'consecutive-failures', count: 2, duration: 2_000 }]);
    advance(2_000);
    expect(fail('a', 5)).toEqual([{ reason: 'consecutive-failures', count: 3, duration: 2_500 }]); // maxEjectionTime
  });

  it('forgets past ejections after a sustained success: back for as long as it was last out', () => {
    const { detector, fail, advance } = setup();
    fail('a', 5);
    advance(1_000);
    detector.succeeded('a'); // back for 0 ms: not sustained
    expect(fail('a', 5)[0]!.count).toBe(2);
    advance(2_000 + 1_999);
    detector.succeeded('a');
    expect(fail('a', 5)[0]!.count).toBe(3);
    advance(2_500 + 2_500);
    detector.succeeded('a');
    expect(fail('a', 5)[0]!.count).toBe(1);
  });

  it('ejects at most maxEjectionPercent of the service (at least one) for failing calls', () => {
    const { detector, fail } = setup();
    expect(fail('a', 5)).toHaveLength(1);
    expect(fail('b', 10)).toEqual([]); // 2 of 3 would be 67 % > 50 %
    expect(detector.size).toBe(1);
    const tiny = setup({ maxEjectionPercent: 10 });
    expect(tiny.fail('a', 5, 2)).toHaveLength(1); // 10 % of 2 rounds to 0: still one
  });

  it('ejects at once on a connection failure, beyond the cap', () => {
    const { detector, fail } = setup();
    fail('a', 5);
    expect(detector.connectionFailed('b')).toEqual({ reason: 'connection', count: 1, duration: 1_000 });
    expect(detector.size).toBe(2);
  });

  it('says when the next ejection ends', () => {
    const { detector, fail, advance } = setup();
    expect(detector.nextReturnIn()).toBeUndefined();
    fail('a', 5);
    advance(400);
    detector.connectionFailed('b');
    expect(detector.nextReturnIn()).toBe(600);
    advance(600);
    expect(detector.nextReturnIn()).toBe(1); // due: at least 1 ms, never a spin
    expect(detector.returns()).toEqual(['a']);
    expect(detector.nextReturnIn()).toBe(400);
  });

  it('consecutiveFailures 0 turns failure ejection off', () => {
    const { fail } = setup({ consecutiveFailures: 0 });
    expect(fail('a', 50)).toEqual([]);
  });

  it('filters ejected instances out, never down to nothing, and forgets departed ones', () => {
    const { detector } = setup();
    const [a, b] = [instance(1), instance(2)];
    detector.connectionFailed(a.id);
    expect(detector.filter([a, b])).toEqual([b]);
    detector.connectionFailed(b.id);
    expect(detector.filter([a, b])).toEqual([a, b]);
    detector.retain([b]);
    expect(detector.size).toBe(1);
    expect(detector.returns()).toEqual([]);
  });
});
