import type { TcpClientOptions } from '@nestjs/microservices';
import { DEFAULTS } from '../registry.constants.js';
import { FIELD_RULES } from '../model/index.js';
import { STRATEGIES, type LoadBalancingStrategy } from '../discovery/load-balancer.js';
import { invalidOption, milliseconds, retriesOption } from '../options/option-rules.js';
import { keysOf, rejectUnknownKeys } from '../options/unknown-keys.js';
import type { ChooseOptions } from '../discovery/discovery.interfaces.js';
import type { VersionSplit } from '../discovery/version-split.js';
import { checkedChoice } from '../discovery/call-choice.js';

/** A message pattern, or a test of one (patterns are compared by their JSON form). @publicApi */
export type PatternMatcher = readonly unknown[] | ((pattern: unknown) => boolean);

/** One client of `RegistryClientsModule.register([...])`. @publicApi */
export interface RegistryClientOptions {
  /** Injection token, e.g. `'USER_RPC'` for `@Inject('USER_RPC')`. */
  name: string | symbol;
  /** Registered service name to call, e.g. `user-rpc`. */
  service: string;
  /** Service version; default `"1.0"`. */
  version?: string;
  /** Only instances of this group. */
  group?: string;
  /** Balancing strategy; default `round-robin`. `p2c` learns from every call's outcome. */
  strategy?: LoadBalancingStrategy;
  /**
   * How many other instances a call that was never delivered (connection refused or reset,
   * connect timeout, socket closed before the request was written) is retried on. Never the same
   * instance twice. Default 2.
   */
  retries?: number;
  /**
   * Patterns whose handlers are safe to run twice (reads). A call to one of them that was
   * delivered and then lost with its connection is retried too. Default: none.
   */
  idempotent?: PatternMatcher;
  /** Milliseconds to open a connection to an instance before trying another. Default 1000. */
  connectTimeout?: number;
  /**
   * Milliseconds the connection to an instance that left the registry (deregistered, drained)
   * stays open for the calls still in flight on it; it closes as soon as they have answered.
   * Default 10000.
   */
  drainTimeout?: number;
  /** The zone to prefer; default: the module's `zone`; `null`: none. */
  zone?: string | null;
  /** Slow start, milliseconds; default: the module's `warmup`. */
  warmup?: number;
  /** Tag routing: every call's tag (default: the current request's, from `RegistryTagInterceptor`). */
  tag?: string;
  /** With `tag`: no fallback to untagged instances. Default `false`. */
  forceTag?: boolean;
  /** A version split instead of `version`, e.g. `{ '1.0': 90, '2.0': 10 }`. */
  versions?: VersionSplit;
  /** Options of Nest's `ClientTCP` for every connection (serializer, deserializer, TLS...); `host` and `port` come from the registry. */
  tcp?: Omit<NonNullable<TcpClientOptions['options']>, 'host' | 'port'>;
}

/** {@link RegistryClientOptions} validated, with defaults. @internal */
export interface ResolvedClientOptions {
  readonly service: string;
  readonly version: string;
  readonly group: string | undefined;
  readonly strategy: LoadBalancingStrategy;
  readonly retries: number;
  readonly idempotent: (pattern: unknown) => boolean;
  readonly connectTimeout: number;
  readonly drainTimeout: number;
  readonly tcp: NonNullable<RegistryClientOptions['tcp']>;
  /** What every call chooses by (zone, warm-up, tag, split included). */
  readonly choice: Readonly<ChooseOptions>;
}

const json = (value: unknown): string => JSON.stringify(value) ?? String(value);

const CLIENT_OPTION_KEYS = keysOf<RegistryClientOptions>()([
  'name',
  'service',
  'version',
  'group',
  'strategy',
  'retries',
  'idempotent',
  'connectTimeout',
  'drainTimeout',
  'zone',
  'warmup',
  'tag',
  'forceTag',
  'versions',
  'tcp',
]);

/** Validates one client's options (each error names the option, the value and the rule). @internal */
export function resolveClientOptions(options: RegistryClientOptions): ResolvedClientOptions {
  const at = (option: string) => `clients[${String(options.name)}].${option}`;
  rejectUnknownKeys(`clients[${String(options.name)}]`, options, CLIENT_OPTION_KEYS);
  if (!FIELD_RULES.serviceName.valid(options.service)) invalidOption(at('service'), options.service, FIELD_RULES.serviceName.rule);
  const version = options.version ?? DEFAULTS.serviceVersion;
  if (!FIELD_RULES.serviceVersion.valid(version)) invalidOption(at('version'), version, FIELD_RULES.serviceVersion.rule);
  const strategy = options.strategy ?? 'round-robin';
  if (!STRATEGIES.includes(strategy) || strategy === 'consistent-hash') {
    invalidOption(at('strategy'), strategy, STRATEGIES.filter((s) => s !== 'consistent-hash').join(' | '));
  }
  const retries = retriesOption(at('retries'), options.retries ?? undefined, 2);
  const connectTimeout = milliseconds(at('connectTimeout'), options.connectTimeout ?? undefined, 1000);
  const drainTimeout = milliseconds(at('drainTimeout'), options.drainTimeout ?? undefined, 10_000);
  const declared = options.idempotent ?? [];
  let idempotent: (pattern: unknown) => boolean;
  if (typeof declared === 'function') idempotent = declared;
  else if (Array.isArray(declared)) {
    const known = new Set(declared.map(json));
    idempotent = (pattern) => known.has(json(pattern));
  } else invalidOption(at('idempotent'), declared, 'an array of patterns or a function (pattern) => boolean');
  const choice = checkedChoice({ version, group: options.group, strategy, protocol: 'tcp' }, options, at);
  return Object.freeze({
    service: options.service,
    version,
    group: options.group,
    choice,
    strategy,
    retries,
    idempotent,
    connectTimeout,
    drainTimeout,
    tcp: options.tcp ?? {},
  });
}
