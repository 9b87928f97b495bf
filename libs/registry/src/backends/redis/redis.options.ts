import { invalidOption, milliseconds } from '../../options/option-rules.js';
import { readPem, type PemSource } from '../pem.js';
import { redactUrl } from '../../util/redact-url.js';
import { keysOf, rejectUnknownKeys } from '../../options/unknown-keys.js';

/** Options of the Redis backend, `redis(options)` from `nest-service-registry/redis`. @publicApi */
export interface RedisBackendOptions {
  /**
   * Server URL, `redis://` or `rediss://` (TLS), with credentials if the server wants them:
   * `redis://:password@host:6379` or an ACL user `redis://user:password@host:6379`. The password
   * is never printed (`redis://user:***@host:6379` in messages and health details).
   * Default `redis://127.0.0.1:6379`.
   */
  url?: string;
  /**
   * TLS material for a `rediss://` URL: the CA of the server's certificate (default: Node's
   * trusted CAs), and a client certificate and key when the server requires them. PEM data or
   * file paths, read and checked at bootstrap.
   */
  tls?: { ca?: PemSource; cert?: PemSource; key?: PemSource };
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
  readonly tls: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer } | undefined;
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

/** The `tls` option read and checked: needs a `rediss://` URL; a client certificate and key come together. */
function resolveTls(input: RedisBackendOptions['tls'], url: string): ResolvedRedisOptions['tls'] {
  if (input === undefined) return undefined;
  if (typeof input !== 'object' || input === null) return invalidOption('backend.tls', typeof input, '{ ca?, cert?, key? }');
  if (!url.startsWith('rediss://'))
    invalidOption('backend.tls', '(TLS material)', 'a rediss:// url (TLS is never used silently over redis://)');
  if ((input.cert === undefined) !== (input.key === undefined))
    invalidOption('backend.tls', '(cert and key, one missing)', 'cert and key together or neither');
  const read = (name: 'ca' | 'cert' | 'key') => (input[name] === undefined ? {} : { [name]: readPem(`backend.tls.${name}`, input[name]) });
  return Object.freeze({ ...read('ca'), ...read('cert'), ...read('key') });
}

/** Validates Redis options and fills in defaults. Throws naming `backend.<option>`. @internal */
const REDIS_OPTION_KEYS = keysOf<RedisBackendOptions>()(['url', 'tls', 'keyPrefix', 'sweepInterval', 'historyLength', 'reconnectMaxDelay']);

export function resolveRedisOptions(input: RedisBackendOptions = {}): ResolvedRedisOptions {
  rejectUnknownKeys('backend', input, REDIS_OPTION_KEYS);
  const url = input.url ?? 'redis://127.0.0.1:6379';
  if (typeof url !== 'string' || !/^rediss?:\/\/[^\s]+$/.test(url)) {
    invalidOption('backend.url', typeof url === 'string' ? redactUrl(url) : url, 'a redis:// or rediss:// URL');
  }
  const keyPrefix = input.keyPrefix ?? '__nsr:';
  if (typeof keyPrefix !== 'string' || keyPrefix === '' || keyPrefix.startsWith('/')) {
    invalidOption('backend.keyPrefix', keyPrefix, 'a non-empty string not starting with "/" (registry keys do)');
  }
  return Object.freeze({
    url,
    tls: resolveTls(input.tls, url),
    keyPrefix,
    sweepInterval: milliseconds('backend.sweepInterval', input.sweepInterval, 250, { integer: true }),
    historyLength: positive('backend.historyLength', input.historyLength, 10_000),
    reconnectMaxDelay: milliseconds('backend.reconnectMaxDelay', input.reconnectMaxDelay, 500, { integer: true }),
  });
}
