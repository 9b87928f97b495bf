import type { MemoryRegistryStore } from '../backends/memory/memory-registry.store.js';
import {
  createServiceInstance,
  decodeInstance,
  encodeInstance,
  instanceKey,
  type InstanceAddress,
  type InstanceStatus,
  type ServiceInstance,
  type ServiceInstanceInit,
} from '../model/index.js';

/** What {@link TestRegistry.add} takes: an instance's fields; `serviceHost` defaults to `127.0.0.1`. @publicApi */
export type TestInstanceInit = Omit<ServiceInstanceInit, 'serviceHost'> & { serviceHost?: string };

/**
 * The registry of a test built with `RegistryTestingModule`: list, change and remove instances of
 * the services your app calls, and every `DiscoveryClient` and call-path client of the test app
 * sees the change at once (the memory backend, through its watch). Instances are stored without a
 * lease: they stay until removed. Point them at in-process servers (`servicePort` of a server
 * your test started) to exercise the HTTP client or the `ClientProxy` for real.
 * @publicApi
 */
export class TestRegistry {
  constructor(
    /** The memory store behind the test app's registry. */
    readonly store: MemoryRegistryStore,
    private readonly namespace: string,
  ) {}

  /** Lists an instance; resolves it as stored (defaults filled in: `UP`, weight 100, protocol `http`...). */
  add(init: TestInstanceInit): ServiceInstance {
    const instance = createServiceInstance({ serviceHost: '127.0.0.1', ...init });
    this.store.put(instanceKey(this.namespace, instance), encodeInstance(instance));
    return instance;
  }

  /** Changes a listed instance's status, e.g. `OUT_OF_SERVICE` for a drained one (only `UP` ones are chosen). */
  setStatus(address: InstanceAddress, status: InstanceStatus): ServiceInstance {
    const key = instanceKey(this.namespace, address);
    const stored = this.store.list(key).entries.find((e) => e.key === key);
    const decoded = stored && decodeInstance(stored.value);
    if (!decoded?.ok) throw new Error(`TestRegistry.setStatus: ${key} is not listed; add() it first.`);
    return this.add({ ...decoded.instance, status });
  }

  /** Removes an instance, as a provider that left would. */
  remove(instance: InstanceAddress): void {
    this.store.delete(instanceKey(this.namespace, instance));
  }
}
