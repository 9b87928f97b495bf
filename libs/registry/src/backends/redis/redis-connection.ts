import type { Redis, RedisOptions } from 'ioredis';
import { RegistryOptionsError } from '../../errors/registry.error.js';
import { ioredis } from './ioredis.peer.js';
import type { ResolvedRedisOptions } from './redis.options.js';
import { sentinelOptions } from './redis-sentinel.js';

/**
 * Rejects with a `RegistryOptionsError` when `redis` is a Redis Cluster node: the backend's scripts
 * touch several keys at once, which a cluster refuses across hash slots. @internal
 */
export async function refuseCluster(redis: Redis, endpoint: string): Promise<void> {
  const info = await redis.info('cluster').catch(() => '');
  if (!/cluster_enabled:1/.test(info)) return;
  throw new RegistryOptionsError(
    `The Redis at ${endpoint} is a Redis Cluster node, which the Redis backend does not support (its scripts touch ` +
      'several keys at once, in different hash slots). Point it at one master, or at a Sentinel deployment ({ sentinels, name }).',
    'backend.url',
    endpoint,
  );
}

/**
 * The Redis backend's command connection (one master, or the master of a Sentinel deployment):
 * reconnects with a capped backoff, follows a failover (a demoted master's READONLY makes it
 * reconnect), keeps its last error to explain the commands that fail for want of it, and gates
 * the commands until the server was checked not to be a Redis Cluster node. @internal
 */
export class RedisConnection {
  readonly redis: Redis;
  /** The connection's last error until it is ready again. */
  error: Error | undefined;
  private refused: Error | undefined;
  private readonly checked: Promise<void>;

  constructor(options: ResolvedRedisOptions, requestTimeout: number, endpoint: string) {
    const { url, tls, sentinel, reconnectMaxDelay } = options;
    const backoff = (attempt: number): number => Math.min(50 * attempt, reconnectMaxDelay);
    const common: RedisOptions = {
      ...(tls ? { tls: { ...tls } } : {}),
      lazyConnect: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 0,
      connectTimeout: requestTimeout,
      retryStrategy: backoff,
      reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
    };
    const redis = sentinel ? new ioredis.Redis(sentinelOptions(url, sentinel, common, backoff)) : new ioredis.Redis(url, common);
    let settle = (): void => undefined;
    this.checked = new Promise((resolve) => (settle = resolve));
    redis.on('error', (error: Error) => {
      this.error = error;
      settle(); // commands run, and report this error
    });
    redis.on('ready', () => {
      this.error = undefined;
      void refuseCluster(redis, endpoint)
        .then(
          () => (this.refused = undefined),
          (error: Error) => (this.refused = error),
        )
        .finally(settle);
    });
    this.redis = redis;
  }

  /**
   * Resolves once commands may run; rejects when the server is a Redis Cluster node, or, while
   * not connected, when the last connection attempt was refused its credentials (a command would
   * only queue until its deadline: it fails at once with the reason instead).
   */
  async gate(): Promise<void> {
    await this.checked;
    if (this.refused) throw this.refused;
    if (this.redis.status !== 'ready' && this.error && /WRONGPASS|NOAUTH/.test(this.error.message)) throw this.error;
  }
}
