import type { RegistryBackendFactory } from '../registry-backend.js';
import { MemoryBackend } from './memory.backend.js';
import { MemoryRegistryStore } from './memory-registry.store.js';
import { keysOf, rejectUnknownKeys } from '../../options/unknown-keys.js';

export { MemoryBackend } from './memory.backend.js';
export { MemoryRegistryStore } from './memory-registry.store.js';

/** Options of {@link memory}. @publicApi */
export interface MemoryBackendOptions {
  /** Store to use; pass the same one to several apps of one process so they see each other. Default: a new store. */
  store?: MemoryRegistryStore;
}

/**
 * The in-process backend: `RegistryModule.forRoot({ backend: memory() })`. Real TTL expiry and
 * watches, no server. Only apps of the same process that share a `store` see each other.
 * @publicApi
 */
export function memory(options: MemoryBackendOptions = {}): RegistryBackendFactory {
  const store = options.store ?? new MemoryRegistryStore();
  return {
    kind: 'memory',
    minTtl: 1,
    validate: () => rejectUnknownKeys('backend', options, keysOf<MemoryBackendOptions>()(['store'])),
    create: () => new MemoryBackend(store),
  };
}
