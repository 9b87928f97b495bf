import { describe, expect, it } from '@jest/globals';
import { BehaviorSubject, throwError, type Observable } from 'rxjs';
import * as grpc from '@grpc/grpc-js';
import type { DiscoveryClient } from '../discovery/discovery-client.js';
import { createServiceInstance, type ServiceInstance } from '../model/index.js';
import { createRegistryResolver } from './registry-resolver.js';
import { LOCAL_ADDRESSES } from './zone-balancer.js';

const instance = (port: number, zone: string | null = null): ServiceInstance =>
  createServiceInstance({ serviceName: 'user-grpc', serviceHost: '10.0.0.1', servicePort: port, protocol: 'grpc', zone });

/** A DiscoveryClient whose watch() is `source`, recording what it was asked. */
function discoveryOf(source: () => Observable<readonly ServiceInstance[]>) {
  const asked: unknown[] = [];
  const discovery = { watch: (name: string, query: unknown) => (asked.push([name, query]), source()) } as unknown as DiscoveryClient;
  return { discovery, asked };
}

function resolverFor(path: string, discovery: DiscoveryClient, zone: string | null = null) {
  const results: Array<{ ok: boolean; value: unknown; note: string; attributes: unknown }> = [];
  const Resolver = createRegistryResolver(grpc, discovery, zone);
  const listener = (result: grpc.experimental.StatusOr<grpc.experimental.Endpoint[]>, attributes: unknown, _c: unknown, note: string) => {
    results.push({ ok: result.ok, value: result.ok ? result.value : result.error.details, note, attributes });
    return true;
  };
  const resolver = new Resolver({ scheme: 'registry', path }, listener, {});
  return { resolver, results, Resolver };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the registry resolver (grpc-js)', () => {
  it('feeds the UP gRPC instances of the target service as endpoints, live, never synchronously', async () => {
    const instances = new BehaviorSubject<readonly ServiceInstance[]>([instance(1), instance(2)]);
    const { discovery, asked } = discoveryOf(() => instances);
    const { resolver, results } = resolverFor('user-grpc:2.0', discovery);
    resolver.updateResolution();
    expect(asked).toEqual([['user-grpc', { version: '2.0', protocol: 'grpc' }]]);
    expect(results).toEqual([]); // the first snapshot arrived inside updateResolution(): passed on later
    instances.next([instance(2)]);
    instances.next([]);
    await tick();
    expect(results.map((r) => [r.ok, r.value, r.note])).toEqual([
      [true, [{ addresses: [{ host: '10.0.0.1', port: 1 }] }, { addresses: [{ host: '10.0.0.1', port: 2 }] }], ''],
      [true, [{ addresses: [{ host: '10.0.0.1', port: 2 }] }], ''],
      [true, [], 'no UP gRPC instance of user-grpc:2.0 in the registry'],
    ]);
    resolver.updateResolution(); // the latest was just sent: not again within a second (a balancer asks in a loop)
    await tick();
    expect(results).toHaveLength(3);
    resolver.updateResolution();
    resolver.destroy(); // drops what was queued, and every later change
    instances.next([instance(3)]);
    await tick();
    expect(results).toHaveLength(3);
  });

  it('reports a bad target and a failed lookup as UNAVAILABLE, and retries on the next updateResolution()', async () => {
    let fail = true;
    const { discovery, asked } = discoveryOf(() =>
      fail ? throwError(() => new Error('etcd not answering')) : new BehaviorSubject([instance(1)]),
    );
    const { resolver, results } = resolverFor('user-grpc:1.0', discovery);
    resolver.updateResolution();
    await tick();
    expect(results.map((r) => [r.ok, r.value])).toEqual([[false, 'etcd not answering']]);
    fail = false;
    resolver.updateResolution();
    await tick();
    expect(asked).toHaveLength(2);
    expect(results.at(-1)?.ok).toBe(true);

    const bad = resolverFor('not a service', discovery);
    bad.resolver.updateResolution();
    expect(bad.results).toEqual([]);
    await tick();
    expect(bad.results[0]?.value).toContain('"not a service" is not a registry target path');
    expect(bad.Resolver.getDefaultAuthority({ scheme: 'registry', path: 'user-grpc:1.0' })).toBe('user-grpc');
  });

  it("marks the addresses of the consumer's zone for the zone policy, and none without a zone", async () => {
    const instances = new BehaviorSubject<readonly ServiceInstance[]>([instance(1, 'a'), instance(2, 'b'), instance(3, 'a')]);
    const zoned = resolverFor('user-grpc:1.0', discoveryOf(() => instances).discovery, 'a');
    zoned.resolver.updateResolution();
    await tick();
    expect(zoned.results[0]?.attributes).toEqual({ [LOCAL_ADDRESSES]: new Set(['10.0.0.1:1', '10.0.0.1:3']) });
    const plain = resolverFor('user-grpc:1.0', discoveryOf(() => instances).discovery);
    plain.resolver.updateResolution();
    await tick();
    expect(plain.results[0]?.attributes).toEqual({});
  });
});
