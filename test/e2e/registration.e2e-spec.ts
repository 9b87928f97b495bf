import { describe, expect, it } from '@jest/globals';
import { type INestApplicationContext } from '@nestjs/common';
import { DiscoveryClient, NoInstancesError, ServiceRegistry } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import {
  createProvider,
  OrdersFixture,
  portOf,
  startConsumer,
  startProvider,
  testOptions,
  TrackedApps,
  UsersFixture,
} from '../support/apps.js';
import { freePort } from '../../scripts/lib/ports.mjs';
import { useEtcdSuite } from '../support/etcd-suite.js';

const apps = new TrackedApps();
const suite = useEtcdSuite(apps);
const track = <T extends INestApplicationContext>(app: Promise<T>): Promise<T> => apps.track(app);

describe('registration on etcd', () => {
  it('writes the documented key and JSON value with the port the server bound (port 0)', async () => {
    const app = await track(startProvider(testOptions(suite.server.url)));
    const port = portOf(app);
    const [entry] = await eventually(async () => {
      const found = await suite.kvs();
      expect(found).toHaveLength(1);
      return found;
    });
    expect(entry!.key).toBe(`/rpc/user-service:1.0/127.0.0.1:${port}`);
    const value = JSON.parse(entry!.value);
    expect(Object.keys(value)).toEqual([
      'serviceName',
      'serviceVersion',
      'serviceHost',
      'servicePort',
      'serviceGroup',
      'id',
      'protocol',
      'weight',
      'zone',
      'status',
      'metadata',
      'registeredAt',
      'schema',
    ]);
    expect(value).toEqual({
      serviceName: 'user-service',
      serviceVersion: '1.0',
      serviceHost: '127.0.0.1',
      servicePort: port,
      serviceGroup: 'default',
      id: `user-service:1.0@127.0.0.1:${port}`,
      protocol: 'http',
      weight: 100,
      zone: null,
      status: 'UP',
      metadata: {},
      registeredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      schema: 1,
    });
    expect(entry!.lease).not.toBe('0');
  });

  it('uses an explicit listening port and a custom namespace', async () => {
    const port = await freePort();
    const app = await track(createProvider(testOptions(suite.server.url, { namespace: 'shop' })));
    await app.listen(port, '127.0.0.1');
    await eventually(async () =>
      expect((await suite.kvs('/shop/')).map((e) => e.key)).toEqual([`/shop/user-service:1.0/127.0.0.1:${port}`]),
    );
  });

  it('writes nothing before the HTTP server listens', async () => {
    const app = await track(createProvider(testOptions(suite.server.url)));
    await app.init();
    await new Promise((r) => setTimeout(r, 500)); // a window in which a premature registration would show
    expect(await suite.kvs()).toEqual([]);
    await app.listen(0, '127.0.0.1');
    await eventually(async () => expect(await suite.kvs()).toHaveLength(1));
  });

  it('puts two @RpcService classes of one app on one lease', async () => {
    await track(startProvider(testOptions(suite.server.url), [UsersFixture], [OrdersFixture]));
    const found = await eventually(async () => {
      const entries = await suite.kvs();
      expect(entries).toHaveLength(2);
      return entries;
    });
    expect(found.map((e) => e.key).sort()).toEqual([
      expect.stringMatching(/^\/rpc\/order-service:2\.0\/127\.0\.0\.1:\d+$/),
      expect.stringMatching(/^\/rpc\/user-service:1\.0\/127\.0\.0\.1:\d+$/),
    ]);
    expect(new Set(found.map((e) => e.lease)).size).toBe(1);
    expect(JSON.parse(found.find((e) => e.key.includes('order'))!.value).metadata).toEqual({ team: 'orders' });
  });

  it('keeps the keys through several TTLs with one keep-alive per renewal, on one stream, and no new lease', async () => {
    const app = await track(startProvider(testOptions(suite.server.url, { ttl: 2 })));
    const registry = app.get(ServiceRegistry);
    await eventually(() => expect(registry.status().state).toBe('alive'));
    const lease = registry.status().leaseId;
    await eventually(() => expect(registry.status().renewals).toBeGreaterThan(0)); // the first renewal opened the stream
    const renewalsBefore = registry.status().renewals;
    const keepAlive = 'grpc_method="LeaseKeepAlive"';
    const keepAlivesBefore = await suite.server.counter('grpc_server_msg_received_total', keepAlive);
    const streamsBefore = await suite.server.counter('grpc_server_started_total', keepAlive);
    // Three TTLs and nine renewals (one every ~667 ms), however long a loaded machine takes for them.
    const until = Date.now() + 3 * 2_000;
    const deadline = Date.now() + 30_000;
    while (Date.now() < until || registry.status().renewals - renewalsBefore < 9) {
      expect(await suite.kvs()).toHaveLength(1);
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 250));
    }
    const renewals = registry.status().renewals - renewalsBefore;
    const keepAlives = (await suite.server.counter('grpc_server_msg_received_total', keepAlive)) - keepAlivesBefore;
    expect(keepAlives).toBeGreaterThanOrEqual(renewals);
    expect(keepAlives).toBeLessThanOrEqual(renewals + 1); // one in flight at most
    // All on the one stream the backend keeps open (opened by the first renewal, before the window).
    expect((await suite.server.counter('grpc_server_started_total', keepAlive)) - streamsBefore).toBe(0);
    expect(registry.status()).toMatchObject({ leaseId: lease, grants: 1, state: 'alive' });
  });

  it('removes the keys and revokes the lease before the HTTP server closes', async () => {
    const app = await startProvider(testOptions(suite.server.url, { ttl: 10 }));
    const [entry] = await eventually(async () => {
      const entries = await suite.kvs();
      expect(entries).toHaveLength(1);
      return entries;
    });
    const server = app.getHttpServer();
    const originalClose = server.close.bind(server);
    const seenAtClose: { keys?: number; leaseTtl?: string } = {};
    let closeChecked: Promise<void> = Promise.resolve();
    server.close = ((callback?: (error?: Error) => void) => {
      closeChecked = (async () => {
        seenAtClose.keys = (await suite.kvs()).length;
        seenAtClose.leaseTtl = (await suite.client.leaseClient.leaseTimeToLive({ ID: entry!.lease })).TTL;
      })();
      return originalClose(callback);
    }) as typeof server.close;
    await app.close();
    await closeChecked;
    expect(seenAtClose).toEqual({ keys: 0, leaseTtl: '-1' });
  });

  it('drains with setStatus(OUT_OF_SERVICE): the key stays, consumers stop choosing it', async () => {
    const app = await track(startProvider(testOptions(suite.server.url, { ttl: 10 })));
    const registry = app.get(ServiceRegistry);
    const discovery = (await track(startConsumer(testOptions(suite.server.url)))).get(DiscoveryClient);
    await eventually(async () => expect(await discovery.getInstances('user-service')).toHaveLength(1));
    const [drained] = await registry.setStatus('user-service', 'OUT_OF_SERVICE');
    expect(drained!.instance.status).toBe('OUT_OF_SERVICE');
    await eventually(async () => expect((await suite.kvs()).map((e) => JSON.parse(e.value).status)).toEqual(['OUT_OF_SERVICE']));
    expect(registry.registrations()).toEqual([
      expect.objectContaining({ confirmed: true, instance: expect.objectContaining({ status: 'OUT_OF_SERVICE' }) }),
    ]);
    await eventually(() => expect(discovery.getInstancesSync('user-service')).toEqual([]));
    expect(discovery.getInstancesSync('user-service', { includeUnavailable: true })).toHaveLength(1);
    await expect(discovery.choose('user-service')).rejects.toThrow(NoInstancesError);
    await registry.setStatus('user-service', 'UP');
    await eventually(async () => expect((await suite.kvs()).map((e) => JSON.parse(e.value).status)).toEqual(['UP']));
    await eventually(() => expect(discovery.getInstancesSync('user-service')).toHaveLength(1));
  });
});
