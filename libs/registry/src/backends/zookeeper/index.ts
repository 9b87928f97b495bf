import type { BackendContext, RegistryBackendFactory } from '../registry-backend.js';
import { ZooKeeperBackend } from './zookeeper.backend.js';
import { resolveZooKeeperOptions, type ZooKeeperBackendOptions } from './zookeeper.options.js';

export { ZooKeeperBackend } from './zookeeper.backend.js';
export type { ResolvedZooKeeperOptions, ZooKeeperBackendOptions } from './zookeeper.options.js';

/**
 * The ZooKeeper backend: `RegistryModule.forRoot({ backend: zookeeper({ hosts }) })`. Needs
 * `node-zookeeper-client`. Options are validated with the module's at bootstrap.
 * @publicApi
 */
export function zookeeper(options: ZooKeeperBackendOptions = {}): RegistryBackendFactory {
  return {
    kind: 'zookeeper',
    minTtl: 2,
    validate: () => {
      resolveZooKeeperOptions(options);
    },
    create: (context: BackendContext) => new ZooKeeperBackend(resolveZooKeeperOptions(options), context.requestTimeout),
  };
}
