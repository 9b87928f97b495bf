import type { LoadBalancingStrategy } from './load-balancer.js';
import type { VersionSplit } from './version-split.js';

/** Which instances of a service to return. @publicApi */
export interface InstanceQuery {
  /** Default `"1.0"`. */
  version?: string;
  /** Only instances of this group. */
  group?: string;
  /** Only instances of this protocol (`http`, `tcp`, `grpc`...). */
  protocol?: string;
  /** Include instances whose status is not `UP`. Default `false`. */
  includeUnavailable?: boolean;
}

/** How `choose()` picks. @publicApi */
export interface ChooseOptions {
  version?: string;
  group?: string;
  /** Only instances of this protocol (`http`, `tcp`, `grpc`...). */
  protocol?: string;
  /** Default `round-robin`; `p2c` learns from the outcomes reported through `DiscoveryClient.track()`. */
  strategy?: LoadBalancingStrategy;
  /** Ids of instances not to pick (e.g. the ones a retry already tried). */
  exclude?: ReadonlySet<string>;
  /** What `consistent-hash` hashes (a user id, a session id...); required for that strategy. */
  key?: string;
  /** The zone to prefer (Envoy's locality rule, docs/clients.md). Default: the module's `zone`; `null`: no preference. */
  zone?: string | null;
  /** Slow start, milliseconds (instances registered less than this ago take 10 % to all of a share). Default: the module's `warmup`; 0: none. */
  warmup?: number;
  /**
   * Tag routing (docs/clients.md): only instances whose `tags` metadata carries this tag, or the
   * untagged ones when none does. Without a tag, tagged instances are left to their tag's calls
   * (unless every instance is tagged).
   */
  tag?: string;
  /** With `tag`: no fallback to untagged instances (`NoInstancesError` when none carries it). Default `false`. */
  forceTag?: boolean;
  /** A version split instead of `version`: each call goes to a version drawn by weight, e.g. `{ '1.0': 90, '2.0': 10 }`. */
  versions?: VersionSplit;
}

/** One service as `getServices()` reports it. @publicApi */
export interface ServiceSummary {
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly instances: number;
}

/** Per-service state, for `status()` and health. @publicApi */
export interface CachedServiceStatus {
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly instances: number;
  readonly up: number;
  readonly stale: boolean;
  readonly staleSince: Date | undefined;
  /** Whether the service's watch stream is connected. */
  readonly connected: boolean;
  readonly lastError: string | undefined;
  readonly revision: string | undefined;
}
