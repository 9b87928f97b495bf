import type { ServiceInstance } from '../model/index.js';
import type { Ejection } from './outlier-detector.js';

interface ServiceRef {
  readonly serviceName: string;
  readonly serviceVersion: string;
}

/** An instance appeared, disappeared or changed. @publicApi */
export interface InstanceEvent extends ServiceRef {
  readonly type: 'added' | 'removed' | 'updated';
  readonly instance: ServiceInstance;
  /** The value before an `updated`. */
  readonly previous?: ServiceInstance;
}

/** The service was re-listed after a gap (reconnect, compaction, registry restart); differences were emitted before this. @publicApi */
export interface ResyncedEvent extends ServiceRef {
  readonly type: 'resynced';
  readonly reason: string;
  readonly instances: readonly ServiceInstance[];
}

/** The registry became unreachable for this service: the last known instances are served, flagged stale. @publicApi */
export interface StaleEvent extends ServiceRef {
  readonly type: 'stale';
  readonly since: Date;
  readonly error: string | undefined;
}

/**
 * The instance is kept out of choice for `duration` ms: a connection to it failed
 * (`reportFailure`), or calls to it failed `consecutiveFailures` times in a row. @publicApi
 */
export interface EjectedEvent extends ServiceRef, Ejection {
  readonly type: 'ejected';
  readonly instance: ServiceInstance;
}

/** An ejection ended: the instance is a candidate again (unless it left the registry meanwhile). @publicApi */
export interface ReturnedEvent extends ServiceRef {
  readonly type: 'returned';
  readonly instance: ServiceInstance;
}

/** Everything `DiscoveryClient.events$` emits. @publicApi */
export type DiscoveryEvent = InstanceEvent | ResyncedEvent | StaleEvent | EjectedEvent | ReturnedEvent;
