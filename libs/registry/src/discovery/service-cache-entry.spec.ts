import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { MemoryBackend } from '../backends/memory/memory.backend.js';
import { MemoryRegistryStore } from '../backends/memory/memory-registry.store.js';
import { createServiceInstance, encodeInstance, instanceKey, type ServiceInstance } from '../model/index.js';
import type { DiscoveryEvent } from './discovery-event.js';
import type { EntryContext } from './entry-context.js';
import { ServiceCacheEntry } from './service-cache-entry.js';

const instance = (port: number, status: ServiceInstance['status'] = 'UP') =>
  createServiceInstance({ serviceName: 'svc', serviceHost: 'h', servicePort: port, status, registeredAt: 't' });
const keyOf = (port: number) => instanceKey('rpc', instance(port));

function setup(snapshot?: readonly ServiceInstance[]) {
  const store = new MemoryRegistryStore();
  const backend = new MemoryBackend(store);
  const events: DiscoveryEvent[] = [];
  const warnings: string[] = [];
  const context: EntryContext = {
    backend,
    outage: { failed: () => undefined, succeeded: () => undefined },
    retryInitialDelay: 100,
    retryMaxDelay: 1_000,
    outlierPolicy: { consecutiveFailures: 5, ejectionTime: 10_000, maxEjectionTime: 300_000, maxEjectionPercent: 10 },
    namespace: 'rpc',
    emit: (event) => events.push(event),
    changed: () => undefined,
    fromSnapshot: async () => (snapshot ? { savedAt: 'then', instances: snapshot } : undefined),
    debug: () => undefined,
    warn: (message) => warnings.push(message),
  };
  const lease = store.grant(60);
  const put = (port: number, status: ServiceInstance['status'] = 'UP') =>
    store.put(keyOf(port), encodeInstance(instance(port, status)), lease);
  const entry = new ServiceCacheEntry('svc', '1.0', '/rpc/svc:1.0/', context);
  const ports = (list: readonly ServiceInstance[]) => list.map((i) => i.servicePort);
  const changes = () =>
    events
      .filter((e) => e.type !== 'stale' && e.type !== 'resynced')
      .map((e) => `${e.type} ${'instance' in e ? e.instance.servicePort : ''}`);
  return { store, entry, events, warnings, put, ports, changes };
}

describe('ServiceCacheEntry (memory backend, fake timers)', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('loads once for concurrent callers, then follows watch events key by key', async () => {
    const { entry, put, store, ports, changes } = setup();
    put(1);
    put(2, 'DOWN');
    const list = jest.spyOn(MemoryBackend.prototype, 'list');
    await Promise.all([entry.load(), entry.load(), entry.load()]);
    expect(list).toHaveBeenCalledTimes(1);
    list.mockRestore();
    expect([ports(entry.up), ports(entry.all)]).toEqual([[1], [1, 2]]);
    expect(entry.status()).toMatchObject({ phase: 'watching', loaded: true, staleSince: undefined });
    await jest.advanceTimersByTimeAsync(0); // the watch starts a tick after the read
    put(3);
    put(2); // DOWN -> UP
    put(3); // same value again: nothing
    store.delete(keyOf(1));
    await jest.advanceTimersByTimeAsync(0);
    expect(ports(entry.up)).toEqual([2, 3]);
    expect(changes()).toEqual(['added 3', 'updated 2', 'removed 1']);
    await entry.close();
  });

  it('re-lists after a resync signal and emits only the difference', async () => {
    const { entry, put, store, ports, changes, events } = setup();
    put(1);
    put(2);
    await entry.load();
    await jest.advanceTimersByTimeAsync(0);
    store.setAvailable(false);
    store.restart(); // every watch must resync; the re-read fails while unavailable
    await jest.advanceTimersByTimeAsync(10);
    expect(entry.status()).toMatchObject({ phase: 'waiting', loaded: true });
    expect(entry.status().staleSince).toBeInstanceOf(Date);
    expect(ports(entry.up)).toEqual([1, 2]); // stale, not empty
    store.setAvailable(true);
    store.delete(keyOf(1));
    put(3);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(entry.status()).toMatchObject({ phase: 'watching', staleSince: undefined, lastError: undefined });
    expect(ports(entry.up)).toEqual([2, 3]);
    expect(changes()).toEqual(['added 3', 'removed 1']);
    expect(events.map((e) => e.type)).toEqual(['stale', 'added', 'removed', 'resynced']);
    await entry.close();
  });

  it('serves the snapshot, stale, when the first read fails, and catches up once the registry answers', async () => {
    const { entry, store, put, ports, warnings } = setup([instance(7)]);
    store.setAvailable(false);
    await entry.load();
    expect(ports(entry.up)).toEqual([7]);
    expect(entry.status()).toMatchObject({ phase: 'waiting', loaded: true });
    expect(warnings.some((w) => w.includes('from the snapshot of then'))).toBe(true);
    store.setAvailable(true);
    put(8);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(ports(entry.up)).toEqual([8]);
    expect(entry.status().staleSince).toBeUndefined();
    await entry.close();
  });

  it('a failed first read without a snapshot rejects, and the next load tries again', async () => {
    const { entry, store, put, ports } = setup();
    store.setAvailable(false);
    await expect(entry.load()).rejects.toThrow('Cannot read svc:1.0 from memory');
    expect(entry.status()).toMatchObject({ phase: 'idle', loaded: false });
    store.setAvailable(true);
    put(1);
    await entry.load();
    expect(ports(entry.up)).toEqual([1]);
    await entry.close();
  });

  it('closing during the first read leaves nothing running', async () => {
    const { entry, put } = setup();
    put(1);
    const loading = entry.load();
    await entry.close();
    await loading;
    await jest.advanceTimersByTimeAsync(5_000);
    expect(entry.status()).toMatchObject({ phase: 'closed', loaded: false });
    expect(jest.getTimerCount()).toBe(1); // only the store's own lease-expiry tick
  });

  it('a connection failure ejects the instance and triggers one re-read', async () => {
    const { entry, put } = setup();
    put(1);
    await entry.load();
    await jest.advanceTimersByTimeAsync(0);
    const list = jest.spyOn(MemoryBackend.prototype, 'list');
    entry.outcome(entry.up[0]!, 'connection');
    entry.outcome(entry.up[0]!, 'connection');
    await jest.advanceTimersByTimeAsync(0);
    expect(list).toHaveBeenCalledTimes(1);
    expect(entry.outliers.has(entry.up[0]!.id)).toBe(true);
    list.mockRestore();
    await entry.close();
  });
});
