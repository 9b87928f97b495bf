import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { defer, distinctUntilChanged, map, Observable, startWith, Subject, switchMap } from 'rxjs';
import { DEFAULTS, REGISTRY_OPTIONS } from '../registry.constants.js';
import { MESSAGES } from '../registry.messages.js';
import { InvalidServiceError, RegistryClosedError, ServiceNotLoadedError } from '../errors/registry.error.js';
import { RegistryBackend } from '../backends/registry-backend.js';
import { FIELD_RULES, namespacePrefix, servicePrefix, type ServiceInstance } from '../model/index.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { RegistryOutage } from '../registry-outage.js';
import type { DiscoveryEvent } from './discovery-event.js';
import type { CachedServiceStatus, ChooseOptions, InstanceQuery, ServiceSummary } from './discovery.interfaces.js';
import type { EntryContext } from './entry-context.js';
import { roundRobin } from './load-balancer.js';
import type { TrackedCall } from './load-tracker.js';
import * as selection from './selection.js';
import { ServiceCacheEntry } from './service-cache-entry.js';
import { meteredWatches } from '../metrics/metered-watches.js';
import { RegistryMetrics } from '../metrics/registry-metrics.js';
import { SnapshotStore } from './snapshot-store.js';

/**
 * Finds live instances of services. The first lookup of a service reads its prefix once and
 * starts one watch from that read's revision; later lookups are served from memory. Results are
 * frozen arrays shared with the cache: do not try to mutate them. Outside Nest's DI, build one
 * with `createDiscoveryClient()`. @publicApi
 */
@Injectable()
export class DiscoveryClient {
  private readonly logger = new Logger(DiscoveryClient.name);
  private readonly services = new Map<string, Map<string, ServiceCacheEntry>>();
  private readonly events = new Subject<DiscoveryEvent>();
  private readonly context: EntryContext;
  private readonly snapshot: SnapshotStore | undefined;
  private closed = false;

  /** Typed added / removed / updated / resynced / stale / ejected / returned events of every service looked up so far. */
  readonly events$: Observable<DiscoveryEvent> = this.events.asObservable();

  constructor(
    private readonly backend: RegistryBackend,
    @Inject(REGISTRY_OPTIONS) private readonly options: ResolvedRegistryOptions,
    @Optional() outage?: RegistryOutage,
    @Optional() private readonly metrics: RegistryMetrics = new RegistryMetrics(),
  ) {
    const warn = (message: string) => this.logger.warn(message);
    this.events.subscribe((event) => metrics.discoveryEvent(event)); // ejections and returns
    this.snapshot = options.snapshotFile
      ? new SnapshotStore(options.snapshotFile, options.namespace, DEFAULTS.snapshotDebounce, () => this.loadedServices(), warn)
      : undefined;
    this.context = {
      backend: meteredWatches(backend, metrics),
      outage: outage ?? new RegistryOutage(backend),
      namespace: options.namespace,
      retryInitialDelay: options.retryInitialDelay,
      retryMaxDelay: options.retryMaxDelay,
      outlierPolicy: { ejectionTime: options.ejectionTime, ...options.outlierDetection },
      emit: (event) => this.events.next(event),
      changed: () => this.snapshot?.scheduleWrite(),
      fromSnapshot: async (serviceKey) => this.snapshot?.read(serviceKey),
      debug: (message) => this.logger.debug(message),
      warn,
    };
  }

  /** Instances of a service (`UP` only unless `includeUnavailable`). Loads the service on first use; rejects with `BackendUnavailableError` if that read fails. */
  async getInstances(serviceName: string, query: InstanceQuery = {}): Promise<readonly ServiceInstance[]> {
    const entry = this.entry(serviceName, query.version);
    await entry.load();
    return selection.selectInstances(entry, query);
  }

  /** Same as {@link getInstances} for an already-loaded service, synchronously (hot paths). */
  getInstancesSync(serviceName: string, query?: InstanceQuery): readonly ServiceInstance[] {
    const entry = this.services.get(serviceName)?.get(query?.version ?? DEFAULTS.serviceVersion);
    if (entry?.loaded && query?.group === undefined && query?.protocol === undefined && !query?.includeUnavailable) return entry.up;
    return selection.selectInstances(this.loadedEntry(serviceName, query?.version), query ?? {});
  }

  /** Loads services ahead of synchronous reads. */
  async preload(...serviceNames: string[]): Promise<void> {
    await Promise.all(serviceNames.map((name) => this.entry(name).load()));
  }

  /** Picks one `UP` instance; throws `NoInstancesError` naming the service and version when there is none. */
  async choose(serviceName: string, options: ChooseOptions = {}): Promise<ServiceInstance> {
    const loading = this.whenLoaded(serviceName, options);
    if (loading) await loading;
    return this.chooseSync(serviceName, options);
  }

  /** Loads every version a choice may draw from; `undefined` (nothing to await: hot paths) when all are loaded. @internal */
  whenLoaded(serviceName: string, options?: ChooseOptions): Promise<unknown> | undefined {
    if (!options?.versions && this.services.get(serviceName)?.get(options?.version ?? DEFAULTS.serviceVersion)?.loaded) return undefined;
    return Promise.all(selection.versionsOf(options).map((version) => this.entry(serviceName, version).load()));
  }

  /** Same as {@link choose} for an already-loaded service (every version of a split), synchronously. */
  chooseSync(serviceName: string, options?: ChooseOptions): ServiceInstance {
    if (options?.versions)
      options = { ...options, version: selection.splitVersion(options, (v) => this.services.get(serviceName)?.get(v)) };
    const entry = this.services.get(serviceName)?.get(options?.version ?? DEFAULTS.serviceVersion);
    const zone = selection.zoneOf(options, this.options);
    const warmup = selection.warmupOf(options, this.options);
    const strategy = options?.strategy; // hot path: round-robin, nothing excluded or ejected, no zone: a memoised list, no allocation
    const plain = zone === null && warmup === 0 && options?.exclude === undefined && (strategy === undefined || strategy === 'round-robin');
    if (entry?.loaded && plain && entry.outliers.size === 0) {
      const candidates = selection.routable(entry, options);
      if (candidates.length > 0) return roundRobin(candidates, entry.balancer);
    }
    return selection.chooseInstance(entry?.loaded ? entry : this.loadedEntry(serviceName, options?.version), options ?? {}, zone, warmup);
  }

  /** Snapshots of a service's instances: the current one, then one per change. */
  watch(serviceName: string, query: InstanceQuery = {}): Observable<readonly ServiceInstance[]> {
    return defer(() => {
      const entry = this.entry(serviceName, query.version);
      return defer(() => entry.load()).pipe(
        switchMap(() => entry.changed$.pipe(startWith(undefined))),
        map(() => selection.selectInstances(entry, query)),
        distinctUntilChanged(),
      );
    });
  }

  /** Every service registered in the namespace, with its instance count (one read). */
  async getServices(): Promise<readonly ServiceSummary[]> {
    this.assertOpen('getServices()');
    const list = await this.backend.list(namespacePrefix(this.options.namespace));
    return selection.summarizeServices(this.options.namespace, list.entries);
  }

  /**
   * Marks a call to `instance` as started; report how it ended on the returned handle. `p2c`
   * balancing picks by calls in flight and the latency (and failures) reported here, and
   * `outlierDetection.consecutiveFailures` failures in a row eject the instance.
   */
  track(instance: ServiceInstance): TrackedCall {
    const entry = this.entry(instance.serviceName, instance.serviceVersion);
    return entry.balancer.loads.start(instance, entry.callEnded);
  }

  /** A connection to `instance` failed before any reply: it is ejected at once (`ejected` event) and its service re-read. */
  reportFailure(instance: ServiceInstance): void {
    this.services.get(instance.serviceName)?.get(instance.serviceVersion)?.outcome(instance, 'connection');
  }

  /** State of every cached service. */
  status(): readonly CachedServiceStatus[] {
    return Object.freeze(this.entries().map(selection.describeEntry));
  }

  /** Writes the snapshot file (if any) and cancels every watch. Called by the module at shutdown. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.snapshot?.flush();
    this.closed = true;
    const entries = this.entries();
    this.services.clear();
    await Promise.all(entries.map((entry) => entry.close()));
    this.events.complete();
  }

  private entries(): ServiceCacheEntry[] {
    return [...this.services.values()].flatMap((versions) => [...versions.values()]);
  }

  private loadedServices(): ReadonlyMap<string, readonly ServiceInstance[]> {
    return new Map(this.entries().flatMap((e) => (e.loaded ? [[`${e.serviceName}:${e.serviceVersion}`, e.all] as const] : [])));
  }

  private loadedEntry(serviceName: string, version: string = DEFAULTS.serviceVersion): ServiceCacheEntry {
    const entry = this.services.get(serviceName)?.get(version);
    if (entry?.loaded) return entry;
    this.assertOpen(`read of ${serviceName}:${version}`);
    throw new ServiceNotLoadedError(MESSAGES.notLoaded(serviceName, version));
  }

  private entry(serviceName: string, version: string = DEFAULTS.serviceVersion): ServiceCacheEntry {
    const existing = this.services.get(serviceName)?.get(version);
    if (existing) return existing;
    this.assertOpen(`lookup of ${serviceName}:${version}`);
    if (!FIELD_RULES.serviceName.valid(serviceName))
      throw new InvalidServiceError(MESSAGES.invalidLookup('service name', serviceName, FIELD_RULES.serviceName.rule));
    if (!FIELD_RULES.serviceVersion.valid(version))
      throw new InvalidServiceError(MESSAGES.invalidLookup('service version', version, FIELD_RULES.serviceVersion.rule));
    const entry = new ServiceCacheEntry(serviceName, version, servicePrefix(this.options.namespace, serviceName, version), this.context);
    const versions = this.services.get(serviceName) ?? new Map<string, ServiceCacheEntry>();
    this.services.set(serviceName, versions.set(version, entry));
    return entry;
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new RegistryClosedError(MESSAGES.closed(what));
  }
}
