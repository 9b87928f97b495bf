import { afterEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { memory } from '../backends/memory/index.js';
import { MemoryRegistryStore } from '../backends/memory/memory-registry.store.js';
import { createDiscoveryClient } from '../discovery/create-discovery-client.js';
import type { DiscoveryClient } from '../discovery/discovery-client.js';
import { NoInstancesError, RegistryClosedError } from '../errors/registry.error.js';
import { RegistryClientProxy } from './registry-client-proxy.js';
import { resolveClientOptions } from './registry-client.options.js';

describe('RegistryClientProxy (memory backend, no instance running)', () => {
  let discovery: DiscoveryClient | undefined;
  afterEach(() => discovery?.close());

  it('a first load that fails is tried again by the next call', async () => {
    const store = new MemoryRegistryStore();
    discovery = await createDiscoveryClient({ backend: memory({ store }), host: 'h' });
    const proxy = new RegistryClientProxy(discovery, resolveClientOptions({ name: 'X', service: 'svc' }));
    store.setAvailable(false);
    await expect(proxy.connect()).rejects.toThrow(/svc/);
    store.setAvailable(true);
    await expect(proxy.connect()).resolves.toEqual([]);
    // Loaded, no tcp instance: the call fails with NoInstancesError naming the protocol.
    const error = await firstValueFrom(proxy.send('any', {})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoInstancesError);
    expect((error as Error).message).toContain('svc:1.0 over tcp');
    proxy.close();
    await expect(proxy.connect()).rejects.toBeInstanceOf(RegistryClosedError);
  });

  it('once loaded, publishes a call when it is subscribed (no connect() round trip); closed, it fails', async () => {
    discovery = await createDiscoveryClient({ backend: memory({ store: new MemoryRegistryStore() }), host: 'h' });
    const proxy = new RegistryClientProxy(discovery, resolveClientOptions({ name: 'X', service: 'svc' }));
    const before: unknown[] = [];
    proxy.send('any', {}).subscribe({ error: (e: unknown) => before.push(e) });
    expect(before).toEqual([]); // not loaded yet: Nest's send(), after connect()
    await proxy.connect();
    const after: unknown[] = [];
    proxy.send('any', {}).subscribe({ error: (e: unknown) => after.push(e) });
    expect(after[0]).toBeInstanceOf(NoInstancesError); // published at once, in the same turn
    await new Promise((resolve) => setImmediate(resolve));
    expect(before[0]).toBeInstanceOf(NoInstancesError);
    proxy.close();
    await expect(firstValueFrom(proxy.send('any', {}))).rejects.toBeInstanceOf(RegistryClosedError);
  });

  it('validates its options, naming option, value and rule', () => {
    expect(() => resolveClientOptions({ name: 'X', service: 'svc', strategy: 'consistent-hash' })).toThrow(
      /clients\[X\]\.strategy.*consistent-hash/,
    );
    expect(() => resolveClientOptions({ name: 'X', service: 'bad name' })).toThrow(/clients\[X\]\.service/);
    expect(() => resolveClientOptions({ name: 'X', service: 'svc', connectTimeout: 0 })).toThrow(/connectTimeout.*> 0/);
    expect(resolveClientOptions({ name: 'X', service: 'svc', idempotent: [{ cmd: 'get' }] }).idempotent({ cmd: 'get' })).toBe(true);
  });
});
