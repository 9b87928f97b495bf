import type { RegistryBackend } from '../backends/registry-backend.js';
import type { RegistryModuleOptions, ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { withDefaultBackend } from '../options/default-backend.js';
import { resolveRegistryOptions } from '../options/resolve-options.js';
import { DiscoveryClient } from './discovery-client.js';

/** A client that owns the backend it was created with, and closes it with itself. */
class OwningDiscoveryClient extends DiscoveryClient {
  constructor(
    private readonly owned: RegistryBackend,
    options: ResolvedRegistryOptions,
  ) {
    super(owned, options);
  }

  override async close(): Promise<void> {
    await super.close();
    await this.owned.close();
  }
}

/**
 * A `DiscoveryClient` outside Nest's dependency injection, for scripts, benchmarks and tests.
 * `options` are resolved and validated exactly like `RegistryModule.forRoot()`'s (default backend:
 * etcd on `http://127.0.0.1:2379`). The client creates its backend from `options.backend` and
 * closes it in `close()`; pass `shared` to use a backend you opened (and will close) yourself,
 * e.g. to time cold reads on a warm connection.
 *
 * ```ts
 * const discovery = await createDiscoveryClient({ backend: etcd({ hosts: 'http://etcd:2379' }) });
 * const instance = await discovery.choose('user-service');
 * await discovery.close();
 * ```
 * @publicApi
 */
export async function createDiscoveryClient(options: RegistryModuleOptions = {}, shared?: RegistryBackend): Promise<DiscoveryClient> {
  const resolved = resolveRegistryOptions(await withDefaultBackend(options));
  if (shared) return new DiscoveryClient(shared, resolved);
  return new OwningDiscoveryClient(resolved.backend.create({ requestTimeout: resolved.requestTimeout }), resolved);
}
