import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DiscoveryClient } from 'nest-service-registry';
import type { WatchEvent } from 'nest-service-registry/backend-kit';
import { etcd as etcdBackend, EtcdBackend } from 'nest-service-registry/etcd';
import { eventually } from 'nest-service-registry/testing';
import { resolveEtcdOptions } from '../../libs/registry/src/backends/etcd/etcd.options.js';
import { startConsumer } from '../support/apps.js';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { EventLedger } from '../support/event-ledger.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { plainValue, storedIds } from './fault-helpers.js';

let etcd: EtcdServer;

beforeAll(async () => {
  etcd = await EtcdServer.start();
});

afterAll(async () => {
  await etcd.stop();
});

describe('compaction', () => {
  it('a watcher whose revision was compacted while it was cut off re-lists and applies the difference', async () => {
    const proxy = await TcpProxy.start(etcd.clientPort);
    const client = etcd.client();
    const consumer = await startConsumer({ backend: etcdBackend({ hosts: proxy.url }), host: '127.0.0.1' });
    const discovery = consumer.get(DiscoveryClient);
    try {
      for (const port of [9001, 9002]) await client.put(`/rpc/user-service:1.0/127.0.0.1:${port}`).value(plainValue(port));
      await discovery.getInstances('user-service');
      const ledger = new EventLedger(discovery, 'user-service');
      proxy.cut();
      await eventually(() => expect(discovery.status()[0]).toMatchObject({ stale: true }), { timeout: 15_000, interval: 100 });
      await client.delete().key('/rpc/user-service:1.0/127.0.0.1:9001');
      await client.put('/rpc/user-service:1.0/127.0.0.1:9003').value(plainValue(9003));
      for (let i = 0; i < 20; i++) await client.put('/other/noise').value(String(i));
      const { header } = await client.getAll().prefix('/other/').exec();
      await client.kv.compact({ revision: header.revision, physical: true });
      proxy.heal();
      await eventually(async () => ledger.expectConsistent(await storedIds(client)), { timeout: 10_000 });
      expect(discovery.status()[0]).toMatchObject({ stale: false });
      ledger.close();
    } finally {
      await consumer.close();
      client.close();
      await proxy.stop();
    }
  });

  it('the etcd backend signals a resync when asked to watch from a compacted revision', async () => {
    const client = etcd.client();
    const backend = new EtcdBackend(resolveEtcdOptions({ hosts: etcd.url }), 2_000);
    try {
      await client.put('/compact/a').value('1');
      const { revision } = await backend.list('/compact/');
      for (let i = 0; i < 5; i++) await client.put('/compact/a').value(String(i + 2));
      const latest = (await client.getAll().prefix('/compact/').exec()).header.revision;
      await client.kv.compact({ revision: latest, physical: true });
      const events: WatchEvent[] = [];
      const reason = await new Promise<string>((resolve) => {
        backend.watch('/compact/', revision, {
          onEvents: (batch) => events.push(...batch),
          onConnectionChange: () => undefined,
          onResync: (why) => resolve(why),
        });
      });
      expect(reason).toContain('compacted');
      expect(events).toEqual([]);
    } finally {
      await backend.close();
      client.close();
    }
  });
});
