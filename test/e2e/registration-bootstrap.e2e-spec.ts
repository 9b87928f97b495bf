import { describe, expect, it } from '@jest/globals';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { DiscoveryClient, RegistryModule, ServiceRegistry } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import {
  createProvider,
  OrdersFixture,
  providerModule,
  RecordingLogger,
  startProvider,
  testOptions,
  TrackedApps,
  UsersFixture,
  testApp,
  testContext,
} from '../support/apps.js';
import { freePort } from '../../scripts/lib/ports.mjs';
import { useEtcdSuite } from '../support/etcd-suite.js';

const apps = new TrackedApps();
const suite = useEtcdSuite(apps);
const track = <T extends INestApplicationContext>(app: Promise<T>): Promise<T> => apps.track(app);

// Split from registration.e2e-spec.ts: bootstrap errors, silence in steady state, ready().
describe('registration bootstrap and readiness on etcd', () => {
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
