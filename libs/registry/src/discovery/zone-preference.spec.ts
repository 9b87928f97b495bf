import { describe, expect, it } from '@jest/globals';
import { createServiceInstance, type ServiceInstance } from '../model/index.js';
import { preferZone } from './zone-preference.js';

const instance = (port: number, zone: string | null): ServiceInstance =>
  createServiceInstance({ serviceName: 's', serviceHost: '127.0.0.1', servicePort: port, zone });
const [a1, a2, a3, b1, c1, none] = [
  instance(1, 'a'),
  instance(2, 'a'),
  instance(3, 'a'),
  instance(4, 'b'),
  instance(5, 'c'),
  instance(6, null),
];
const ports = (list: readonly ServiceInstance[]) => list.map((i) => i.servicePort);

describe('preferZone (Envoy locality rule, two priorities)', () => {
  it('keeps every call in the zone while all its instances are healthy', () => {
    for (const roll of [0, 0.5, 0.999]) expect(ports(preferZone([a1, a2, b1, c1], [a1, a2, b1, c1], 'a', () => roll))).toEqual([1, 2]);
  });

  it('serves a cached list with nothing ejected from one memoised array of the zone', () => {
    const up = Object.freeze([a1, b1, a2, c1]);
    const first = preferZone(up, up, 'a', () => 0.99);
    expect(ports(first)).toEqual([1, 2]);
    expect(preferZone(up, up, 'a', () => 0)).toBe(first);
    expect(preferZone(up, up, 'z', () => 0)).toBe(up); // no instance in the zone: everything spills
  });

  it("spills the share the zone's health cannot carry: 2 of 3 healthy keeps min(1, 1.4 × 2/3) ≈ 93 %, 1 of 3 keeps 47 %", () => {
    const up = [a1, a2, a3, b1, c1];
    expect(ports(preferZone(up, [a1, a2, b1, c1], 'a', () => 0.93))).toEqual([1, 2]);
    expect(ports(preferZone(up, [a1, a2, b1, c1], 'a', () => 0.94))).toEqual([4, 5]);
    expect(ports(preferZone(up, [a1, b1, c1], 'a', () => 0.46))).toEqual([1]);
    expect(ports(preferZone(up, [a1, b1, c1], 'a', () => 0.47))).toEqual([4, 5]);
  });

  it('spills everything when the zone has no candidate, and keeps everything when no other zone has one', () => {
    expect(ports(preferZone([a1, a2, b1, none], [b1, none], 'a', () => 0))).toEqual([4, 6]);
    expect(ports(preferZone([a1, a2, b1], [a1], 'a', () => 0.99))).toEqual([1]);
  });

  it('counts instances without a zone as another zone', () => {
    expect(ports(preferZone([a1, none], [a1, none], 'a', () => 0.5))).toEqual([1]);
    expect(ports(preferZone([none, b1], [none, b1], 'a', () => 0.5))).toEqual([6, 4]);
  });
});
