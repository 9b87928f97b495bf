import type { RegistryBackendFactory } from '../backends/registry-backend.js';
import { UsageError } from './cli-usage.js';

/** Credentials and TLS files, from flags or the environment; never printed. @internal */
export interface CliSecurity {
  readonly username?: string;
  readonly password?: string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

/**
 * The backend factory of a registry URL (DESIGN §10): `etcd://host:port[,host:port]`,
 * `etcds://…` (TLS), `zookeeper://host:port[,…][/basePath]` (a base path selects the Curator
 * layout), `redis://…` / `rediss://…` (credentials in the URL, as the Redis backend takes them),
 * `redis-sentinel://host:port[,…]/masterName` (credentials and TLS by flags).
 * Backends load lazily, so only the chosen client library is needed. @internal
 */
export async function backendFromUrl(url: string, security: CliSecurity): Promise<RegistryBackendFactory> {
  const scheme = /^([a-z-]+):\/\//.exec(url)?.[1];
  const rest = url.slice((scheme?.length ?? 0) + 3);
  const auth = security.username ? { auth: { username: security.username, password: security.password ?? '' } } : {};
  switch (scheme) {
    case 'etcd':
    case 'etcds': {
      const { etcd } = await import('../backends/etcd/index.js');
      const hosts = rest
        .replace(/\/+$/, '')
        .split(',')
        .map((host) => `${scheme === 'etcds' ? 'https' : 'http'}://${host}`);
      const tls = security.ca ? { credentials: { rootCertificate: security.ca, privateKey: security.key, certChain: security.cert } } : {};
      if (scheme === 'etcds' && !security.ca)
        throw new UsageError("etcds:// needs --ca FILE (or NEST_REGISTRY_CA_FILE): the CA of etcd's certificate");
      return etcd({ hosts, ...auth, ...tls });
    }
    case 'zookeeper': {
      const { zookeeper } = await import('../backends/zookeeper/index.js');
      const slash = rest.indexOf('/');
      const hosts = slash < 0 ? rest : rest.slice(0, slash);
      const basePath = slash < 0 ? '' : rest.slice(slash).replace(/\/+$/, '');
      return zookeeper({ hosts, ...auth, ...(basePath ? { layout: 'curator' as const, basePath } : {}) });
    }
    case 'redis':
    case 'rediss': {
      const { redis } = await import('../backends/redis/index.js');
      const tls = security.ca || security.cert ? { tls: { ca: security.ca, cert: security.cert, key: security.key } } : {};
      return redis({ url, ...tls });
    }
    case 'redis-sentinel': {
      const { redis } = await import('../backends/redis/index.js');
      const slash = rest.indexOf('/');
      const name = slash < 0 ? '' : decodeURIComponent(rest.slice(slash + 1).replace(/\/+$/, ''));
      if (name === '') throw new UsageError('redis-sentinel:// needs the master name: redis-sentinel://host:port[,host:port]/masterName');
      // The data nodes' credentials (--username/--password) and TLS (--ca) apply to the master the sentinels name.
      const user =
        security.password === undefined ? '' : `${encodeURIComponent(security.username ?? '')}:${encodeURIComponent(security.password)}@`;
      const tls = security.ca ? { tls: { ca: security.ca, cert: security.cert, key: security.key } } : {};
      const sentinels = rest.slice(0, slash).split(',');
      return redis({ url: `${security.ca ? 'rediss' : 'redis'}://${user}sentinel`, sentinels, name, ...tls });
    }
    default:
      throw new UsageError(
        `--registry must be an etcd://, etcds://, zookeeper://, redis://, rediss:// or redis-sentinel:// URL, got "${scheme ? `${scheme}://…` : 'no scheme'}"`,
      );
  }
}
