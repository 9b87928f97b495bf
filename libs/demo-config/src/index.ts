import { Logger } from '@nestjs/common';
import type { RegistryModuleOptions } from 'nest-service-registry';

/** The demo apps' environment (DESIGN §7). The library itself never reads `process.env`. */
export type DemoEnv = Readonly<Record<string, string | undefined>>;

/** Reads an integer variable, failing with a message naming it. */
export function intFromEnv(env: DemoEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`Environment variable ${name} must be an integer, got ${JSON.stringify(raw)}.`);
  return value;
}

/**
 * etcd authentication and TLS from ETCD_USERNAME / ETCD_PASSWORD and ETCD_CA_FILE / ETCD_CERT_FILE /
 * ETCD_KEY_FILE (file paths, read and checked by the backend at bootstrap).
 */
export function etcdSecurityFromEnv(env: DemoEnv): {
  auth?: { username: string; password: string };
  credentials?: { rootCertificate: string; privateKey?: string; certChain?: string };
} {
  const auth = env.ETCD_USERNAME ? { auth: { username: env.ETCD_USERNAME, password: env.ETCD_PASSWORD ?? '' } } : {};
  const client = env.ETCD_CERT_FILE || env.ETCD_KEY_FILE ? { privateKey: env.ETCD_KEY_FILE, certChain: env.ETCD_CERT_FILE } : {};
  const credentials = env.ETCD_CA_FILE ? { credentials: { rootCertificate: env.ETCD_CA_FILE, ...client } } : {};
  return { ...auth, ...credentials };
}

/** ZooKeeper digest credentials from ZOOKEEPER_AUTH (`user:password`). */
export function zookeeperAuthFromEnv(env: DemoEnv): { auth?: { username: string; password: string } } {
  const raw = env.ZOOKEEPER_AUTH;
  if (!raw) return {};
  const colon = raw.indexOf(':');
  if (colon <= 0) throw new Error('Environment variable ZOOKEEPER_AUTH must be user:password (the value is not shown).');
  return { auth: { username: raw.slice(0, colon), password: raw.slice(colon + 1) } };
}

/** ZooKeeper layout from ZOOKEEPER_LAYOUT (`native` / `curator`) and ZOOKEEPER_BASE_PATH (unset: the backend's defaults). */
export function zookeeperLayoutFromEnv(env: DemoEnv): { layout?: 'native' | 'curator'; basePath?: string } {
  const layout = env.ZOOKEEPER_LAYOUT || undefined;
  if (layout !== undefined && layout !== 'native' && layout !== 'curator') {
    throw new Error(`Environment variable ZOOKEEPER_LAYOUT must be native or curator, got ${JSON.stringify(layout)}.`);
  }
  return { ...(layout ? { layout } : {}), ...(env.ZOOKEEPER_BASE_PATH ? { basePath: env.ZOOKEEPER_BASE_PATH } : {}) };
}

/**
 * Registry options for a demo app, from REGISTRY_BACKEND, ETCD_HOSTS (+ etcdSecurityFromEnv),
 * ZOOKEEPER_HOSTS (+ ZOOKEEPER_AUTH, ZOOKEEPER_LAYOUT, ZOOKEEPER_BASE_PATH), REDIS_URL (may carry user:password@; rediss:// with REDIS_CA_FILE;
 * under Sentinel: REDIS_SENTINELS host:port,… and REDIS_SENTINEL_NAME, default mymaster),
 * REGISTRY_NAMESPACE, REGISTRY_TTL_SECONDS, HOST, ZONE (the provider's zone, or the consumer's own), WARMUP_MS (slow start),
 * TAGS (comma-separated tags of the provider's instances).
 */
export async function registryOptionsFromEnv(env: DemoEnv): Promise<RegistryModuleOptions> {
  const kind = env.REGISTRY_BACKEND || 'etcd';
  const common: RegistryModuleOptions = {
    namespace: env.REGISTRY_NAMESPACE || undefined,
    ttl: intFromEnv(env, 'REGISTRY_TTL_SECONDS', 10),
    host: env.HOST || undefined,
    ...(env.ZONE ? { zone: env.ZONE } : {}),
    ...(env.WARMUP_MS ? { warmup: intFromEnv(env, 'WARMUP_MS', 0) } : {}),
    ...(env.TAGS ? { tags: env.TAGS.split(',').flatMap((tag) => (tag.trim() ? [tag.trim()] : [])) } : {}),
    ...(env.DRAIN_MS ? { drainDelay: intFromEnv(env, 'DRAIN_MS', 0) } : {}),
  };
  switch (kind) {
    case 'etcd': {
      const { etcd } = await import('nest-service-registry/etcd');
      return { ...common, backend: etcd({ hosts: env.ETCD_HOSTS || 'http://127.0.0.1:2379', ...etcdSecurityFromEnv(env) }) };
    }
    case 'zookeeper': {
      const { zookeeper } = await import('nest-service-registry/zookeeper');
      return {
        ...common,
        backend: zookeeper({
          hosts: env.ZOOKEEPER_HOSTS || '127.0.0.1:2181',
          ...zookeeperAuthFromEnv(env),
          ...zookeeperLayoutFromEnv(env),
        }),
      };
    }
    case 'redis': {
      const { redis } = await import('nest-service-registry/redis');
      const tls = env.REDIS_CA_FILE ? { tls: { ca: env.REDIS_CA_FILE } } : {};
      // Under Sentinel the master is found through the sentinels; REDIS_URL then only carries credentials / TLS.
      const sentinel = env.REDIS_SENTINELS
        ? { sentinels: env.REDIS_SENTINELS.split(',').map((s) => s.trim()), name: env.REDIS_SENTINEL_NAME || 'mymaster' }
        : {};
      return { ...common, backend: redis({ url: env.REDIS_URL || 'redis://127.0.0.1:6379', ...tls, ...sentinel }) };
    }
    case 'memory': {
      const { memory } = await import('nest-service-registry');
      new Logger('DemoConfig').warn('REGISTRY_BACKEND=memory: the registry lives in this process only; other processes will not see it.');
      return { ...common, backend: memory() };
    }
    default:
      throw new Error(`REGISTRY_BACKEND=${kind} is not supported by this build; supported: etcd, zookeeper, redis, memory.`);
  }
}
export { HealthController } from './health.controller.js';
export { MetricsController, startMetrics } from './metrics.js';
export { USERS_PACKAGE, USER_SERVICE, USERS_PROTO, type UserServiceClient } from './grpc.js';
