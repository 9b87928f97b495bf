import type { RedisOptions } from 'ioredis';
import { hostPort } from '../../model/index.js';
import type { ResolvedRedisOptions, ResolvedRedisSentinel } from './redis.options.js';

/** How the backend names a Sentinel deployment in messages and health: `sentinel://host:port,host:port/name` (no credentials). @internal */
export function sentinelEndpoints(options: ResolvedRedisOptions): string[] {
  const { sentinels, name } = options.sentinel!;
  return [`sentinel://${sentinels.map(({ host, port }) => hostPort(host, port)).join(',')}/${name}`];
}

/**
 * ioredis options for the master of a Sentinel deployment: the sentinels and the master's name,
 * the data nodes' credentials from `url` (its host is not used), TLS to the sentinels as to the
 * data nodes when `url` is `rediss://`, and the connection's own reconnect `backoff` for the sentinel lookups. @internal
 */
export function sentinelOptions(
  url: string,
  sentinel: ResolvedRedisSentinel,
  common: RedisOptions,
  backoff: (attempt: number) => number,
): RedisOptions {
  const parsed = new URL(url);
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const tls = url.startsWith('rediss://') ? { ...common.tls } : undefined;
  return {
    ...common,
    sentinels: sentinel.sentinels.map(({ host, port }) => ({ host, port })),
    name: sentinel.name,
    role: 'master',
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(sentinel.auth?.username === undefined ? {} : { sentinelUsername: sentinel.auth.username }),
    ...(sentinel.auth === undefined ? {} : { sentinelPassword: sentinel.auth.password }),
    ...(tls ? { tls, enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
    sentinelRetryStrategy: backoff,
  };
}
