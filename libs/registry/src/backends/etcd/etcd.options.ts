import { invalidOption } from '../../options/option-rules.js';
import { TLS_HOST_NAME_RULE, unreachableTlsEndpoint } from './tls-host-name.js';
import { resolveEtcdCredentials, type EtcdCredentials, type ResolvedEtcdCredentials } from './etcd-credentials.js';
import { keysOf, rejectUnknownKeys } from '../../options/unknown-keys.js';

/**
 * Options of the etcd backend, `etcd(options)` from `nest-service-registry/etcd`.
 * The client-side defaults guard against the `etcd3` client's failure modes (see docs/etcd.md).
 * @publicApi
 */
export interface EtcdBackendOptions {
  /**
   * Cluster endpoints, as an array or a comma-separated string.
   * Default `["http://127.0.0.1:2379"]`.
   */
  hosts?: string | readonly string[];
  /** Username/password authentication. */
  auth?: { username: string; password: string };
  /**
   * TLS (needs `https://` hosts): the CA of etcd's server certificate, and the client key and
   * certificate for mutual TLS. Each is PEM data or a PEM file's path, read and checked at bootstrap.
   */
  credentials?: EtcdCredentials;
  /**
   * Deadline of one attempt of a unary call, milliseconds. Retries get a fresh deadline each.
   * Default: the module's `requestTimeout` / 2, at most 1000.
   */
  attemptTimeout?: number;
  /** Attempts of a call that failed with a recoverable error. Default 5. */
  retryAttempts?: number;
  /** First / largest delay between two attempts, milliseconds. Default 50 / 500. */
  retryInitialDelay?: number;
  retryMaxDelay?: number;
  /** Largest delay before the client re-opens a broken watch stream, milliseconds. Default 1000. */
  watchBackoffMaxDelay?: number;
  /**
   * Largest delay between two connection attempts of the gRPC channel to an etcd that is down,
   * milliseconds. Default 250: a returning etcd is found within about that long.
   */
  reconnectBackoffMaxDelay?: number;
  /**
   * With several endpoints: how long a member that just refused or dropped a connection is
   * skipped, milliseconds (it is tried again after that). 0 disables. Default 1000. Ignored for a
   * single endpoint, where skipping would mean refusing every call.
   */
  hostCooldown?: number;
  /**
   * gRPC keepalive: ping interval and ping-ack deadline, milliseconds. Default 5000 / 2000.
   * Below 5000 etcd answers `too_many_pings` and drops the connection.
   */
  keepaliveTime?: number;
  keepaliveTimeout?: number;
}

/** Etcd options after defaults and validation. @publicApi */
export interface ResolvedEtcdOptions {
  readonly hosts: readonly string[];
  readonly auth: { username: string; password: string } | undefined;
  readonly credentials: ResolvedEtcdCredentials | undefined;
  readonly attemptTimeout: number | undefined;
  readonly retryAttempts: number;
  readonly retryInitialDelay: number;
  readonly retryMaxDelay: number;
  readonly watchBackoffMaxDelay: number;
  readonly reconnectBackoffMaxDelay: number;
  readonly hostCooldown: number;
  readonly keepaliveTime: number;
  readonly keepaliveTimeout: number;
}

/** Where the etcd backend connects when no `hosts` are given. @publicApi */
export const ETCD_DEFAULT_HOSTS: readonly string[] = Object.freeze(['http://127.0.0.1:2379']);

/** Smallest TTL etcd grants, seconds: a request for 1 s is silently granted 2 s. @publicApi */
export const ETCD_MIN_TTL = 2;

const HOST_RULE =
  'a non-empty list of endpoints: http(s) URLs with a port and no path, such as "http://127.0.0.1:2379" or "https://[::1]:2379" (array or comma-separated string)';

/** Whether `host` is an etcd endpoint URL: http or https, a host, an explicit port, nothing after it. */
function isEndpoint(host: string): boolean {
  if (!/^https?:\/\/.+:\d{1,5}\/?$/.test(host)) return false;
  try {
    const url = new URL(host);
    return url.hostname !== '' && url.pathname === '/' && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}

/** Whether `host` carries user info (`user:password@`), which must never be echoed in a message. */
const hasUserInfo = (host: string): boolean => /^https?:\/\/[^/]*@/.test(host);

function integer(option: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    invalidOption(option, value, `an integer ≥ ${min}`);
  }
  return value;
}

/** The endpoint list of `hosts` (array or comma-separated string), validated. */
function hostList(input: EtcdBackendOptions['hosts']): readonly string[] {
  const raw: unknown = input ?? ETCD_DEFAULT_HOSTS;
  const list: readonly unknown[] =
    typeof raw === 'string'
      ? raw
          .split(',')
          .map((h) => h.trim())
          .filter((h) => h !== '')
      : Array.isArray(raw)
        ? (raw as readonly unknown[])
        : [];
  // Before any other check: a message about another endpoint would print the whole list.
  if (list.some((host) => typeof host === 'string' && hasUserInfo(host))) {
    invalidOption('backend.hosts', '(an endpoint with user info, hidden)', 'endpoints without user:password@: pass credentials in "auth"');
  }
  const hosts: string[] = [];
  for (const host of list) {
    if (typeof host !== 'string' || !isEndpoint(host)) invalidOption('backend.hosts', input, HOST_RULE);
    hosts.push(host);
  }
  if (hosts.length === 0) invalidOption('backend.hosts', input, HOST_RULE);
  return Object.freeze(hosts);
}

const ETCD_OPTION_KEYS = keysOf<EtcdBackendOptions>()([
  'hosts',
  'auth',
  'credentials',
  'attemptTimeout',
  'retryAttempts',
  'retryInitialDelay',
  'retryMaxDelay',
  'watchBackoffMaxDelay',
  'reconnectBackoffMaxDelay',
  'hostCooldown',
  'keepaliveTime',
  'keepaliveTimeout',
]);

/** Validates etcd options and fills in defaults. Throws naming `backend.<option>`. @internal */
export function resolveEtcdOptions(input: EtcdBackendOptions = {}): ResolvedEtcdOptions {
  rejectUnknownKeys('backend', input, ETCD_OPTION_KEYS);
  const hosts = hostList(input.hosts);
  const unreachable = unreachableTlsEndpoint(hosts);
  if (unreachable !== undefined) invalidOption('backend.hosts', unreachable, TLS_HOST_NAME_RULE);
  if (input.auth !== undefined && (typeof input.auth?.username !== 'string' || typeof input.auth?.password !== 'string')) {
    invalidOption('backend.auth', '(hidden)', '{ username: string, password: string }');
  }
  const retryInitialDelay = integer('backend.retryInitialDelay', input.retryInitialDelay, 50, 1);
  const retryMaxDelay = integer('backend.retryMaxDelay', input.retryMaxDelay, 500, retryInitialDelay);
  const keepaliveTime = integer('backend.keepaliveTime', input.keepaliveTime, 5_000, 5_000);
  return Object.freeze({
    hosts,
    auth: input.auth,
    credentials: resolveEtcdCredentials(input.credentials, hosts),
    attemptTimeout: input.attemptTimeout === undefined ? undefined : integer('backend.attemptTimeout', input.attemptTimeout, 1_000, 1),
    retryAttempts: integer('backend.retryAttempts', input.retryAttempts, 5, 1),
    retryInitialDelay,
    retryMaxDelay,
    watchBackoffMaxDelay: integer('backend.watchBackoffMaxDelay', input.watchBackoffMaxDelay, 1_000, 10),
    reconnectBackoffMaxDelay: integer('backend.reconnectBackoffMaxDelay', input.reconnectBackoffMaxDelay, 250, 100),
    hostCooldown: integer('backend.hostCooldown', input.hostCooldown, 1_000, 0),
    keepaliveTime,
    keepaliveTimeout: integer('backend.keepaliveTimeout', input.keepaliveTimeout, 2_000, 100),
  });
}
