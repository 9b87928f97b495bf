import { describe, expect, it } from '@jest/globals';
import { createServiceInstance } from '../model/index.js';
import type { CachedServiceStatus } from '../discovery/discovery.interfaces.js';
import { registrationStatus } from '../registration/registration-state.js';
import { buildSnapshot, describeEvent } from './dashboard-snapshot.js';

const up = createServiceInstance({ serviceName: 'users', serviceHost: '10.0.0.2', servicePort: 80 });
const mine = createServiceInstance({ serviceName: 'users', serviceHost: '10.0.0.1', servicePort: 80, status: 'OUT_OF_SERVICE' });
const cached = (serviceName: string, stale = false): CachedServiceStatus => ({
  serviceName,
  serviceVersion: '1.0',
  instances: 2,
  up: 1,
  stale,
  staleSince: stale ? new Date('2026-12-03T10:00:00Z') : undefined,
  connected: !stale,
  lastError: stale ? 'etcd not answering' : undefined,
  revision: '7',
});

describe('buildSnapshot', () => {
  it('counts healthy/total, marks this process’s instances, sorts services and instances, and reports stale state', () => {
    const snapshot = buildSnapshot({
      now: new Date('2026-12-03T10:00:05Z'),
      namespace: 'rpc',
      backend: { kind: 'etcd', endpoints: ['http://etcd:2379'] },
      readOnly: true,
      cached: [cached('users', true), cached('orders')],
      instancesOf: (s) => (s.serviceName === 'users' ? [up, mine] : []),
      registration: registrationStatus({
        state: 'alive',
        leaseId: '42',
        ttl: 10,
        ttlLeftMs: 8_000,
        lastRenewal: new Date('2026-12-03T10:00:03Z'),
        renewals: 3,
        grants: 1,
        lastError: undefined,
        lastErrorAt: undefined,
        registrations: [{ key: '/rpc/users:1.0/10.0.0.1:80', instance: mine, confirmed: true, heldBy: undefined }],
      }),
      listError: undefined,
      events: [],
      xds: null,
    });
    expect(snapshot.services.map((s) => [s.key, s.up, s.total, s.stale, s.staleSince])).toEqual([
      ['orders:1.0', 0, 0, false, null],
      ['users:1.0', 1, 2, true, '2026-12-03T10:00:00.000Z'],
    ]);
    expect(snapshot.services[1]?.instances.map((i) => [i.serviceHost, i.own])).toEqual([
      ['10.0.0.1', true],
      ['10.0.0.2', false],
    ]);
    expect(snapshot.lease).toEqual({
      state: 'alive',
      id: '42',
      ttl: 10,
      ttlLeftMs: 8_000,
      lastRenewal: '2026-12-03T10:00:03.000Z',
      lastError: null,
    });
    expect(snapshot.registrations).toEqual([
      {
        key: '/rpc/users:1.0/10.0.0.1:80',
        instanceId: mine.id,
        service: 'users:1.0',
        status: 'OUT_OF_SERVICE',
        confirmed: true,
        heldBy: null,
      },
    ]);
  });
});

describe('describeEvent', () => {
  const at = new Date('2026-12-03T10:00:00Z');
  it('names the instance of added/removed/updated events and summarizes the others', () => {
    expect(describeEvent({ type: 'added', serviceName: 'users', serviceVersion: '1.0', instance: up }, at)).toEqual({
      at: '2026-12-03T10:00:00.000Z',
      type: 'added',
      service: 'users:1.0',
      instanceId: up.id,
      detail: 'http UP',
    });
    expect(describeEvent({ type: 'updated', serviceName: 'users', serviceVersion: '1.0', instance: mine, previous: up }, at).detail).toBe(
      'UP → OUT_OF_SERVICE',
    );
    expect(
      describeEvent({ type: 'resynced', serviceName: 'users', serviceVersion: '1.0', reason: 'compacted', instances: [up] }, at),
    ).toMatchObject({
      instanceId: null,
      detail: '1 instances (compacted)',
    });
    expect(describeEvent({ type: 'stale', serviceName: 'users', serviceVersion: '1.0', since: at, error: undefined }, at).detail).toBe(
      'registry unreachable',
    );
  });
});
