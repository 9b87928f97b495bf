import { Module, type DynamicModule } from '@nestjs/common';
import { memory } from '../backends/memory/index.js';
import { MemoryRegistryStore } from '../backends/memory/memory-registry.store.js';
import type { RegistryModuleOptions } from '../interfaces/registry-module-options.interface.js';
import { RegistryModule } from '../registry.module.js';
import { TestRegistry, type TestInstanceInit } from './test-registry.js';

/** What `RegistryTestingModule.forRoot()` takes. @publicApi */
export interface RegistryTestingOptions {
  /** Instances listed from the start (more with `TestRegistry.add`). */
  instances?: readonly TestInstanceInit[];
  /** Other `RegistryModule` options of the test app (`backend` is the memory backend). */
  registry?: Omit<RegistryModuleOptions, 'backend'>;
}

/**
 * `RegistryModule` for an app's own tests with `@nestjs/testing`, with no registry server: the
 * memory backend, `host` `127.0.0.1`, no drain wait, and a `TestRegistry` to list the instances
 * the code under test discovers and calls. Import it instead of `RegistryModule.forRoot()`; it
 * provides `DiscoveryClient`, `RegistryHttpClient` and `ServiceRegistry` like the real one.
 *
 * ```ts
 * const module = await Test.createTestingModule({
 *   imports: [RegistryTestingModule.forRoot({ instances: [{ serviceName: 'user-service', servicePort: 8080 }] })],
 *   providers: [UsersGateway],
 * }).compile();
 * ```
 * @publicApi
 */
@Module({})
export class RegistryTestingModule {
  static forRoot(options: RegistryTestingOptions = {}): DynamicModule {
    const store = new MemoryRegistryStore();
    const registry = { host: '127.0.0.1', drainDelay: 0, ...options.registry };
    const testRegistry = new TestRegistry(store, registry.namespace ?? 'rpc');
    for (const init of options.instances ?? []) testRegistry.add(init);
    return {
      module: RegistryTestingModule,
      global: true,
      imports: [RegistryModule.forRoot({ ...registry, backend: memory({ store }) })],
      providers: [{ provide: TestRegistry, useValue: testRegistry }],
      exports: [TestRegistry, RegistryModule],
    };
  }
}
