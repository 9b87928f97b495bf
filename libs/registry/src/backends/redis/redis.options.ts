import { invalidOption, milliseconds } from '../../options/option-rules.js';
import { FIELD_RULES } from '../../model/index.js';
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
  /**
   * Redis under Sentinel: the sentinels, as `host:port` strings or `{ host, port }`. The master
   * named `name` is found through them and followed across failovers; `url` then only carries the
   * data nodes' credentials and scheme (`rediss://` = TLS to the data nodes and the sentinels), its
   * host is not used. docs/backends.md says what a failover can lose and how it is repaired.
   */
  sentinels?: ReadonlyArray<string | { host: string; port: number }>;
  /** The master's name the sentinels monitor (`sentinel monitor <name> …`); required with `sentinels`. */
  name?: string;
  /** Credentials of the sentinels themselves, when they require them (`requirepass` / ACL in sentinel.conf). Never printed. */
  sentinelAuth?: { username?: string; password: string };
}

/** Redis Sentinel settings after validation. @publicApi */
export interface ResolvedRedisSentinel {
  readonly sentinels: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  readonly name: string;
  readonly auth: { readonly username?: string; readonly password: string } | undefined;
}

/** Redis options after defaults and validation. @publicApi */
export interface ResolvedRedisOptions {
  readonly url: string;
  readonly tls: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer } | undefined;
  readonly keyPrefix: string;
  readonly sweepInterval: number;
  readonly historyLength: number;
  readonly reconnectMaxDelay: number;
  readonly sentinel: ResolvedRedisSentinel | undefined;
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

const REDIS_OPTION_KEYS = keysOf<RedisBackendOptions>()([
  'url',
  'tls',
  'keyPrefix',
  'sweepInterval',
  'historyLength',
  'reconnectMaxDelay',
  'sentinels',
  'name',
  'sentinelAuth',
]);

const HOST_PORT = /^([^\s:/]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/;

/** One sentinel address checked: `host:port` or `{ host, port }`. */
function sentinelAddress(value: unknown): { host: string; port: number } | undefined {
  if (typeof value === 'string') {
    const match = HOST_PORT.exec(value);
    return match ? sentinelAddress({ host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) }) : undefined;
  }
  const { host, port } = (value ?? {}) as { host?: unknown; port?: unknown };
  const valid = typeof host === 'string' && host !== '' && FIELD_RULES.servicePort.valid(port);
  return valid ? { host, port: port as number } : undefined;
}

/** The Sentinel options checked together: `sentinels` and `name` come together, `sentinelAuth` only with them. */
function resolveSentinel(input: RedisBackendOptions): ResolvedRedisSentinel | undefined {
  const { sentinels, name, sentinelAuth } = input;
  if (sentinels === undefined) {
    if (name !== undefined || sentinelAuth !== undefined)
      invalidOption(name !== undefined ? 'backend.name' : 'backend.sentinelAuth', '(set)', 'only with backend.sentinels (Redis Sentinel)');
    return undefined;
  }
  const addresses = Array.isArray(sentinels) ? sentinels.map(sentinelAddress) : [];
  if (addresses.length === 0 || addresses.some((a) => a === undefined))
    invalidOption('backend.sentinels', sentinels, 'a non-empty array of "host:port" strings or { host, port } objects');
  if (typeof name !== 'string' || !/^[^\s]+$/.test(name))
    invalidOption('backend.name', name, 'the master\'s name the sentinels monitor (required with backend.sentinels), e.g. "mymaster"');
  if (
    sentinelAuth !== undefined &&
    (typeof sentinelAuth !== 'object' || sentinelAuth === null || typeof sentinelAuth.password !== 'string')
  )
    invalidOption('backend.sentinelAuth', '(hidden)', '{ username?, password } (strings)');
  const auth =
    sentinelAuth &&
    Object.freeze({ ...(sentinelAuth.username === undefined ? {} : { username: sentinelAuth.username }), password: sentinelAuth.password });
  return Object.freeze({ sentinels: Object.freeze(addresses as Array<{ host: string; port: number }>), name, auth });
}

/** Validates Redis options and fills in defaults. Throws naming `backend.<option>`. @internal */
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
    sentinel: resolveSentinel(input),
  });
}
