import { describe, expect, it } from '@jest/globals';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { firstValueFrom, take, toArray } from 'rxjs';
import { DiscoveryClient, NoInstancesError, ServiceNotLoadedError, type DiscoveryEvent, type ServiceInstance } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { portOf, RecordingLogger, startConsumer, startProvider, testOptions, TrackedApps } from '../support/apps.js';
import { crashToGone } from '../support/provider-process.js';
import { yuRpcValue } from '../support/yu-rpc-value.js';
import { useEtcdSuite } from '../support/etcd-suite.js';
import { expectWithin } from '../support/bounds.js';

const apps = new TrackedApps();
const suite = useEtcdSuite(apps);
const track = <T extends INestApplicationContext>(app: Promise<T>): Promise<T> => apps.track(app);

const ports = (instances: readonly ServiceInstance[]) => instances.map((i) => i.servicePort).sort();

describe('discovery on etcd', () => {
  it('converges for a consumer started before the providers and one started after', async () => {
    const early = (await track(startConsumer(testOptions(suite.server.url)))).get(DiscoveryClient);
    expect(await early.getInstances('user-service')).toEqual([]);
    const providers = [
      await track(startProvider(testOptions(suite.server.url))),
      await track(startProvider(testOptions(suite.server.url))),
    ];
    const expected = providers.map(portOf).sort();
    await eventually(async () => expect(ports(await early.getInstances('user-service'))).toEqual(expected));
    const late = (await track(startConsumer(testOptions(suite.server.url)))).get(DiscoveryClient);
    expect(ports(await late.getInstances('user-service'))).toEqual(expected);

    await (providers[0] as INestApplication).close();
    apps.forget(providers[0]!);
    for (const consumer of [early, late]) {
      await eventually(async () =>
        expect(ports(await consumer.getInstances('user-service'))).toEqual([portOf(providers[1] as INestApplication)]),
      );
    }
  });

  it('never misses a provider when 20 providers and 20 consumers start at once', async () => {
    const started = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const [provider, consumer] = await Promise.all([
          track(startProvider(testOptions(suite.server.url, { ttl: 5 }))),
          track(startConsumer(testOptions(suite.server.url))),
        ]);
        const discovery = consumer.get(DiscoveryClient);
        await discovery.getInstances('user-service');
        return { provider, discovery };
      }),
    );
    const expected = started.map((s) => portOf(s.provider)).sort();
    for (const { discovery } of started) {
      await eventually(() => expect(ports(discovery.getInstancesSync('user-service'))).toEqual(expected), { timeout: 30_000 });
    }
  }, 120_000);

  it('shares one range read among concurrent first reads', async () => {
    const discovery = (await track(startConsumer(testOptions(suite.server.url)))).get(DiscoveryClient);
    await suite.client.put('/rpc/user-service:1.0/127.0.0.1:1501').value(yuRpcValue(1501));
    const rangesBefore = await suite.server.counter('grpc_server_handled_total', 'grpc_method="Range"');
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => discovery.getInstances('user-service')),
      discovery.choose('user-service'),
    ]);
    expect(results.slice(0, 10).every((r) => r === results[0])).toBe(true); // the same frozen array
    expect(Object.isFrozen(results[0])).toBe(true);
    expect(await suite.server.counter('grpc_server_handled_total', 'grpc_method="Range"')).toBe(rangesBefore + 1);
  });

  it('applies each change incrementally: no re-read, unchanged values emit nothing', async () => {
    const discovery = (await track(startConsumer(testOptions(suite.server.url)))).get(DiscoveryClient);
    await suite.client.put('/rpc/user-service:1.0/127.0.0.1:1001').value(yuRpcValue(1001));
    expect(ports(await discovery.getInstances('user-service'))).toEqual([1001]);
    const events: DiscoveryEvent[] = [];
    discovery.events$.subscribe((event) => events.push(event));
    const rangesBefore = await suite.server.counter('grpc_server_handled_total', 'grpc_method="Range"');

    await suite.client.put('/rpc/user-service:1.0/127.0.0.1:1002').value(yuRpcValue(1002));
    await suite.client.put('/rpc/user-service:1.0/127.0.0.1:1001').value(yuRpcValue(1001)); // unchanged
    await suite.client
      .put('/rpc/user-service:1.0/127.0.0.1:1002')
      .value(JSON.stringify({ ...JSON.parse(yuRpcValue(1002)), status: 'OUT_OF_SERVICE' }));
    await suite.client.delete().key('/rpc/user-service:1.0/127.0.0.1:1001');
    await suite.client.put('/rpc/user-service-x:1.0/127.0.0.1:1003').value(yuRpcValue(1003)); // other service: not ours

    await eventually(() =>
      expect(events.map((e) => `${e.type}:${'instance' in e ? e.instance.servicePort : ''}`)).toEqual([
        'added:1002',
        'updated:1002',
        'removed:1001',
      ]),
    );
    expect(discovery.getInstancesSync('user-service')).toEqual([]);
    expect(ports(discovery.getInstancesSync('user-service', { includeUnavailable: true }))).toEqual([1002]);
    expect(await suite.server.counter('grpc_server_handled_total', 'grpc_method="Range"')).toBe(rangesBefore);
  });

  it('discovers a yu-rpc-only value with defaults and skips a garbage value with one warning', async () => {
    const logger = new RecordingLogger();
    const discovery = (await track(startConsumer(testOptions(suite.server.url), logger))).get(DiscoveryClient);
    await suite.client.put('/rpc/user-service:1.0/127.0.0.1:2001').value(yuRpcValue(2001));
    await suite.client.put('/rpc/user-service:1.0/127.0.0.1:2002').value('not json at all');
    const [instance] = await discovery.getInstances('user-service');
    expect(await discovery.getInstances('user-service')).toHaveLength(1);
    expect(instance).toEqual({
      serviceName: 'user-service',
      serviceVersion: '1.0',
      serviceHost: '127.0.0.1',
      servicePort: 2001,
      serviceGroup: 'default',
      id: 'user-service:1.0@127.0.0.1:2001',
      protocol: 'http',
      weight: 100,
      zone: null,
      status: 'UP',
      metadata: {},
      registeredAt: '',
      schema: 1,
      ephemeral: true, // not in the value: the defaults of an instance that is not permanent
      check: null,
    });
    expect(logger.warnings('/rpc/user-service:1.0/127.0.0.1:2002')).toEqual([
      'Skipping malformed registry value at /rpc/user-service:1.0/127.0.0.1:2002: value is not JSON',
    ]);
    await suite.client.put('/rpc/user-service:1.0/127.0.0.1:2003').value(yuRpcValue(2003));
    await suite.client.put('/rpc/user-service:1.0/127.0.0.1:2002').value('{"serviceName":"user-service"}');
    await eventually(() => expect(ports(discovery.getInstancesSync('user-service'))).toEqual([2001, 2003]));
    await eventually(() => expect(logger.warnings('127.0.0.1:2002')).toHaveLength(2));
  });

  it('chooses round-robin, throws NoInstancesError naming the service, and refuses sync reads before a load', async () => {
    const discovery = (await track(startConsumer(testOptions(suite.server.url)))).get(DiscoveryClient);
    expect(() => discovery.chooseSync('user-service')).toThrow(ServiceNotLoadedError);
    await expect(discovery.choose('user-service', { version: '9.9' })).rejects.toThrow(
      new NoInstancesError(
        'No available instance of user-service:9.9. Check that a provider registered it (and is UP).',
        'user-service',
        '9.9',
      ),
    );
    for (const port of [3001, 3002, 3003]) await suite.client.put(`/rpc/user-service:1.0/127.0.0.1:${port}`).value(yuRpcValue(port));
    await eventually(async () => expect(await discovery.getInstances('user-service')).toHaveLength(3));
    const picks = Array.from({ length: 6 }, () => discovery.chooseSync('user-service').servicePort);
    expect(picks.slice(0, 3).sort()).toEqual([3001, 3002, 3003]);
    expect(picks.slice(3)).toEqual(picks.slice(0, 3));
    const sticky = discovery.chooseSync('user-service', { strategy: 'consistent-hash', key: 'user-42' });
    for (let i = 0; i < 5; i++) expect(discovery.chooseSync('user-service', { strategy: 'consistent-hash', key: 'user-42' })).toBe(sticky);
    expect(() => discovery.chooseSync('user-service', { strategy: 'consistent-hash' })).toThrow(
      `choose("user-service", { strategy: 'consistent-hash' }) needs a "key" (a string to hash).`,
    );
  });

  it('watch() emits the current snapshot then one per change; getServices() lists the namespace', async () => {
    const discovery = (await track(startConsumer(testOptions(suite.server.url)))).get(DiscoveryClient);
    await suite.client.put('/rpc/user-service:1.0/127.0.0.1:4001').value(yuRpcValue(4001));
    const snapshots = firstValueFrom(discovery.watch('user-service').pipe(take(3), toArray()));
    await eventually(async () => expect(await discovery.getInstances('user-service')).toHaveLength(1));
    await suite.client.put('/rpc/user-service:1.0/127.0.0.1:4002').value(yuRpcValue(4002));
    await eventually(() => expect(discovery.getInstancesSync('user-service')).toHaveLength(2));
    await suite.client.delete().key('/rpc/user-service:1.0/127.0.0.1:4001');
    expect((await snapshots).map(ports)).toEqual([[4001], [4001, 4002], [4002]]);
    expect(await discovery.getServices()).toEqual([{ serviceName: 'user-service', serviceVersion: '1.0', instances: 1 }]);
  });

  it('sees a SIGKILLed provider process disappear within TTL + 1.5 s', async () => {
    const discovery = (await track(startConsumer(testOptions(suite.server.url)))).get(DiscoveryClient);
    const took = await crashToGone(discovery, { ETCD_HOSTS: suite.server.url, REGISTRY_TTL_SECONDS: '2' });
    // Beyond the TTL: etcd's expiry tick (0.5 s) and the watch; measured up to 0.37 s on CI, so 1.5 s is the 3× bound.
    expectWithin('etcd: SIGKILLed provider gone from a consumer, beyond its TTL of 2 s', took - 2_000, 1_500);
  });
});
