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

/** Registry options for a demo app, from REGISTRY_BACKEND, ETCD_HOSTS, ZOOKEEPER_HOSTS, REDIS_URL, REGISTRY_NAMESPACE, REGISTRY_TTL_SECONDS, HOST. */
export async function registryOptionsFromEnv(env: DemoEnv): Promise<RegistryModuleOptions> {
  const kind = env.REGISTRY_BACKEND || 'etcd';
  const common: RegistryModuleOptions = {
    namespace: env.REGISTRY_NAMESPACE || undefined,
    ttl: intFromEnv(env, 'REGISTRY_TTL_SECONDS', 10),
    host: env.HOST || undefined,
  };
  switch (kind) {
    case 'etcd': {
      const { etcd } = await import('nest-service-registry/etcd');
      return { ...common, backend: etcd({ hosts: env.ETCD_HOSTS || 'http://127.0.0.1:2379' }) };
    }
    case 'zookeeper': {
      const { zookeeper } = await import('nest-service-registry/zookeeper');
      return { ...common, backend: zookeeper({ hosts: env.ZOOKEEPER_HOSTS || '127.0.0.1:2181' }) };
    }
    case 'redis': {
      const { redis } = await import('nest-service-registry/redis');
      return { ...common, backend: redis({ url: env.REDIS_URL || 'redis://127.0.0.1:6379' }) };
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
