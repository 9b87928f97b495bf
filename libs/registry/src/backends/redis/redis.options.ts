import { invalidOption } from '../../options/resolve-options.js';

/** Options of the Redis backend, `redis(options)` from `nest-service-registry/redis`. @publicApi */
export interface RedisBackendOptions {
  /** Server URL. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prefix of the backend's internal keys (sessions, indexes, change log). Default `__nsr:`. */
  keyPrefix?: string;
  /** How often expired instances are turned into delete events, milliseconds. Default 250. */
  sweepInterval?: number;
  /** Change-log entries kept for watches that resume (approximate). Default 10 000. */
  historyLength?: number;
  /** Largest delay between two reconnect attempts, milliseconds. Default 500. */
  reconnectMaxDelay?: number;
}

/** Redis options after defaults and validation. @publicApi */
export interface ResolvedRedisOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly sweepInterval: number;
  readonly historyLength: number;
  readonly reconnectMaxDelay: number;
}

function positive(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) invalidOption(option, value, 'a positive integer');
  return value;
}

/** Validates Redis options and fills in defaults. Throws naming `backend.<option>`. @internal */
export function resolveRedisOptions(input: RedisBackendOptions = {}): ResolvedRedisOptions {
  const url = input.url ?? 'redis://127.0.0.1:6379';
  if (typeof url !== 'string' || !/^rediss?:\/\/[^\s]+$/.test(url)) invalidOption('backend.url', input.url, 'a redis:// or rediss:// URL');
  const keyPrefix = input.keyPrefix ?? '__nsr:';
  if (typeof keyPrefix !== 'string' || keyPrefix === '' || keyPrefix.startsWith('/')) {
    invalidOption('backend.keyPrefix', keyPrefix, 'a non-empty string not starting with "/" (registry keys do)');
  }
  return Object.freeze({
    url,
    keyPrefix,
    sweepInterval: positive('backend.sweepInterval', input.sweepInterval, 250),
    historyLength: positive('backend.historyLength', input.historyLength, 10_000),
    reconnectMaxDelay: positive('backend.reconnectMaxDelay', input.reconnectMaxDelay, 500),
  });
}
