import { Subject, type Observable } from 'rxjs';
import { MESSAGES } from '../registry.messages.js';
import type { BackendEntry, WatchEvent, WatchSubscription } from '../backends/registry-backend.js';
import type { ServiceInstance } from '../model/index.js';
import { Backoff } from '../util/backoff.js';
import type { EntryContext, EntryPhase, EntryStatus } from './entry-context.js';
import { Ejections } from './ejections.js';
import { firstRead, type FirstRead } from './first-read.js';
import { EntryHealth } from './entry-health.js';
import { InstanceSet, type InstanceChange } from './instance-set.js';
import { newBalancerState } from './load-balancer.js';
import { endsAnOutage } from '../metrics/registry-metrics.js';

/**
 * The local copy of one service (`name:version`): one prefix read, then one watch from the read's
 * revision. Phases: `idle → loading → watching ⇄ waiting → relisting → watching` (a failed first
 * read with a snapshot goes to `waiting`; a failed re-read back to `waiting`). Each watch event
 * updates only its key ({@link InstanceSet}); a resync re-reads the prefix and applies only the
 * difference; while the registry is unreachable the last known instances stay, flagged stale. @internal
 */
export class ServiceCacheEntry {
  /** Round-robin cursor, consistent-hash ring, p2c loads. */
  readonly balancer = newBalancerState();
  readonly ejections: Ejections;
  private readonly instances: InstanceSet;
  private readonly changes = new Subject<void>();
  /** Emits after every change of the instance set. */
  readonly changed$: Observable<void> = this.changes.asObservable();
  private readonly backoff: Backoff;
  private phase: EntryPhase = 'idle';
  private hasData = false;
  private loading: Promise<void> | undefined;
  private subscription: WatchSubscription | undefined;
  private retry: NodeJS.Timeout | undefined;
  private readonly health: EntryHealth;
  private readonly label: string;
  private readonly ref: { readonly serviceName: string; readonly serviceVersion: string };

  constructor(
    readonly serviceName: string,
    readonly serviceVersion: string,
    private readonly prefix: string,
    private readonly context: EntryContext,
  ) {
    this.label = `${serviceName}:${serviceVersion}`;
    this.ref = { serviceName, serviceVersion };
    this.backoff = new Backoff(context.retryInitialDelay, context.retryMaxDelay);
    this.ejections = new Ejections(context.ejectionTime);
    this.instances = new InstanceSet({ namespace: context.namespace, ...this.ref }, (key, reason) =>
      context.warn(MESSAGES.malformedValue(key, reason)),
    );
    this.health = new EntryHealth((since, error, cause) => {
      context.outage.failed(`watch on ${this.label}`, cause); // one warning per outage, not one per service
      context.emit({ type: 'stale', ...this.ref, since, error });
    });
  }

  /** Whether instances can be read (after the first read, or from the snapshot file). */
  get loaded(): boolean {
    return this.hasData;
  }
  /** Frozen `UP` instances. */
  get up(): readonly ServiceInstance[] {
    return this.instances.up;
  }

  /** Frozen instances of every status. */
  get all(): readonly ServiceInstance[] {
    return this.instances.all;
  }

  /** What the entry is doing, and how fresh it is (read-only copy). */
  status(): EntryStatus {
    return Object.freeze({ phase: this.phase, loaded: this.hasData, ...this.health.current });
  }

  /** `UP` instances of a group and/or protocol (`undefined`: any), memoised until the next change. */
  matching(group: string | undefined, protocol: string | undefined): readonly ServiceInstance[] {
    return this.instances.matching(group, protocol);
  }

  /** First read then watch; concurrent callers share one load; a failed first read rejects and the next call tries again. */
  load(): Promise<void> {
    if (this.hasData) return Promise.resolve();
    if (this.phase === 'idle') {
      this.phase = 'loading';
      this.loading = firstRead(this.context, this.prefix, this.label).then(
        (read) => this.onFirstRead(read),
        (error: unknown) => {
          if (this.phase === 'loading') this.phase = 'idle';
          throw error;
        },
      );
    }
    return this.loading ?? Promise.resolve();
  }

  /** Keeps `instance` out of choice for the ejection time and re-reads the service. */
  eject(instance: ServiceInstance): void {
    this.ejections.eject(instance.id);
    if (this.phase === 'watching') this.scheduleRelist('a failure was reported', 0);
  }

  async close(): Promise<void> {
    this.phase = 'closed';
    clearTimeout(this.retry);
    this.changes.complete();
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.cancel();
  }

  private onFirstRead(read: FirstRead): void {
    if (this.phase === 'closed') return;
    this.apply(read.entries, false);
    this.hasData = true;
    if (read.from === 'snapshot') {
      this.health.stale(read.error);
      this.scheduleRelist('the registry was unreachable at the first read', this.backoff.next());
      return;
    }
    this.health.read(read.revision);
    this.context.outage.succeeded();
    this.phase = 'watching';
    // Started from the read's revision, the watch misses nothing even a tick later; the caller
    // gets its instances without waiting for the watch to be set up.
    setImmediate(() => {
      if (this.phase === 'watching' && !this.subscription) this.startWatch(read.revision);
    });
  }

  private startWatch(revision: string): void {
    this.phase = 'watching';
    this.subscription = this.context.backend.watch(this.prefix, revision, {
      onEvents: (events) => this.onEvents(events),
      onConnectionChange: (connected, error) => this.health.connection(connected, connected ? undefined : (error ?? 'disconnected')),
      onResync: (reason) => {
        this.subscription = undefined;
        this.health.connection(false);
        this.scheduleRelist(reason, 0);
      },
    });
  }

  private onEvents(events: readonly WatchEvent[]): void {
    if (this.phase !== 'closed' && this.instances.applyEvents(events, this.emitChange)) this.commit();
  }

  /** Replaces the cached set by a full read; with `emit`, announces the difference. */
  private apply(entries: readonly BackendEntry[], emit: boolean): void {
    const changed = this.instances.replace(entries, emit ? this.emitChange : undefined);
    if (changed || !this.hasData) this.commit();
  }

  private readonly emitChange = (change: InstanceChange): void => this.context.emit({ ...change, ...this.ref });

  private commit(): void {
    this.instances.commit();
    this.balancer.loads.retain(this.instances.all);
    this.changes.next();
    this.context.changed();
  }

  /** From `watching` (or a first read served from the snapshot): cancels the watch and re-reads after `wait`. */
  private scheduleRelist(reason: string, wait: number): void {
    if (this.phase !== 'watching' && this.phase !== 'loading') return;
    this.phase = 'waiting';
    const previous = this.subscription;
    this.subscription = undefined;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.relist(reason, previous);
    }, wait);
  }

  /** Re-reads the service, applies the difference, restarts the watch. Retries with backoff. Never rejects. */
  private async relist(reason: string, previous: WatchSubscription | undefined): Promise<void> {
    if (this.phase !== 'waiting') return;
    this.phase = 'relisting';
    await previous?.cancel();
    try {
      const list = await this.context.backend.list(this.prefix);
      if (this.phase !== 'relisting') return;
      this.apply(list.entries, true);
      this.health.read(list.revision);
      this.backoff.reset();
      this.context.outage.succeeded();
      this.startWatch(list.revision);
      if (!endsAnOutage(reason)) this.context.debug(MESSAGES.resynced(this.label, reason, this.instances.size, list.revision));
      this.context.emit({ type: 'resynced', ...this.ref, reason, instances: this.all });
    } catch (error) {
      if (this.phase !== 'relisting') return;
      this.health.stale(error);
      const wait = this.backoff.next();
      this.context.outage.failed(`re-reading ${this.label}`, error, wait);
      this.phase = 'watching';
      this.scheduleRelist(reason, wait);
    }
  }
}
