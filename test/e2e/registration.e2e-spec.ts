import { describe, expect, it } from '@jest/globals';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { DiscoveryClient, NoInstancesError, RegistryModule, ServiceRegistry } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import {
  createProvider,
  OrdersFixture,
  portOf,
  providerModule,
  RecordingLogger,
  startConsumer,
  startProvider,
  testOptions,
  TrackedApps,
  UsersFixture,
  testApp,
  testContext,
} from '../support/apps.js';
import { freePort } from '../../scripts/lib/ports.mjs';
import { useEtcdSuite } from '../support/etcd-suite.js';
import { expectWithin } from '../support/bounds.js';

const apps = new TrackedApps();
const suite = useEtcdSuite(apps);
const track = <T extends INestApplicationContext>(app: Promise<T>): Promise<T> => apps.track(app);

async function kvs(prefix = '/rpc/') {
  const response = await suite.client.getAll().prefix(prefix).exec();
  return response.kvs.map((kv) => ({ key: kv.key.toString(), value: kv.value.toString(), lease: kv.lease }));
}

describe('registration on etcd', () => {
  it('writes the documented key and JSON value with the port the server bound (port 0)', async () => {
    const app = await track(startProvider(testOptions(suite.server.url)));
    const port = portOf(app);
    const [entry] = await eventually(async () => {
      const found = await kvs();
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
    await eventually(async () => expect((await kvs('/shop/')).map((e) => e.key)).toEqual([`/shop/user-service:1.0/127.0.0.1:${port}`]));
  });

  it('writes nothing before the HTTP server listens', async () => {
    const app = await track(createProvider(testOptions(suite.server.url)));
    await app.init();
    await new Promise((r) => setTimeout(r, 500)); // a window in which a premature registration would show
    expect(await kvs()).toEqual([]);
    await app.listen(0, '127.0.0.1');
    await eventually(async () => expect(await kvs()).toHaveLength(1));
  });

  it('puts two @RpcService classes of one app on one lease', async () => {
    await track(startProvider(testOptions(suite.server.url), [UsersFixture], [OrdersFixture]));
    const found = await eventually(async () => {
      const entries = await kvs();
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

  it('keeps the keys through several TTLs with one keep-alive per renewal and no new lease', async () => {
    const app = await track(startProvider(testOptions(suite.server.url, { ttl: 2 })));
    const registry = app.get(ServiceRegistry);
    await eventually(() => expect(registry.status().state).toBe('alive'));
    const lease = registry.status().leaseId;
    const renewalsBefore = registry.status().renewals;
    const keepAlivesBefore = await suite.server.counter('grpc_server_started_total', 'grpc_method="LeaseKeepAlive"');
    // Three TTLs and nine renewals (one every ~667 ms), however long a loaded machine takes for them.
    const until = Date.now() + 3 * 2_000;
    const deadline = Date.now() + 30_000;
    while (Date.now() < until || registry.status().renewals - renewalsBefore < 9) {
      expect(await kvs()).toHaveLength(1);
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 250));
    }
    const renewals = registry.status().renewals - renewalsBefore;
    const keepAlives = (await suite.server.counter('grpc_server_started_total', 'grpc_method="LeaseKeepAlive"')) - keepAlivesBefore;
    expect(keepAlives).toBeGreaterThanOrEqual(renewals);
    expect(keepAlives).toBeLessThanOrEqual(renewals + 1); // one in flight at most
    expect(registry.status()).toMatchObject({ leaseId: lease, grants: 1, state: 'alive' });
  });

  it('re-registers within one renewal when the lease is revoked from outside', async () => {
    const app = await track(startProvider(testOptions(suite.server.url, { ttl: 3 })));
    const [before] = await eventually(async () => {
      const entries = await kvs();
      expect(entries).toHaveLength(1);
      return entries;
    });
    await suite.client.leaseClient.leaseRevoke({ ID: before!.lease });
    const revokedAt = Date.now();
    const [after] = await eventually(
      async () => {
        const entries = await kvs();
        expect(entries).toHaveLength(1);
        expect(entries[0]!.lease).not.toBe(before!.lease);
        return entries;
      },
      { timeout: 1_000 + 1_000 },
    );
    expectWithin(
      'registration: lease revoked from outside -> keys back on a new lease (one renewal, TTL 3 s)',
      Date.now() - revokedAt,
      2_000,
    );
    expect(after!.value).toBe(before!.value);
    expect(app.get(ServiceRegistry).status().grants).toBe(2);
  });

  it('puts a key deleted from outside back within 1 s', async () => {
    await track(startProvider(testOptions(suite.server.url, { ttl: 10 })));
    const [before] = await eventually(async () => {
      const entries = await kvs();
      expect(entries).toHaveLength(1);
      return entries;
    });
    await suite.client.delete().key(before!.key);
    const deletedAt = Date.now();
    await eventually(async () => expect(await kvs()).toEqual([before]), { timeout: 1_000 });
    expectWithin('registration: key deleted from outside -> put back', Date.now() - deletedAt, 1_000);
  });

  it('puts back a key deleted from outside in a tight loop for 5 s within 1 s of the loop ending', async () => {
    const app = await track(startProvider(testOptions(suite.server.url, { ttl: 10 })));
    const [before] = await eventually(async () => {
      const entries = await kvs();
      expect(entries).toHaveLength(1);
      return entries;
    });
    const until = Date.now() + 5_000;
    let deletes = 0;
    while (Date.now() < until) {
      await suite.client.delete().key(before!.key);
      deletes++;
    }
    const endedAt = Date.now();
    await eventually(async () => expect(await kvs()).toEqual([before]), { timeout: 1_000, interval: 20 });
    expectWithin('registration: 5 s delete loop ended -> key back', Date.now() - endedAt, 1_000);
    expect(deletes).toBeGreaterThan(100); // the loop really raced the provider's puts
    await eventually(() => expect(app.get(ServiceRegistry).status()).toMatchObject({ state: 'alive', lostRegistrations: [] }));
  });

  it('puts back a key overwritten by someone else', async () => {
    await track(startProvider(testOptions(suite.server.url, { ttl: 10 })));
    const [before] = await eventually(async () => {
      const entries = await kvs();
      expect(entries).toHaveLength(1);
      return entries;
    });
    await suite.client.put(before!.key).value('{"hijacked":true}');
    await eventually(async () => expect(await kvs()).toEqual([before]), { timeout: 1_000 });
  });

  it('removes the keys and revokes the lease before the HTTP server closes', async () => {
    const app = await startProvider(testOptions(suite.server.url, { ttl: 10 }));
    const [entry] = await eventually(async () => {
      const entries = await kvs();
      expect(entries).toHaveLength(1);
      return entries;
    });
    const server = app.getHttpServer();
    const originalClose = server.close.bind(server);
    const seenAtClose: { keys?: number; leaseTtl?: string } = {};
    let closeChecked: Promise<void> = Promise.resolve();
    server.close = ((callback?: (error?: Error) => void) => {
      closeChecked = (async () => {
        seenAtClose.keys = (await kvs()).length;
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
    await eventually(async () => expect((await kvs()).map((e) => JSON.parse(e.value).status)).toEqual(['OUT_OF_SERVICE']));
    expect(registry.registrations()).toEqual([
      expect.objectContaining({ confirmed: true, instance: expect.objectContaining({ status: 'OUT_OF_SERVICE' }) }),
    ]);
    await eventually(() => expect(discovery.getInstancesSync('user-service')).toEqual([]));
    expect(discovery.getInstancesSync('user-service', { includeUnavailable: true })).toHaveLength(1);
    await expect(discovery.choose('user-service')).rejects.toThrow(NoInstancesError);
    await registry.setStatus('user-service', 'UP');
    await eventually(async () => expect((await kvs()).map((e) => JSON.parse(e.value).status)).toEqual(['UP']));
    await eventually(() => expect(discovery.getInstancesSync('user-service')).toHaveLength(1));
  });

  it.each([
    [{ ttl: 1 }, 'Invalid registry option "ttl": got 1, expected a whole number of seconds ≥ 2'],
    [{ ttl: 5, renewInterval: 5 }, 'Invalid registry option "renewInterval": got 5, expected a number of seconds > 0 and below ttl (5)'],
    [{ namespace: 'bad/ns' }, 'Invalid registry option "namespace": got "bad/ns"'],
  ])('fails bootstrap for invalid options %j', async (overrides, message) => {
    await expect(startProvider(testOptions(suite.server.url, overrides))).rejects.toThrow(message);
  });

  it('fails bootstrap, saying what to import, when an app registers services without ScheduleModule', async () => {
    @Module({ imports: [RegistryModule.forRoot(testOptions(suite.server.url))], controllers: [UsersFixture] })
    class NoScheduleModule {}
    const app = await testApp(NoScheduleModule);
    try {
      await expect(app.listen(0, '127.0.0.1')).rejects.toThrow(
        'RegistryModule renews its lease through @nestjs/schedule: import ScheduleModule.forRoot() in your root module.',
      );
    } finally {
      await app.close();
    }
  });

  it('fails bootstrap for an empty etcd host list', async () => {
    const { etcd: etcdBackend } = await import('nest-service-registry/etcd');
    await expect(startProvider({ backend: etcdBackend({ hosts: [] }), host: '127.0.0.1' })).rejects.toThrow(
      'Invalid registry option "backend.hosts": got [], expected a non-empty list of endpoints',
    );
  });

  it('is silent in steady state at every log level: no line per renewal', async () => {
    const logger = new RecordingLogger();
    const app = await track(createProvider(testOptions(suite.server.url), [UsersFixture], [], logger));
    await app.listen(0, '127.0.0.1');
    await eventually(() => expect(app.get(ServiceRegistry).status()).toMatchObject({ state: 'alive', lostRegistrations: [] }));
    const before = logger.lines.length;
    const renewalsBefore = app.get(ServiceRegistry).status().renewals;
    await eventually(() => expect(app.get(ServiceRegistry).status().renewals - renewalsBefore).toBeGreaterThanOrEqual(3), {
      timeout: 15_000,
    });
    expect(logger.lines.slice(before)).toEqual([]);
  });

  it('ready(): an application context (no HTTP server, port option) can choose its own service right after', async () => {
    const module = providerModule(testOptions(suite.server.url, { port: 4100 }), [], [OrdersFixture]);
    const app = await track(testContext(module));
    await app.init();
    await app.get(ServiceRegistry).ready();
    const chosen = await app.get(DiscoveryClient).choose('order-service', { version: '2.0' });
    expect(chosen.servicePort).toBe(4100);
  });

  it('ready() rejects after its timeout naming what is not registered, while the registry is unreachable', async () => {
    const deadPort = await freePort();
    const module = providerModule(testOptions(`http://127.0.0.1:${deadPort}`, { port: 4101 }), [], [OrdersFixture]);
    const app = await track(testContext(module));
    await app.init();
    await expect(app.get(ServiceRegistry).ready(500)).rejects.toThrow(
      /Not registered within 500 ms: \/rpc\/order-service:2\.0\/127\.0\.0\.1:4101/,
    );
  });
});
