import { Inject, Injectable, Logger } from '@nestjs/common';
import { defer, distinctUntilChanged, map, Observable, startWith, Subject, switchMap } from 'rxjs';
import { DEFAULTS, REGISTRY_OPTIONS } from '../registry.constants.js';
import { MESSAGES } from '../registry.messages.js';
import {
  InvalidServiceError,
  NoInstancesError,
  RegistryClosedError,
  RegistryOptionsError,
  ServiceNotLoadedError,
} from '../errors/registry.error.js';
import { RegistryBackend } from '../backends/registry-backend.js';
import {
  isValidName,
  isValidVersion,
  NAME_RULE_TEXT,
  namespacePrefix,
  parseServiceKeyOf,
  servicePrefix,
  VERSION_RULE_TEXT,
  type ServiceInstance,
} from '../model/service-instance.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import type { DiscoveryEvent } from './discovery-event.js';
import { pick, STRATEGIES, type LoadBalancingStrategy } from './load-balancer.js';
import { ServiceCacheEntry, type EntryContext } from './service-cache-entry.js';
import { SnapshotStore } from './snapshot-store.js';

/** Which instances of a service to return. */
export interface InstanceQuery {
  /** Default `"1.0"`. */
  version?: string;
  /** Only instances of this group. */
  group?: string;
  /** Include instances whose status is not `UP`. Default `false`. */
  includeUnavailable?: boolean;
}

/** How `choose()` picks. */
export interface ChooseOptions {
  version?: string;
  group?: string;
  /** Default `round-robin`. */
  strategy?: LoadBalancingStrategy;
  /** What `consistent-hash` hashes (a user id, a session id...); required for that strategy. */
  key?: string;
}

/** One service as `getServices()` reports it. */
export interface ServiceSummary {
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly instances: number;
}

/** Per-service state, for `status()` and health. */
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

/**
 * Finds live instances of services. The first lookup of a service reads its prefix once and
 * starts one watch from that read's revision; later lookups are served from memory. Results are
 * frozen arrays shared with the cache: do not try to mutate them.
 */
@Injectable()
export class DiscoveryClient {
  private readonly logger = new Logger(DiscoveryClient.name);
  private readonly services = new Map<string, Map<string, ServiceCacheEntry>>();
  private readonly events = new Subject<DiscoveryEvent>();
  private readonly context: EntryContext;
  private readonly snapshot: SnapshotStore | undefined;
  private closed = false;

  /** Typed added / removed / updated / resynced / stale events of every service looked up so far. */
  readonly events$: Observable<DiscoveryEvent> = this.events.asObservable();

  constructor(
    private readonly backend: RegistryBackend,
    @Inject(REGISTRY_OPTIONS) private readonly options: ResolvedRegistryOptions,
  ) {
    const warn = (message: string) => this.logger.warn(message);
    this.snapshot = options.snapshotFile
      ? new SnapshotStore(options.snapshotFile, options.namespace, DEFAULTS.snapshotDebounce, () => this.loadedServices(), warn)
      : undefined;
    this.context = {
      backend,
      namespace: options.namespace,
      retryInitialDelay: options.retryInitialDelay,
      retryMaxDelay: options.retryMaxDelay,
      ejectionTime: options.ejectionTime,
      emit: (event) => this.events.next(event),
      changed: () => this.snapshot?.scheduleWrite(),
      fromSnapshot: async (serviceKey) => this.snapshot?.read(serviceKey),
      log: (message) => this.logger.log(message),
      warn,
    };
  }

  /**
   * Instances of a service (`UP` only unless `includeUnavailable`). Loads the service on first
   * use; rejects with `BackendUnavailableError` if that first read fails.
   */
  async getInstances(serviceName: string, query: InstanceQuery = {}): Promise<readonly ServiceInstance[]> {
    const entry = this.entry(serviceName, query.version);
    await entry.load();
    return this.select(entry, query);
  }

  /** Same as {@link getInstances} for an already-loaded service, synchronously (hot paths). */
  getInstancesSync(serviceName: string, query?: InstanceQuery): readonly ServiceInstance[] {
    const entry = this.services.get(serviceName)?.get(query?.version ?? DEFAULTS.serviceVersion);
    if (entry?.loaded && query?.group === undefined && !query?.includeUnavailable) return entry.up;
    return this.select(this.loadedEntry(serviceName, query?.version), query ?? {});
  }

  /** Loads services ahead of synchronous reads. */
  async preload(...serviceNames: string[]): Promise<void> {
    await Promise.all(serviceNames.map((name) => this.entry(name).load()));
  }

  /** Picks one `UP` instance; throws `NoInstancesError` naming the service and version when there is none. */
  async choose(serviceName: string, options: ChooseOptions = {}): Promise<ServiceInstance> {
    const entry = this.entry(serviceName, options.version);
    await entry.load();
    return this.pickFrom(entry, options);
  }

  /** Same as {@link choose} for an already-loaded service, synchronously. */
  chooseSync(serviceName: string, options?: ChooseOptions): ServiceInstance {
    const entry = this.services.get(serviceName)?.get(options?.version ?? DEFAULTS.serviceVersion);
    // Hot path: default group and strategy, nothing ejected: one round-robin step, no allocation.
    if (entry?.loaded && options?.group === undefined && options?.strategy === undefined && !entry.hasEjections) {
      const list = entry.up;
      if (list.length > 0) {
        const cursor = entry.balancer.cursor;
        entry.balancer.cursor = (cursor + 1) & 0x7fffffff;
        return list[cursor % list.length]!;
      }
    }
    return this.pickFrom(this.loadedEntry(serviceName, options?.version), options ?? {});
  }

  /** Snapshots of a service's instances: the current one, then one per change. */
  watch(serviceName: string, query: InstanceQuery = {}): Observable<readonly ServiceInstance[]> {
    return defer(() => {
      const entry = this.entry(serviceName, query.version);
      return defer(() => entry.load()).pipe(
        switchMap(() => entry.changed$.pipe(startWith(undefined))),
        map(() => this.select(entry, query)),
        distinctUntilChanged(),
      );
    });
  }

  /** Every service registered in the namespace, with its instance count (one read). */
  async getServices(): Promise<readonly ServiceSummary[]> {
    this.assertOpen('getServices()');
    const list = await this.backend.list(namespacePrefix(this.options.namespace));
    const counts = new Map<string, ServiceSummary>();
    for (const { key } of list.entries) {
      const parsed = parseServiceKeyOf(this.options.namespace, key);
      if (!parsed) continue;
      const id = `${parsed.serviceName}:${parsed.serviceVersion}`;
      const previous = counts.get(id);
      counts.set(id, { ...parsed, instances: (previous?.instances ?? 0) + 1 });
    }
    return Object.freeze(
      [...counts.values()].sort((a, b) => (a.serviceName + a.serviceVersion).localeCompare(b.serviceName + b.serviceVersion)),
    );
  }

  /** Keeps `instance` out of `choose()` for `ejectionTime` and re-reads its service. */
  reportFailure(instance: ServiceInstance): void {
    this.services.get(instance.serviceName)?.get(instance.serviceVersion)?.eject(instance);
  }

  /** State of every cached service. */
  status(): readonly CachedServiceStatus[] {
    const result: CachedServiceStatus[] = [];
    for (const versions of this.services.values()) {
      for (const entry of versions.values()) {
        result.push({
          serviceName: entry.serviceName,
          serviceVersion: entry.serviceVersion,
          instances: entry.all.length,
          up: entry.up.length,
          stale: entry.staleSince !== undefined,
          staleSince: entry.staleSince,
          connected: entry.connected,
          lastError: entry.lastError,
          revision: entry.revision,
        });
      }
    }
    return Object.freeze(result);
  }

  /** Writes the snapshot file (if any) and cancels every watch. Called by the module at shutdown. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.snapshot?.flush();
    this.closed = true;
    const entries = [...this.services.values()].flatMap((versions) => [...versions.values()]);
    this.services.clear();
    await Promise.all(entries.map((entry) => entry.close()));
    this.events.complete();
  }

  private loadedServices(): ReadonlyMap<string, readonly ServiceInstance[]> {
    const result = new Map<string, readonly ServiceInstance[]>();
    for (const versions of this.services.values()) {
      for (const entry of versions.values()) if (entry.loaded) result.set(`${entry.serviceName}:${entry.serviceVersion}`, entry.all);
    }
    return result;
  }

  private select(entry: ServiceCacheEntry, query: InstanceQuery): readonly ServiceInstance[] {
    if (query.includeUnavailable) {
      return query.group === undefined ? entry.all : Object.freeze(entry.all.filter((i) => i.serviceGroup === query.group));
    }
    return query.group === undefined ? entry.up : entry.forGroup(query.group);
  }

  private pickFrom(entry: ServiceCacheEntry, options: ChooseOptions): ServiceInstance {
    const candidates = entry.withoutEjected(options.group === undefined ? entry.up : entry.forGroup(options.group));
    if (candidates.length === 0) {
      throw new NoInstancesError(MESSAGES.noInstances(entry.serviceName, entry.serviceVersion), entry.serviceName, entry.serviceVersion);
    }
    const strategy = options.strategy ?? 'round-robin';
    if (!STRATEGIES.includes(strategy)) {
      throw new RegistryOptionsError(MESSAGES.unknownStrategy(strategy, STRATEGIES), 'strategy', strategy);
    }
    if (strategy === 'consistent-hash' && typeof options.key !== 'string') {
      throw new RegistryOptionsError(MESSAGES.hashKeyRequired(entry.serviceName), 'key', options.key);
    }
    return pick(candidates, strategy, entry.balancer, options.key);
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
    if (!isValidName(serviceName))
      throw new InvalidServiceError(`Invalid service name ${JSON.stringify(serviceName)}: expected ${NAME_RULE_TEXT}.`);
    if (!isValidVersion(version))
      throw new InvalidServiceError(`Invalid service version ${JSON.stringify(version)}: expected ${VERSION_RULE_TEXT}.`);
    const entry = new ServiceCacheEntry(serviceName, version, servicePrefix(this.options.namespace, serviceName, version), this.context);
    let versions = this.services.get(serviceName);
    if (!versions) {
      versions = new Map();
      this.services.set(serviceName, versions);
    }
    versions.set(version, entry);
    return entry;
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new RegistryClosedError(MESSAGES.closed(what));
  }
}
