import { describe, expect, it } from '@jest/globals';
import { createServiceInstance } from '../model/index.js';
import { applyWarmup, warmupFactor } from './warmup.js';

const NOW = Date.parse('2026-12-07T10:00:00.000Z');
const registered = (msAgo: number, port: number) =>
  createServiceInstance({ serviceName: 's', serviceHost: 'h', servicePort: port, registeredAt: new Date(NOW - msAgo).toISOString() });

describe('slow start', () => {
  it('ramps a share from 10 % to full over the warm-up, by registeredAt', () => {
    expect(warmupFactor(new Date(NOW).toISOString(), 60_000, NOW)).toBe(0.1);
    expect(warmupFactor(new Date(NOW - 3_000).toISOString(), 60_000, NOW)).toBe(0.1);
    expect(warmupFactor(new Date(NOW - 30_000).toISOString(), 60_000, NOW)).toBe(0.5);
    expect(warmupFactor(new Date(NOW - 60_000).toISOString(), 60_000, NOW)).toBe(1);
    expect(warmupFactor('', 60_000, NOW)).toBe(1); // a yu-rpc value has no registeredAt: warm
  });

  it('keeps a warming instance for a call with that probability, and warm ones always', () => {
    const [old, fresh] = [registered(120_000, 1), registered(30_000, 2)];
    expect(applyWarmup([old, fresh], 60_000, NOW, () => 0.49).map((i) => i.servicePort)).toEqual([1, 2]);
    expect(applyWarmup([old, fresh], 60_000, NOW, () => 0.5).map((i) => i.servicePort)).toEqual([1]);
    const list = [old, registered(120_000, 3)];
    expect(applyWarmup(list, 60_000, NOW, () => 0.99)).toBe(list); // nobody warming: the same array
  });

  it('leaves out only the warming instances whose roll failed, and sees them warm once their time has come', () => {
    const [old, young, younger] = [registered(120_000, 1), registered(45_000, 2), registered(15_000, 3)];
    const list = Object.freeze([old, young, younger]);
    const rolls =
      (...values: number[]) =>
      () =>
        values.shift()!;
    // factors 0.75 and 0.25
    expect(applyWarmup(list, 60_000, NOW, rolls(0.5, 0.5)).map((i) => i.servicePort)).toEqual([1, 2]);
    expect(applyWarmup(list, 60_000, NOW, rolls(0.8, 0.1)).map((i) => i.servicePort)).toEqual([1, 3]);
    expect(applyWarmup(list, 60_000, NOW, rolls(0.8, 0.8)).map((i) => i.servicePort)).toEqual([1]);
    expect(applyWarmup(list, 60_000, NOW, rolls(0.1, 0.1))).toBe(list);
    // 20 s later `young` is warm: only `younger` (factor 35/60) is rolled for
    expect(applyWarmup(list, 60_000, NOW + 20_000, rolls(0.9)).map((i) => i.servicePort)).toEqual([1, 2]);
  });

  it('starves nobody when every instance is new', () => {
    const all = [registered(0, 1), registered(0, 2)];
    expect(applyWarmup(all, 60_000, NOW, () => 0.99)).toBe(all);
  });
});
