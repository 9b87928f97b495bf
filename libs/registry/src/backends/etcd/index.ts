import type { BackendContext, RegistryBackendFactory } from '../registry-backend.js';
import { EtcdBackend } from './etcd.backend.js';
import { ETCD_MIN_TTL, resolveEtcdOptions, type EtcdBackendOptions } from './etcd.options.js';

export { EtcdBackend } from './etcd.backend.js';
export { ETCD_DEFAULT_HOSTS, ETCD_MIN_TTL, type EtcdBackendOptions, type ResolvedEtcdOptions } from './etcd.options.js';
export type { EtcdCredentials, ResolvedEtcdCredentials } from './etcd-credentials.js';
export type { PemSource } from '../pem.js';

/**
 * The etcd backend (the default). Pass it to `RegistryModule.forRoot({ backend: etcd({ hosts }) })`.
 * Options are validated with the module's at bootstrap; no connection is made before then.
 * @publicApi
 */
export function etcd(options: EtcdBackendOptions = {}): RegistryBackendFactory {
  return {
    kind: 'etcd',
    minTtl: ETCD_MIN_TTL,
    validate: () => {
      resolveEtcdOptions(options);
    },
    create: (context: BackendContext) => new EtcdBackend(resolveEtcdOptions(options), context.requestTimeout),
  };
}
