import type { HealthGateOptions, ResolvedHealthGate } from '../health-gate/health-gate.options.js';
import type { RegistryBackendFactory } from '../backends/registry-backend.js';
import type { OutlierDetectionOptions, ResolvedOutlierDetection } from '../options/traffic-options.js';

/**
 * Options of `RegistryModule.forRoot()` / `forRootAsync()`. Every field is optional.
 * @publicApi
 */
export interface RegistryModuleOptions {
  /**
   * Where instances are registered: `etcd({ hosts })` (`nest-service-registry/etcd`),
   * `zookeeper({ hosts })` (`/zookeeper`), `redis({ url })` (`/redis`) or `memory()` (core).
   * Default: etcd at `http://127.0.0.1:2379`.
   */
  backend?: RegistryBackendFactory;
  /** First key segment: `/{namespace}/{service}:{version}/{host}:{port}`. Default `rpc`. */
  namespace?: string;
  /**
   * Lease TTL, whole seconds, at least the backend's minimum (2 for etcd and ZooKeeper, 1 for Redis
   * and memory). A crashed process disappears within about this long. Default 10.
   */
  ttl?: number;
  /** Seconds between two keep-alives of the lease; must be below `ttl`. Default `ttl / 3`. */
  renewInterval?: number;
  /** Advertised host. Default: the first non-internal IPv4 address of the machine. */
  host?: string;
  /**
   * This process's zone (locality): the zone of the instances it registers (unless `@RpcService`
   * or `register()` names another), and the zone its calls prefer. `choose()` and every client pick
   * instances of this zone while enough of them are healthy and spill to other zones by Envoy's
   * rule (docs/clients.md, "Zones"). Default: none, which changes nothing.
   */
  zone?: string;
  /**
   * Slow start for this process's calls, milliseconds: an instance registered less than this ago
   * takes a share that ramps from 10 % to full by its `registeredAt` (docs/clients.md, "Slow
   * start"). `choose()` can override it per call. Default 0: none.
   */
  warmup?: number;
  /**
   * Advertised port. Default: the port the HTTP server actually bound. Required to register
   * `@RpcService` classes in an app without an HTTP server.
   */
  port?: number;
  /** Per-request deadline for backend calls, milliseconds. Default 2000. */
  requestTimeout?: number;
  /**
   * Upper bound, at shutdown, for deregistration, and again for the calls in flight to finish once
   * the listeners stopped accepting, milliseconds. Default 5000.
   */
  shutdownTimeout?: number;
  /**
   * Wait after deregistration, before the servers stop accepting, milliseconds: consumers see the
   * removal through their watch (tens of milliseconds on one network) and stop sending; calls that
   * arrive meanwhile are served. Skipped when the process registered nothing. Default 1000
   * (docs/shutdown.md says how to size it).
   */
  drainDelay?: number;
  /** First delay of the jittered retry backoff, milliseconds. Default 200. */
  retryInitialDelay?: number;
  /** Cap of the retry backoff, milliseconds. Default: the renewal interval. */
  retryMaxDelay?: number;
  /** Deadline of the health indicator's check, milliseconds. Default 1000. */
  healthTimeout?: number;
  /** How long an instance's first ejection (`reportFailure()`, outlier detection) keeps it out of `choose()`, milliseconds. Default 10000. */
  ejectionTime?: number;
  /** Ejection by failed calls in a row, growing ejection times, and how much of a service may be out (docs/clients.md). */
  outlierDetection?: OutlierDetectionOptions;
  /**
   * Tags of the instances this process registers, written to their `tags` metadata
   * (comma-separated) unless an instance's own metadata has `tags`. Calls with one of these tags
   * (`{ tag }`, the `x-registry-tag` header) go to them; calls without a tag go to untagged
   * instances while there are any. Default: none.
   */
  tags?: string[];
  /**
   * Fail bootstrap when the backend does not answer within `connectTimeout` (or at once when it
   * refuses the setup, e.g. a Redis Cluster), instead of booting and registering as soon as it
   * answers. Default `false`.
   */
  failFast?: boolean;
  /** How long `failFast` waits for the backend at bootstrap, milliseconds. Default 5000. */
  connectTimeout?: number;
  /**
   * Consumer snapshot file. When set, the last known instances of every looked-up service are
   * written to it (atomically, on change), and a consumer that starts while the registry is
   * unreachable serves them, marked stale, until the registry answers. Default: none.
   */
  snapshotFile?: string;
  /**
   * Publish this process's instances `DOWN` while the app's own health check fails (and `UP` when
   * it passes again), with damping. Default: none. See {@link HealthGateOptions}.
   */
  healthGate?: HealthGateOptions;
}

/** Options after defaults and validation; frozen. @publicApi */
export interface ResolvedRegistryOptions {
  readonly backend: RegistryBackendFactory;
  readonly namespace: string;
  readonly ttl: number;
  /** Milliseconds. */
  readonly renewIntervalMs: number;
  readonly host: string;
  readonly zone: string | null;
  /** Milliseconds; 0 = no slow start. */
  readonly warmup: number;
  /** True when no `host` was given and no non-internal IPv4 address was found (127.0.0.1 is used). */
  readonly hostIsFallback: boolean;
  readonly port: number | undefined;
  readonly requestTimeout: number;
  readonly shutdownTimeout: number;
  readonly drainDelay: number;
  readonly retryInitialDelay: number;
  readonly retryMaxDelay: number;
  readonly healthTimeout: number;
  readonly ejectionTime: number;
  readonly outlierDetection: ResolvedOutlierDetection;
  readonly tags: readonly string[];
  readonly failFast: boolean;
  readonly connectTimeout: number;
  readonly snapshotFile: string | undefined;
  readonly healthGate: ResolvedHealthGate | undefined;
}
