import type { CacheBackend } from '../metrics/metered-watches.js';
import type { ServiceInstance } from '../model/index.js';
import type { RegistryOutage } from '../registry-outage.js';
import type { DiscoveryEvent } from './discovery-event.js';
import type { OutlierPolicy } from './outlier-detector.js';

/** What a cache entry needs from its owner (the `DiscoveryClient`). @internal */
export interface EntryContext {
  readonly backend: CacheBackend;
  readonly outage: Pick<RegistryOutage, 'failed' | 'succeeded'>;
  readonly retryInitialDelay: number;
  readonly retryMaxDelay: number;
  readonly outlierPolicy: OutlierPolicy;
  readonly namespace: string;
  emit(event: DiscoveryEvent): void;
  /** Called after every change of an entry's instance set. */
  changed(): void;
  /** Last saved instances of a service, when a snapshot file is configured. */
  fromSnapshot(serviceKey: string): Promise<{ savedAt: string; instances: readonly ServiceInstance[] } | undefined>;
  /** Progress detail (re-lists): Nest's `debug`, not printed by its default logger. */
  debug(message: string): void;
  warn(message: string): void;
}

/** What a cache entry is doing. @internal */
export type EntryPhase =
  /** Nothing read yet (or the last first read failed). */
  | 'idle'
  /** The first read is in flight. */
  | 'loading'
  /** Loaded; the watch runs (or is being set up). */
  | 'watching'
  /** Loaded; a re-read is scheduled (after a resync signal or a failed re-read). */
  | 'waiting'
  /** Loaded; a re-read is in flight. */
  | 'relisting'
  | 'closed';

/** Read-only state of a cache entry. @internal */
export interface EntryStatus {
  readonly phase: EntryPhase;
  /** Whether instances can be read. */
  readonly loaded: boolean;
  /** When the registry became unreachable for this service; `undefined` while fresh. */
  readonly staleSince: Date | undefined;
  readonly lastError: string | undefined;
  /** Whether the watch stream is connected. */
  readonly connected: boolean;
  /** Revision of the last full read. */
  readonly revision: string | undefined;
}
