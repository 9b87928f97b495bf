import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { MemoryBackend } from '../backends/memory/memory.backend.js';
import { MemoryRegistryStore } from '../backends/memory/memory-registry.store.js';
import type { RegistryLease } from '../backends/registry-backend.js';
import { memory } from '../backends/memory/index.js';
import { createServiceInstance, encodeInstance, instanceKey } from '../model/index.js';
import { resolveRegistryOptions } from '../options/resolve-options.js';
import { RegistryOutage } from '../registry-outage.js';
import { RegistrationKeeper } from './registration-keeper.js';
import { RegistryMetrics } from '../metrics/registry-metrics.js';
import { RenewalJobs } from './renewal-jobs.js';

const TTL = 3; // renewal every 1 s
const instance = (port: number) => createServiceInstance({ serviceName: 'svc', serviceHost: 'h', servicePort: port, registeredAt: 't' });
const keyOf = (port: number) => instanceKey('rpc', instance(port));

/** A memory backend whose lease puts can be held back after they were applied (a reply in flight). */
class GatedBackend extends MemoryBackend {
  gate: Promise<void> | undefined;
  override async grantLease(ttl: number): Promise<RegistryLease> {
    const lease = await super.grantLease(ttl);
    return {
      ...lease,
      put: async (key, value) => {
        await lease.put(key, value);
        await this.gate;
      },
    };
  }
}

function setup() {
  const store = new MemoryRegistryStore();
  const backend = new GatedBackend(store);
  const options = resolveRegistryOptions({ backend: memory({ store }), host: 'h', ttl: TTL, retryInitialDelay: 100 });
  const scheduler = new SchedulerRegistry();
  const keeper = new RegistrationKeeper(backend, options, new RenewalJobs(scheduler), new RegistryOutage(backend), new RegistryMetrics());
  const stored = () => store.list('/rpc/').entries.map((e) => ({ key: e.key, lease: e.lease }));
  return { store, backend, keeper, scheduler, stored };
}

describe('RegistrationKeeper (memory backend, fake timers)', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    Logger.overrideLogger(false);
  });
  afterEach(() => {
    jest.useRealTimers();
    Logger.overrideLogger(['log', 'error', 'warn']);
  });

  it('puts every key on one lease and renews it every TTL/3 with one keep-alive', async () => {
    const { keeper, stored } = setup();
    await keeper.put(keyOf(1), instance(1));
    await keeper.put(keyOf(2), instance(2));
    const lease = keeper.leaseId!;
    expect(stored()).toEqual([
      { key: keyOf(1), lease },
      { key: keyOf(2), lease },
    ]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(keeper.status()).toMatchObject({ state: 'alive', leaseId: lease, grants: 1, renewals: 10, lostRegistrations: [] });
    await keeper.close();
  });

  it('prepare() grants and renews the lease before any key, and the first put reuses it', async () => {
    const { keeper, stored } = setup();
    keeper.prepare();
    await jest.advanceTimersByTimeAsync(0);
    const lease = keeper.leaseId!;
    expect(lease).toBeDefined();
    expect(stored()).toEqual([]); // nothing visible: no key hangs off the lease yet
    await jest.advanceTimersByTimeAsync(5_000); // renewed meanwhile: it would have expired after 3 s
    expect(keeper.status()).toMatchObject({ state: 'idle', leaseId: lease, grants: 1, renewals: 5 });
    await keeper.put(keyOf(1), instance(1));
    expect(stored()).toEqual([{ key: keyOf(1), lease }]);
    expect(keeper.status()).toMatchObject({ state: 'alive', grants: 1 });
    await keeper.close();
    expect(keeper.leaseId).toBeUndefined();
  });

  it('replaces a lost lease and re-puts every key on the new one', async () => {
    const { keeper, store, stored } = setup();
    await keeper.put(keyOf(1), instance(1));
    await keeper.put(keyOf(2), instance(2));
    const first = keeper.leaseId!;
    store.revoke(first); // revoked from outside: both keys vanish
    expect(stored()).toEqual([]);
    await jest.advanceTimersByTimeAsync(1_000); // one renewal
    const second = keeper.leaseId!;
    expect(second).not.toBe(first);
    expect(stored()).toEqual([
      { key: keyOf(1), lease: second },
      { key: keyOf(2), lease: second },
    ]);
    expect(keeper.status()).toMatchObject({ state: 'alive', grants: 2, lostRegistrations: [] });
    await keeper.close();
  });

  it('retries with backoff while the backend is down, never gives up, and heals when it returns', async () => {
    const { keeper, store, stored } = setup();
    await keeper.put(keyOf(1), instance(1));
    const ping = jest.spyOn(MemoryBackend.prototype, 'ping');
    store.setAvailable(false);
    await jest.advanceTimersByTimeAsync(60_000); // the lease expires meanwhile
    expect(keeper.status()).toMatchObject({ state: 'degraded', lostRegistrations: [] });
    expect(keeper.status().lastError).toContain('unavailable');
    const attempts = ping.mock.calls.length;
    expect(attempts).toBeGreaterThan(20); // still trying after a minute...
    expect(attempts).toBeLessThan(200); // ...but backing off (capped at the 1 s renewal interval), not spinning
    store.setAvailable(true);
    await jest.advanceTimersByTimeAsync(1_100);
    expect(stored()).toEqual([{ key: keyOf(1), lease: keeper.leaseId }]);
    expect(keeper.status()).toMatchObject({ state: 'alive', grants: 2, lostRegistrations: [] });
    ping.mockRestore();
    await keeper.close();
  });

  it('deregistering while the put is in flight returns an unconfirmed registration and leaves nothing behind', async () => {
    const { keeper, backend, stored } = setup();
    let open!: () => void;
    backend.gate = new Promise((resolve) => (open = resolve));
    const put = keeper.put(keyOf(1), instance(1));
    await jest.advanceTimersByTimeAsync(0);
    const removed = keeper.remove(keyOf(1));
    open();
    backend.gate = undefined;
    await expect(put).resolves.toEqual({ key: keyOf(1), instance: instance(1), confirmed: false });
    await removed;
    expect(stored()).toEqual([]);
    expect(keeper.registrations()).toEqual([]);
    await keeper.close();
  });

  it('puts back a key deleted from outside while its own put was in flight (a confirmation does not erase the repair)', async () => {
    const { keeper, backend, store, stored } = setup();
    let open!: () => void;
    backend.gate = new Promise((resolve) => (open = resolve));
    const put = keeper.put(keyOf(1), instance(1));
    await jest.advanceTimersByTimeAsync(0); // the put reached the store; its reply is held back
    store.delete(keyOf(1)); // deleted from outside...
    keeper.repair(keyOf(1), 'deleted'); // ...and the own-keys watch reports it
    backend.gate = undefined;
    open();
    await put;
    await jest.advanceTimersByTimeAsync(0);
    expect(stored()).toEqual([{ key: keyOf(1), lease: keeper.leaseId }]);
    expect(keeper.status().lostRegistrations).toEqual([]);
    await keeper.close();
  });

  it('one key the backend refuses does not keep the others out; it is retried on its own', async () => {
    const { keeper, store, stored } = setup();
    const put = jest.spyOn(store, 'put');
    put.mockImplementation(function (this: MemoryRegistryStore, key, value, lease) {
      if (key === keyOf(1)) throw new Error('value too large');
      return MemoryRegistryStore.prototype.put.call(this, key, value, lease);
    });
    await keeper.put(keyOf(1), instance(1));
    await keeper.put(keyOf(2), instance(2));
    expect(stored().map((e) => e.key)).toEqual([keyOf(2)]);
    expect(keeper.status()).toMatchObject({ state: 'degraded', lostRegistrations: [], pendingRegistrations: [keyOf(1)] });
    expect(keeper.status().lastError).toContain(`writing ${keyOf(1)} failed: value too large`);
    put.mockRestore();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(stored().map((e) => e.key)).toEqual([keyOf(1), keyOf(2)]);
    expect(keeper.status()).toMatchObject({ state: 'alive', lostRegistrations: [] });
    await keeper.close();
  });

  it('close() of a process whose keys the registry never held reports and logs none', async () => {
    const { keeper, backend } = setup();
    jest.spyOn(backend, 'grantLease').mockRejectedValue(new Error('connect ECONNREFUSED'));
    const log = jest.spyOn(Logger.prototype, 'log');
    void keeper.put(keyOf(1), instance(1)).catch(() => undefined);
    await jest.advanceTimersByTimeAsync(500);
    expect(keeper.registrations()).toMatchObject([{ confirmed: false }]);
    expect(await keeper.close()).toBe(0);
    expect(log.mock.calls.filter(([message]) => String(message).startsWith('Deregistered'))).toEqual([]);
  });

  it('close() revokes the lease, stops its jobs and refuses new registrations', async () => {
    const { keeper, scheduler, stored } = setup();
    await keeper.put(keyOf(1), instance(1));
    expect(scheduler.getIntervals()).toEqual(['registry:lease-renewal']);
    expect(await keeper.close()).toBe(1);
    expect(stored()).toEqual([]);
    expect(scheduler.getIntervals()).toEqual([]);
    await expect(keeper.put(keyOf(2), instance(2))).rejects.toThrow('the registry is closed');
    expect(encodeInstance(instance(1))).toContain('"servicePort":1'); // the value written was the encoded instance
  });
});
