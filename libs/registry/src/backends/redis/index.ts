import type { BackendContext, RegistryBackendFactory } from '../registry-backend.js';
import { RedisBackend } from './redis.backend.js';
import { resolveRedisOptions, type RedisBackendOptions } from './redis.options.js';

export { RedisBackend } from './redis.backend.js';
export type { RedisBackendOptions, ResolvedRedisOptions, ResolvedRedisSentinel } from './redis.options.js';

/**
 * The Redis backend: `RegistryModule.forRoot({ backend: redis({ url }) })`. Needs `ioredis`.
 * Options are validated with the module's at bootstrap; the connection opens when the backend is created.
 * @publicApi
 */
export function redis(options: RedisBackendOptions = {}): RegistryBackendFactory {
  return {
    kind: 'redis',
    minTtl: 1,
    validate: () => {
      resolveRedisOptions(options);
    },
    create: (context: BackendContext) => new RedisBackend(resolveRedisOptions(options), context.requestTimeout),
  };
}
