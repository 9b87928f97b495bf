import type { RegistryModuleOptions } from '../interfaces/registry-module-options.interface.js';

/**
 * The caller's options with the default backend (`etcd()` on `http://127.0.0.1:2379`) when none
 * is given. The etcd entry point is imported only then, so an app on another backend never loads
 * `etcd3`. A non-object is passed through for `resolveRegistryOptions` to reject with its message.
 * @internal
 */
export async function withDefaultBackend(options: RegistryModuleOptions | undefined): Promise<RegistryModuleOptions | undefined> {
  if (typeof options !== 'object' || options === null || options.backend !== undefined) return options;
  const { etcd } = await import('../backends/etcd/index.js');
  return { ...options, backend: etcd() };
}
