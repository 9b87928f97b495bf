import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { DiscoveryClient, type DiscoveryEvent, type ServiceInstance } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { startConsumer, testOptions } from '../support/apps.js';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { yuRpcValue } from '../support/yu-rpc-value.js';
import { eventuallyWithin } from '../support/bounds.js';

let etcd: EtcdServer;
let consumer: INestApplicationContext;

const ports = (instances: readonly ServiceInstance[]) => instances.map((i) => i.servicePort).sort();

beforeAll(async () => {
  etcd = await EtcdServer.start();
});

afterAll(async () => {
  await consumer?.close();
  await etcd.stop();
});

describe('resync', () => {
  it('re-lists after etcd restarted with an empty data dir: drops the vanished, sees the new, stale meanwhile', async () => {
    consumer = await startConsumer(testOptions(etcd.url));
    const discovery = consumer.get(DiscoveryClient);
    const seed = etcd.client();
    await seed.put('/rpc/user-service:1.0/127.0.0.1:5001').value(yuRpcValue(5001));
    await seed.put('/rpc/user-service:1.0/127.0.0.1:5002').value(yuRpcValue(5002));
    seed.close();
    expect(ports(await discovery.getInstances('user-service'))).toEqual([5001, 5002]);
    const events: DiscoveryEvent[] = [];
    discovery.events$.subscribe((event) => events.push(event));

    await etcd.kill();
    await eventually(() => expect(discovery.status()[0]).toMatchObject({ stale: true }));
    expect(ports(discovery.getInstancesSync('user-service'))).toEqual([5001, 5002]); // stale, not empty

    await etcd.restart({ empty: true });
    const fresh = etcd.client();
    try {
      await fresh.put('/rpc/user-service:1.0/127.0.0.1:5003').value(yuRpcValue(5003));
      await eventually(() => expect(ports(discovery.getInstancesSync('user-service'))).toEqual([5003]), { timeout: 10_000 });
      expect(discovery.status()[0]).toMatchObject({ stale: false });
      const changes = events
        .filter((e) => e.type === 'added' || e.type === 'removed')
        .map((e) => `${e.type}:${'instance' in e ? e.instance.servicePort : ''}`);
      expect(changes.sort()).toEqual(['added:5003', 'removed:5001', 'removed:5002']);
      expect(events.some((e) => e.type === 'stale')).toBe(true);
      expect(events.some((e) => e.type === 'resynced')).toBe(true);

      // After the resync the watch is live again: later changes arrive within 1 s.
      const before = Date.now();
      await fresh.put('/rpc/user-service:1.0/127.0.0.1:5004').value(yuRpcValue(5004));
      await eventuallyWithin(
        'resync: a change after the resync seen',
        1_000,
        () => expect(ports(discovery.getInstancesSync('user-service'))).toEqual([5003, 5004]),
        { since: before },
      );
    } finally {
      fresh.close();
    }
  });
});
