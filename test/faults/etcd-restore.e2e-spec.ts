import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Etcd3 } from 'etcd3';
import type { INestApplicationContext } from '@nestjs/common';
import { DiscoveryClient } from 'nest-service-registry';
import { createServiceInstance, encodeInstance } from 'nest-service-registry/backend-kit';
import { etcd } from 'nest-service-registry/etcd';
import { eventually } from 'nest-service-registry/testing';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { startConsumer } from '../support/apps.js';
import { eventuallyWithin } from '../support/bounds.js';

// Issue 29, item 3: etcd restored from a snapshot (etcdctl snapshot save / restore, same name, peer
// URL and token: the same cluster id, an older revision, the snapshot's leases with a fresh TTL).
// Demo providers (TTL 2 s) and an in-process consumer live through it.
const TTL = 2;
let server: EtcdServer;
let client: Etcd3;
let consumer: INestApplicationContext;
const providers: DemoProvider[] = [];
const dir = mkdtempSync(join(tmpdir(), 'nsr-etcd-snapshot-'));

const provider = async (): Promise<DemoProvider> => {
  const started = await DemoProvider.start(server.url, TTL);
  providers.push(started);
  return started;
};

beforeAll(async () => {
  server = await EtcdServer.start();
  client = server.client();
  consumer = await startConsumer({ backend: etcd({ hosts: server.url }), host: '127.0.0.1', ttl: TTL });
}, 60_000);

afterAll(async () => {
  await consumer?.close();
  client?.close();
  for (const p of providers) await p.stop('SIGKILL');
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const PREFIX = '/rpc/user-service:1.0/';
const seen = async () =>
  (await consumer.get(DiscoveryClient).getInstances('user-service')).map((i) => `${i.serviceHost}:${i.servicePort}`).sort();
const inEtcd = async () =>
  Object.keys(await client.getAll().prefix(PREFIX).strings())
    .map((k) => k.slice(PREFIX.length))
    .sort();
const revision = async () => Number((await client.getAll().prefix('/').exec()).header.revision);

describe('etcd restored from a snapshot', () => {
  it('live providers are back within one renewal, the consumer converges, and a change below its last revision is seen', async () => {
    const [a, b] = [await provider(), await provider()];
    await eventually(async () => expect(await seen()).toEqual([a.httpAddress, b.httpAddress].sort()), { timeout: 10_000 });
    const snapshot = join(dir, 'snapshot.db');
    await server.snapshot(snapshot);
    const snapshotRevision = await revision();

    // After the snapshot: 100 more writes, two more providers, one stopped (deregistered).
    for (let i = 0; i < 100; i++) await client.put(`/unrelated/${i}`).value('x');
    const [c, d] = [await provider(), await provider()];
    await a.stop('SIGTERM');
    const live = [b, c, d].map((p) => p.httpAddress).sort();
    await eventually(async () => expect(await seen()).toEqual(live), { timeout: 10_000 });
    const passed = await revision(); // the consumer has seen every change up to here

    await server.restoreFrom(snapshot);
    const restored = Date.now();
    expect(await revision()).toBeLessThan(passed); // the store went back in time

    // Every live provider's key is back within one renewal (TTL / 3; bound 3 × that).
    await eventuallyWithin(
      'etcd restore: live providers back in etcd',
      TTL * 1_000,
      async () => expect(await inEtcd()).toEqual(expect.arrayContaining(live)),
      {
        since: restored,
      },
    );
    // The consumer's view equals etcd's (which may still hold the stopped provider's key from the
    // snapshot, on a lease with a fresh TTL, until that TTL runs out).
    await eventuallyWithin('etcd restore: consumer view equals etcd', 2_000, async () => expect(await seen()).toEqual(await inEtcd()), {
      since: restored,
    });
    await eventually(async () => expect(await seen()).toEqual(live), { timeout: TTL * 1_000 + 3_000 });

    // A change at a revision the consumer had already passed before the restore: a watch that
    // resumed from its last revision instead of re-listing would never deliver it.
    const late = createServiceInstance({ serviceName: 'user-service', serviceHost: '127.0.0.1', servicePort: 9 });
    await client.put(`${PREFIX}127.0.0.1:9`).value(encodeInstance(late));
    const changedAt = Date.now();
    expect(await revision()).toBeLessThan(passed);
    await eventuallyWithin(
      'etcd restore: a change below the passed revision seen',
      2_000,
      async () => expect(await seen()).toContain('127.0.0.1:9'),
      {
        since: changedAt,
      },
    );
    console.log(
      `etcd restore: snapshot at revision ${snapshotRevision}, consumer had passed ${passed}, restored store at ${await revision()}`,
    );
  }, 90_000);
});
