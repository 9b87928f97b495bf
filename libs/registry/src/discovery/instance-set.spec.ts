import { describe, expect, it } from '@jest/globals';
import { createServiceInstance, encodeInstance } from '../model/index.js';
import { InstanceSet, type InstanceChange } from './instance-set.js';

const value = (port: number, extra: Record<string, unknown> = {}) =>
  encodeInstance(createServiceInstance({ serviceName: 's', serviceHost: 'h', servicePort: port, registeredAt: 't', ...extra }));
const key = (port: number) => `/rpc/s:1.0/h:${port}`;
const describeChange = (c: InstanceChange) => `${c.type}:${c.instance.servicePort}`;

function setup() {
  const warnings: string[] = [];
  const changes: string[] = [];
  const set = new InstanceSet({ namespace: 'rpc', serviceName: 's', serviceVersion: '1.0' }, (k, reason) =>
    warnings.push(`${k}: ${reason}`),
  );
  const record = (c: InstanceChange) => changes.push(describeChange(c));
  return { set, warnings, changes, record };
}

describe('InstanceSet', () => {
  it('reports added, updated and removed; an equal value changes nothing', () => {
    const { set, changes, record } = setup();
    expect(set.put(key(1), value(1), record)).toBe(true);
    expect(set.put(key(1), value(1), record)).toBe(false);
    expect(set.put(key(1), value(1, { status: 'DOWN' }), record)).toBe(true);
    expect(set.delete(key(1), record)).toBe(true);
    expect(set.delete(key(1), record)).toBe(false);
    expect(changes).toEqual(['added:1', 'updated:1', 'removed:1']);
  });

  it('treats a reformatted but equal value as unchanged', () => {
    const { set, changes, record } = setup();
    set.put(key(1), value(1), record);
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(value(1))).reverse()));
    expect(set.put(key(1), reordered, record)).toBe(false);
    expect(changes).toEqual(['added:1']);
  });

  it('drops a key whose value turns malformed, warning once per value', () => {
    const { set, warnings, changes, record } = setup();
    set.put(key(1), value(1), record);
    expect(set.put(key(1), 'garbage', record)).toBe(true);
    expect(set.put(key(1), 'garbage', record)).toBe(false);
    expect(set.put(key(1), '{"also":"bad"}', record)).toBe(false);
    expect(changes).toEqual(['added:1', 'removed:1']);
    expect(warnings).toEqual([`${key(1)}: value is not JSON`, `${key(1)}: serviceName is missing`]);
  });

  it('replace() applies only the difference with a full read', () => {
    const { set, changes, record } = setup();
    set.replace([1, 2, 3].map((p) => ({ key: key(p), value: value(p) })));
    expect(changes).toEqual([]); // no callback on the first read in this call
    const changed = set.replace(
      [
        { key: key(2), value: value(2) },
        { key: key(3), value: value(3, { weight: 5 }) },
        { key: key(4), value: value(4) },
      ],
      record,
    );
    expect(changed).toBe(true);
    expect(changes.sort()).toEqual(['added:4', 'removed:1', 'updated:3']);
    expect(
      set.replace(
        [
          { key: key(2), value: value(2) },
          { key: key(3), value: value(3, { weight: 5 }) },
          { key: key(4), value: value(4) },
        ],
        record,
      ),
    ).toBe(false);
  });

  it('commit() publishes frozen views; UP only in `up`; groups are memoised until the next commit', () => {
    const { set } = setup();
    set.put(key(1), value(1));
    set.put(key(2), value(2, { status: 'OUT_OF_SERVICE' }));
    set.put(key(3), value(3, { serviceGroup: 'canary' }));
    expect(set.up).toEqual([]); // nothing published before commit
    set.commit();
    expect(set.all.map((i) => i.servicePort)).toEqual([1, 2, 3]);
    expect(set.up.map((i) => i.servicePort)).toEqual([1, 3]);
    expect(Object.isFrozen(set.up) && Object.isFrozen(set.all)).toBe(true);
    const canary = set.matching('canary', undefined);
    expect(canary.map((i) => i.servicePort)).toEqual([3]);
    expect(set.matching('canary', undefined)).toBe(canary);
    set.delete(key(3));
    set.commit();
    expect(set.matching('canary', undefined)).toEqual([]);
  });

  it('skips a value stored under a key that is not its own, and keys with extra levels or broken bytes, warning once', () => {
    const { set, warnings, changes, record } = setup();
    const victim = '/rpc/s:1.0/4.4.4.4:1';
    expect(set.put(victim, value(443, { serviceHost: 'evil.example' }), record)).toBe(false);
    expect(set.put(victim, value(443, { serviceHost: 'evil.example' }), record)).toBe(false);
    expect(set.put(`/rpc/s:1.0/extra/h:1`, value(1), record)).toBe(false);
    expect(set.put(`/rpc/s:1.0/h\uFFFD:1`, value(1), record)).toBe(false);
    expect(set.put(`/rpc/other:1.0/h:1`, value(1), record)).toBe(false);
    expect(set.put(`/rpc/other:1.0/h:1`, value(1, { serviceName: 'other' }), record)).toBe(false); // its own key, another service
    expect(warnings).toEqual([
      `${victim}: the value is the instance /rpc/s:1.0/evil.example:443, not the one of this key`,
      '/rpc/s:1.0/extra/h:1: the value is the instance /rpc/s:1.0/h:1, not the one of this key',
      '/rpc/s:1.0/h\uFFFD:1: the value is the instance /rpc/s:1.0/h:1, not the one of this key',
      '/rpc/other:1.0/h:1: the value is the instance /rpc/s:1.0/h:1, not the one of this key',
      '/rpc/other:1.0/h:1: the key is not under /rpc/s:1.0/',
    ]);
    expect(set.all).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('a first read keeps the good values and skips malformed, unreadable and foreign ones, warning once each', () => {
    const { set, warnings, changes, record } = setup();
    const entries = [
      { key: key(1), value: value(1) },
      { key: key(2), value: '{not json' },
      { key: key(3), value: '', unreadable: 'too big' },
      { key: key(4), value: value(5) },
      { key: key(6), value: value(6, { status: 'DOWN' }) },
    ];
    expect(set.replace(entries, record)).toBe(true);
    set.commit();
    expect(set.all.map((i) => i.servicePort)).toEqual([1, 6]);
    expect(set.up.map((i) => i.servicePort)).toEqual([1]);
    expect(changes).toEqual(['added:1', 'added:6']);
    expect(warnings).toEqual([
      `${key(2)}: value is not JSON`,
      `${key(3)}: too big`,
      `${key(4)}: the value is the instance /rpc/s:1.0/h:5, not the one of this key`,
    ]);
    expect(set.replace(entries, record)).toBe(false); // the same read again: no change, no new warning
    expect(warnings).toHaveLength(3);
  });
});
