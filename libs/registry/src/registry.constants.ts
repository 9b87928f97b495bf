/** Injection token of the resolved, frozen module options. */
export const REGISTRY_OPTIONS = Symbol('registry:options');

/** Names under which the library's jobs appear in the app's `SchedulerRegistry`. */
export const LEASE_RENEWAL_JOB = 'registry:lease-renewal';
export const LEASE_RETRY_JOB = 'registry:lease-retry';

/** Defaults of the module options (see `RegistryModuleOptions`). */
export const DEFAULTS = Object.freeze({
  namespace: 'rpc',
  /** Lease TTL, seconds. */
  ttl: 10,
  /** Smallest TTL etcd grants, seconds. */
  minTtl: 2,
  /** Per-request deadline, milliseconds. */
  requestTimeout: 2_000,
  /** Bound on deregistration at shutdown, milliseconds. */
  shutdownTimeout: 5_000,
  /** Wait after deregistration before the HTTP server stops, milliseconds. */
  drainDelay: 0,
  /** First retry delay after a failed registry operation, milliseconds. */
  retryInitialDelay: 200,
  /** Health check deadline, milliseconds. */
  healthTimeout: 1_000,
  /** Outlier ejection after `reportFailure`, milliseconds. */
  ejectionTime: 10_000,
  /** How long `failFast` waits for the backend at bootstrap, milliseconds. */
  connectTimeout: 5_000,
  /** Delay that coalesces snapshot writes, milliseconds. */
  snapshotDebounce: 100,
  serviceVersion: '1.0',
  serviceGroup: 'default',
  protocol: 'http',
  weight: 100,
  etcdHosts: ['http://127.0.0.1:2379'] as readonly string[],
});

/** Schema version written in every instance value. */
export const INSTANCE_SCHEMA = 1;
