/** Injection token of the resolved, frozen module options. @publicApi */
export const REGISTRY_OPTIONS = Symbol('registry:options');

/** Names under which the library's jobs appear in the app's `SchedulerRegistry`. @internal */
export const LEASE_RENEWAL_JOB = 'registry:lease-renewal';
/** @internal */
export const LEASE_RETRY_JOB = 'registry:lease-retry';
/** Name of the health gate's check interval in the app's `SchedulerRegistry`. @internal */
export const HEALTH_GATE_JOB = 'registry:health-gate';

/** Defaults of the module options (see `RegistryModuleOptions`). @publicApi */
export const DEFAULTS = Object.freeze({
  namespace: 'rpc',
  /** Lease TTL, seconds. */
  ttl: 10,
  /** Per-request deadline, milliseconds. */
  requestTimeout: 2_000,
  /** Bound on deregistration at shutdown, milliseconds. */
  shutdownTimeout: 5_000,
  /** Wait after deregistration before the HTTP server stops, milliseconds. */
  drainDelay: 1_000,
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
  /** Version of a service when none is given (`@RpcService`, lookups). */
  serviceVersion: '1.0',
});
