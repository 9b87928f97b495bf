import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Etcd3 } from 'etcd3';
import { DiscoveryClient } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { portOf, RecordingLogger, startConsumer, startProvider, testOptions, TrackedApps } from '../support/apps.js';

// Issue 11, D4: big foreign values under a service prefix (accepted by an etcd configured for
// them) must not blind consumers or the provider's own-keys watch: they are skipped, one warning each.
let etcd: EtcdServer;
let client: Etcd3;
const apps = new TrackedApps();
const PREFIX = '/rpc/user-service:1.0/';
const big = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes) });

beforeAll(async () => {
  etcd = await EtcdServer.start({ extraArgs: ['--max-request-bytes', String(20 * 1024 * 1024)] });
  client = etcd.client();
});

afterAll(async () => {
  await apps.closeAll();
  client?.close();
  await etcd?.stop();
});

describe('large foreign values under a service prefix', () => {
  it('three of 1.4 MB and one of 17 MB: every read still serves the real instance, the watches keep running', async () => {
    const logger = new RecordingLogger();
    const provider = await apps.track(startProvider(testOptions(etcd.url, { ttl: 3 })));
    const existing = (await apps.track(startConsumer(testOptions(etcd.url), logger))).get(DiscoveryClient);
    await eventually(async () => expect(await existing.getInstances('user-service')).toHaveLength(1));

    for (const host of ['10.9.9.1', '10.9.9.2', '10.9.9.3']) await client.put(`${PREFIX}${host}:80`).value(big(1_400_000));
    await client.put(`${PREFIX}10.9.9.4:80`).value(big(17 * 1024 * 1024));

    const fresh = (await apps.track(startConsumer(testOptions(etcd.url), logger))).get(DiscoveryClient); // one logger: Nest's is process-wide
    expect((await fresh.getInstances('user-service')).map((i) => i.servicePort)).toEqual([portOf(provider)]);
    expect(await fresh.getServices()).toEqual([expect.objectContaining({ serviceName: 'user-service', instances: 4 })]);

    await eventually(() => expect(existing.status()[0]).toMatchObject({ stale: false, connected: true }), { timeout: 10_000 });
    expect(existing.getInstancesSync('user-service').map((i) => i.servicePort)).toEqual([portOf(provider)]);
    // One warning per app that read it (the fresh consumer, the existing one after its watch resynced), none per retry.
    const warned = logger.warnings('10.9.9.4:80');
    expect(warned.length).toBeGreaterThanOrEqual(1);
    expect(warned.length).toBeLessThanOrEqual(2);
    expect(warned).toEqual(warned.map(() => expect.stringContaining('larger than the 16777216 bytes a read accepts')));

    const own = `${PREFIX}127.0.0.1:${portOf(provider)}`;
    await client.delete().key(own);
    await eventually(async () => expect(await client.get(own).string()).not.toBeNull(), { timeout: 5_000 }); // own-keys watch still running
    const added = `${PREFIX}127.0.0.1:4999`;
    await client
      .put(added)
      .value(JSON.stringify({ serviceName: 'user-service', serviceVersion: '1.0', serviceHost: '127.0.0.1', servicePort: 4999 }));
    await eventually(() => expect(existing.getInstancesSync('user-service')).toHaveLength(2), { timeout: 5_000 });
  }, 60_000);
});
