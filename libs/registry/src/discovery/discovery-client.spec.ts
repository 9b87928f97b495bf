import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { memory } from '../backends/memory/index.js';
import { MemoryRegistryStore } from '../backends/memory/memory-registry.store.js';
import { createServiceInstance, encodeInstance, instanceKey, type ServiceInstance } from '../model/index.js';
import { createDiscoveryClient } from './create-discovery-client.js';
import type { ChooseOptions } from './discovery.interfaces.js';
import type { DiscoveryClient } from './discovery-client.js';

/** `svc` instances on the memory backend: ports 1 and 2 over http, 3 and 4 over tcp. */
const instance = (port: number, protocol: string) =>
  createServiceInstance({ serviceName: 'svc', serviceHost: 'h', servicePort: port, protocol, registeredAt: 't' });
const ports = (instances: readonly ServiceInstance[]) => instances.map((i) => i.servicePort).sort();

describe('DiscoveryClient: protocol filter and p2c (memory backend)', () => {
  let store: MemoryRegistryStore;
  let discovery: DiscoveryClient;

  beforeEach(async () => {
    store = new MemoryRegistryStore();
    const lease = store.grant(60);
    for (const [port, protocol] of [
      [1, 'http'],
      [2, 'http'],
      [3, 'tcp'],
      [4, 'tcp'],
    ] as const) {
      const value = instance(port, protocol);
      store.put(instanceKey('rpc', value), encodeInstance(value), lease);
    }
    discovery = await createDiscoveryClient({ backend: memory({ store }), host: 'h' });
  });
  afterEach(() => discovery.close());

  it('filters getInstances, getInstancesSync and watch by protocol', async () => {
    expect(ports(await discovery.getInstances('svc', { protocol: 'tcp' }))).toEqual([3, 4]);
    expect(ports(discovery.getInstancesSync('svc', { protocol: 'http' }))).toEqual([1, 2]);
    expect(ports(discovery.getInstancesSync('svc', { protocol: 'grpc' }))).toEqual([]);
    expect(ports(await discovery.getInstances('svc', { protocol: 'tcp', includeUnavailable: true }))).toEqual([3, 4]);
    expect(ports(discovery.getInstancesSync('svc'))).toEqual([1, 2, 3, 4]);
    expect(ports(await firstValueFrom(discovery.watch('svc', { protocol: 'tcp' })))).toEqual([3, 4]);
  });

  it('chooses only instances of the protocol asked for, on the async and the sync path', async () => {
    for (let i = 0; i < 8; i++) {
      expect((await discovery.choose('svc', { protocol: 'tcp' })).protocol).toBe('tcp');
      expect(discovery.chooseSync('svc', { protocol: 'http' }).protocol).toBe('http');
    }
    await expect(discovery.choose('svc', { protocol: 'grpc' })).rejects.toThrow(/svc/);
  });

  it('round-robins over the instances of the protocol asked for, with the strategy named or not', async () => {
    await discovery.preload('svc');
    const picks = (options: ChooseOptions) => Array.from({ length: 4 }, () => discovery.chooseSync('svc', options).servicePort);
    expect(new Set(picks({ protocol: 'tcp' }).slice(0, 2))).toEqual(new Set([3, 4]));
    const [a, b] = picks({ protocol: 'http', strategy: 'round-robin' });
    expect([a, b].sort()).toEqual([1, 2]);
    expect(picks({ protocol: 'http', strategy: 'round-robin' })).toEqual([a, b, a, b]);
  });

  it('p2c avoids the instance whose tracked calls are slow or failing', async () => {
    const [fast, slow] = await discovery.getInstances('svc', { protocol: 'http' });
    discovery.track(slow!).failed(); // counts as a call of at least 1 s
    const fastCall = discovery.track(fast!);
    fastCall.succeeded();
    for (let i = 0; i < 20; i++) expect(discovery.chooseSync('svc', { protocol: 'http', strategy: 'p2c' })).toBe(fast);
  });

  it('p2c spreads calls in flight over the instances', async () => {
    await discovery.preload('svc');
    const inFlight = new Map<number, number>();
    for (let i = 0; i < 40; i++) {
      const chosen = discovery.chooseSync('svc', { protocol: 'tcp', strategy: 'p2c' });
      discovery.track(chosen); // never ends: stays in flight
      inFlight.set(chosen.servicePort, (inFlight.get(chosen.servicePort) ?? 0) + 1);
    }
    expect(inFlight.get(3)).toBe(20);
    expect(inFlight.get(4)).toBe(20);
  });

  it('reportFailure() ejects the instance from choice and emits one "ejected" event', async () => {
    const [first, second] = await discovery.getInstances('svc', { protocol: 'http' });
    const events: string[] = [];
    const subscription = discovery.events$.subscribe((e) => events.push(`${e.type}:${'instance' in e ? e.instance.servicePort : ''}`));
    discovery.reportFailure(first!);
    for (let i = 0; i < 4; i++) expect(discovery.chooseSync('svc', { protocol: 'http' })).toBe(second);
    subscription.unsubscribe();
    expect(events).toEqual([`ejected:${first!.servicePort}`]);
  });

  it('whenLoaded() gives a promise until the service is loaded, then nothing to await; a split always waits for its versions', async () => {
    const loading = discovery.whenLoaded('svc');
    expect(loading).toBeInstanceOf(Promise);
    await loading;
    expect(discovery.whenLoaded('svc')).toBeUndefined();
    expect(discovery.whenLoaded('svc', { version: '2.0' })).toBeInstanceOf(Promise);
    await discovery.whenLoaded('svc', { versions: { '1.0': 1, '2.0': 1 } });
    expect(discovery.getInstancesSync('svc', { version: '2.0' })).toEqual([]);
  });
});
