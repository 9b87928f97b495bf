import { Module, type DynamicModule, type FactoryProvider, type ModuleMetadata } from '@nestjs/common';
import { DiscoveryClient } from '../discovery/discovery-client.js';
import { RegistryClientProxy } from './registry-client-proxy.js';
import { RegistryMetrics } from '../metrics/registry-metrics.js';
import { resolveClientOptions, type RegistryClientOptions } from './registry-client.options.js';

/** One client of `RegistryClientsModule.registerAsync([...])`: its options from a factory. @publicApi */
export interface RegistryClientAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Injection token, e.g. `'USER_RPC'`. */
  name: string | symbol;
  useFactory: (...args: never[]) => Omit<RegistryClientOptions, 'name'> | Promise<Omit<RegistryClientOptions, 'name'>>;
  inject?: FactoryProvider['inject'];
}

/**
 * Discovery-backed `ClientProxy`s, injectable by name, like Nest's `ClientsModule`:
 *
 * ```ts
 * RegistryClientsModule.register([{ name: 'USER_RPC', service: 'user-rpc', idempotent: ['users.get'] }]);
 * // ...
 * constructor(@Inject('USER_RPC') private readonly users: ClientProxy) {}
 * await firstValueFrom(this.users.send('users.get', { id }).pipe(timeout(2_000)));
 * ```
 * Needs `RegistryModule` (it provides the `DiscoveryClient`). Options are validated when the
 * module is created; a bad one names the option, the value and the rule. @publicApi
 */
@Module({})
export class RegistryClientsModule {
  static register(clients: readonly RegistryClientOptions[]): DynamicModule {
    const providers = clients.map((client): FactoryProvider => {
      const options = resolveClientOptions(client);
      return {
        provide: client.name,
        useFactory: (discovery: DiscoveryClient, metrics: RegistryMetrics) => new RegistryClientProxy(discovery, options, metrics),
        inject: [DiscoveryClient, RegistryMetrics],
      };
    });
    return { module: RegistryClientsModule, providers, exports: providers.map((p) => p.provide) };
  }

  static registerAsync(clients: readonly RegistryClientAsyncOptions[]): DynamicModule {
    const providers = clients.map((client): FactoryProvider => ({
      provide: client.name,
      useFactory: async (discovery: DiscoveryClient, metrics: RegistryMetrics, ...args: never[]) =>
        new RegistryClientProxy(discovery, resolveClientOptions({ ...(await client.useFactory(...args)), name: client.name }), metrics),
      inject: [DiscoveryClient, RegistryMetrics, ...(client.inject ?? [])],
    }));
    return {
      module: RegistryClientsModule,
      imports: clients.flatMap((c) => c.imports ?? []),
      providers,
      exports: providers.map((p) => p.provide),
    };
  }
}
