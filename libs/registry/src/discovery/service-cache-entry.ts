import { Subject } from 'rxjs';
import { errorText, MESSAGES } from '../registry.messages.js';
import { BackendUnavailableError } from '../errors/registry.error.js';
import type { BackendEntry, RegistryBackend, WatchEvent, WatchSubscription } from '../backends/registry-backend.js';
import { encodeInstance, instanceKey, type ServiceInstance } from '../model/service-instance.js';
import { Backoff } from '../util/backoff.js';
import type { DiscoveryEvent } from './discovery-event.js';
import { InstanceSet, type InstanceChange } from './instance-set.js';
import type { BalancerState } from './load-balancer.js';

/** What an entry needs from its owner. */
export interface EntryContext {
  readonly backend: RegistryBackend;
  readonly retryInitialDelay: number;
  readonly retryMaxDelay: number;
  readonly ejectionTime: number;
  readonly namespace: string;
  emit(event: DiscoveryEvent): void;
  /** Called after every change of an entry's instance set. */
  changed(): void;
  /** Last saved instances of a service, when a snapshot file is configured. */
  fromSnapshot(serviceKey: string): Promise<{ savedAt: string; instances: readonly ServiceInstance[] } | undefined>;
  log(message: string): void;
  warn(message: string): void;
}

/**
 * The local copy of one service (`name:version`): filled by one prefix read, then kept current
 * by one watch from the read's revision + 1.
 *
 * - Each watch event updates only its key; an unchanged value emits nothing ({@link InstanceSet}).
 * - On a resync signal (reconnect, compaction, replaced cluster, unexpected end) the prefix is
 *   re-read and only the difference is applied and emitted; the watch restarts from the new read.
 * - While the registry is unreachable the last known instances stay, flagged stale since when.
 */
export class ServiceCacheEntry {
  /** Round-robin cursor. */
  readonly balancer: BalancerState = { cursor: 0 };
  /** When the registry became unreachable for this service; `undefined` while fresh. */
  staleSince: Date | undefined;
  lastError: string | undefined;
  /** Whether the watch stream is currently connected. */
  connected = false;
  /** Revision of the last full read. */
  revision: string | undefined;
  loaded = false;

  private readonly instances: InstanceSet;
  private readonly ejected = new Map<string, number>();
  private readonly changes = new Subject<void>();
  private readonly backoff: Backoff;
  private loading: Promise<void> | undefined;
  private subscription: WatchSubscription | undefined;
  private retry: NodeJS.Timeout | undefined;
  private relisting = false;
  private closed = false;

  constructor(
    readonly serviceName: string,
    readonly serviceVersion: string,
    private readonly prefix: string,
    private readonly context: EntryContext,
  ) {
    this.backoff = new Backoff(context.retryInitialDelay, context.retryMaxDelay);
    this.instances = new InstanceSet((key, reason) => context.warn(MESSAGES.malformedValue(key, reason)));
  }

  /** Frozen `UP` instances. */
  get up(): readonly ServiceInstance[] {
    return this.instances.up;
  }

  /** Frozen instances of every status. */
  get all(): readonly ServiceInstance[] {
    return this.instances.all;
  }

  /** Emits after every change of the instance set. */
  get changed$() {
    return this.changes.asObservable();
  }

  /**
   * First read then watch; concurrent callers share one load. When the first read fails, serves
   * the snapshot file's instances (stale) if there are any, else rejects naming the service and
   * the endpoints.
   */
  load(): Promise<void> {
    if (this.loaded) return Promise.resolve();
    this.loading ??= this.context.backend.list(this.prefix).then(
      (list) => {
        if (this.closed) return;
        this.apply(list.entries, false);
        this.revision = list.revision;
        this.loaded = true;
        // Started from the read's revision, the watch misses nothing even a tick later; the
        // caller gets its instances without waiting for the watch to be set up.
        setImmediate(() => {
          if (!this.closed && !this.subscription && !this.relisting && !this.retry) this.startWatch(list.revision);
        });
      },
      (error: unknown) => this.loadFromSnapshot(error),
    );
    return this.loading;
  }

  private async loadFromSnapshot(error: unknown): Promise<void> {
    const saved = await this.context.fromSnapshot(this.label);
    if (!saved || this.closed) {
      this.loading = undefined;
      throw new BackendUnavailableError(MESSAGES.listFailed(this.label, this.context.backend.endpoints, error), { cause: error });
    }
    this.apply(
      saved.instances.map((instance) => ({ key: instanceKey(this.context.namespace, instance), value: encodeInstance(instance) })),
      false,
    );
    this.loaded = true;
    this.context.warn(MESSAGES.snapshotServed(this.label, saved.instances.length, saved.savedAt, this.context.backend.endpoints));
    this.markStale(error);
    this.scheduleRelist('the registry was unreachable at the first read', this.backoff.next());
  }

  /** `UP` instances of one group (memoised until the next change). */
  forGroup(group: string): readonly ServiceInstance[] {
    return this.instances.forGroup(group);
  }

  /** Whether any instance is currently ejected (lets the hot path skip filtering). */
  get hasEjections(): boolean {
    return this.ejected.size > 0;
  }

  /** `list` without instances ejected by `reportFailure`, unless that would leave none. */
  withoutEjected(list: readonly ServiceInstance[]): readonly ServiceInstance[] {
    if (this.ejected.size === 0) return list;
    const now = Date.now();
    for (const [id, until] of this.ejected) if (until <= now) this.ejected.delete(id);
    const kept = list.filter((i) => !this.ejected.has(i.id));
    return kept.length > 0 ? kept : list;
  }

  /** Keeps `instance` out of choice for the ejection time and re-reads the service. */
  eject(instance: ServiceInstance): void {
    this.ejected.set(instance.id, Date.now() + this.context.ejectionTime);
    this.scheduleRelist('a failure was reported', 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.changes.complete();
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.cancel();
  }

  private get label(): string {
    return `${this.serviceName}:${this.serviceVersion}`;
  }

  private startWatch(revision: string): void {
    this.subscription = this.context.backend.watch(this.prefix, revision, {
      onEvents: (events) => this.onEvents(events),
      onConnectionChange: (connected, error) => {
        this.connected = connected;
        if (!connected) this.markStale(error ?? 'disconnected');
      },
      onResync: (reason) => {
        this.connected = false;
        this.subscription = undefined;
        this.scheduleRelist(reason, 0);
      },
    });
  }

  private onEvents(events: readonly WatchEvent[]): void {
    let changed = false;
    for (const event of events) {
      const applied =
        event.type === 'put'
          ? this.instances.put(event.key, event.value, this.emitChange)
          : this.instances.delete(event.key, this.emitChange);
      changed = applied || changed;
    }
    if (changed) this.commit();
  }

  /** Replaces the cached set by a full read; with `emit`, announces the difference. */
  private apply(entries: readonly BackendEntry[], emit: boolean): boolean {
    const changed = this.instances.replace(entries, emit ? this.emitChange : undefined);
    if (changed || !this.loaded) this.commit();
    return changed;
  }

  private readonly emitChange = (change: InstanceChange): void => {
    this.context.emit({ ...change, serviceName: this.serviceName, serviceVersion: this.serviceVersion });
  };

  private commit(): void {
    this.instances.commit();
    this.changes.next();
    this.context.changed();
  }

  private markStale(error: unknown): void {
    this.lastError = errorText(error);
    if (this.staleSince) return;
    this.staleSince = new Date();
    this.context.warn(MESSAGES.serviceStale(this.label, error));
    this.context.emit({
      type: 'stale',
      serviceName: this.serviceName,
      serviceVersion: this.serviceVersion,
      since: this.staleSince,
      error: this.lastError,
    });
  }

  private scheduleRelist(reason: string, wait: number): void {
    if (this.closed || this.relisting || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.relist(reason);
    }, wait);
  }

  /** Re-reads the service, applies the difference, restarts the watch. Retries with backoff. Never rejects. */
  private async relist(reason: string): Promise<void> {
    this.relisting = true;
    const previous = this.subscription;
    this.subscription = undefined;
    try {
      await previous?.cancel();
      this.context.log(MESSAGES.resyncing(this.label, reason));
      const list = await this.context.backend.list(this.prefix);
      if (this.closed) return;
      this.apply(list.entries, true);
      this.revision = list.revision;
      this.staleSince = undefined;
      this.lastError = undefined;
      this.backoff.reset();
      this.startWatch(list.revision);
      this.context.log(MESSAGES.resynced(this.label, this.instances.size, list.revision));
      this.context.emit({
        type: 'resynced',
        serviceName: this.serviceName,
        serviceVersion: this.serviceVersion,
        reason,
        instances: this.all,
      });
    } catch (error) {
      this.markStale(error);
      this.relisting = false;
      this.scheduleRelist(reason, this.backoff.next());
      return;
    }
    this.relisting = false;
  }
}
