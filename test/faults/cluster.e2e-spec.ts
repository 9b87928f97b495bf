import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { DiscoveryClient, ServiceRegistry } from 'nest-service-registry';
import { etcd as etcdBackend } from 'nest-service-registry/etcd';
import { eventually } from 'nest-service-registry/testing';
import { createEtcdClient } from '../../libs/registry/src/backends/etcd/etcd-client.factory.js';
import { resolveEtcdOptions } from '../../libs/registry/src/backends/etcd/etcd.options.js';
import { startConsumer, startProvider } from '../support/apps.js';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { EventLedger } from '../support/event-ledger.js';
import { idOf, plainValue, sleep } from './fault-helpers.js';
import { expectWithin } from '../support/bounds.js';

let members: EtcdServer[];

beforeAll(async () => {
  members = await EtcdServer.cluster(3);
});

afterAll(async () => {
  await Promise.all(members.map((m) => m.stop()));
});

describe('a 3-member etcd cluster loses its leader', () => {
  it('loses no registration, the consumer keeps receiving changes, and the write outage is measured', async () => {
    const hosts = members.map((m) => m.url);
    const options = { backend: etcdBackend({ hosts }), host: '127.0.0.1', ttl: 3 };
    const provider: INestApplication = await startProvider(options);
    const consumer: INestApplicationContext = await startConsumer(options);
    const discovery = consumer.get(DiscoveryClient);
    const registry = provider.get(ServiceRegistry);
    await discovery.getInstances('user-service');
    const ledger = new EventLedger(discovery, 'user-service');
    // A writer with the same client guards as the library measures how long writes fail.
    const writer = createEtcdClient(resolveEtcdOptions({ hosts }), 2_000);
    const successes: number[] = [];
    let writing = true;
    const loop = (async () => {
      for (let i = 0; writing; i++) {
        try {
          await writer.put('/probe/writer').value(String(i));
          successes.push(Date.now());
        } catch {
          // counted as outage
        }
        await sleep(20);
      }
    })();
    try {
      await eventually(() => ledger.expectConsistent([idOf(provider)]));
      await sleep(500);
      const leader = (await Promise.all(members.map(async (m) => ((await m.isLeader()) ? m : undefined)))).find(Boolean)!;
      const killedAt = Date.now();
      await leader.kill();
      await writer.put('/rpc/user-service:1.0/127.0.0.1:8001').value(plainValue(8001));
      await eventually(() => expect(discovery.getInstancesSync('user-service')).toHaveLength(2), { timeout: 10_000 });
      const changeSeenAfter = Date.now() - killedAt;
      await sleep(3 * 1_000); // several renewals on the new leader
      writing = false;
      await loop;
      const gaps = successes
        .slice(1)
        .map((t, i) => t - successes[i]!)
        .filter((_, i) => successes[i + 1]! > killedAt - 1_000);
      const outage = Math.max(...gaps);
      console.log(`leader loss: longest write gap ${outage} ms; change seen by the consumer ${changeSeenAfter} ms after the kill`);
      expect(registry.status()).toMatchObject({ grants: 1, lostRegistrations: [] });
      await eventually(() => expect(registry.status()).toMatchObject({ grants: 1, state: 'alive' }), { timeout: 2_000 });
      expect(ledger.problems).toEqual([]);
      expect(ledger.ids()).toEqual([idOf(provider), 'user-service:1.0@127.0.0.1:8001'].sort());
      expectWithin('etcd cluster leader killed: longest gap between successful writes', outage, 10_000);
    } finally {
      writing = false;
      await loop;
      writer.close();
      ledger.close();
      await consumer.close();
      await provider.close();
    }
  });
});
