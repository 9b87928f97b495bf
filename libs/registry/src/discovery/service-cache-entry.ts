import { Subject, type Observable } from 'rxjs';
import { MESSAGES } from '../registry.messages.js';
import type { BackendEntry, WatchEvent } from '../backends/registry-backend.js';
import { PrefixSync, type Relist } from '../backends/prefix-sync.js';
import type { ServiceInstance } from '../model/index.js';
import type { EntryContext, EntryPhase, EntryStatus } from './entry-context.js';
import { EntryOutliers, type CallOutcome } from './entry-outliers.js';
import { firstRead, type FirstRead } from './first-read.js';
import { EntryHealth } from './entry-health.js';
import { InstanceSet, type InstanceChange } from './instance-set.js';
import { newBalancerState } from './load-balancer.js';
import { endsAnOutage } from '../metrics/registry-metrics.js';

/**
 * The local copy of one service (`name:version`): one prefix read (falling back to the snapshot
 * file), then the library's list → watch → resync loop ({@link PrefixSync}) from the read's
 * revision. Phases: `idle → loading → watching ⇄ waiting → relisting → watching` (a failed first
 * read with a snapshot goes to `waiting`; a failed re-read back to `waiting`). Each watch event
 * updates only its key ({@link InstanceSet}); a resync re-reads the prefix and applies only the
 * difference; while the registry is unreachable the last known instances stay, flagged stale. @internal
 */
export class ServiceCacheEntry {
  /** Round-robin cursor, consistent-hash ring, p2c loads. */
  readonly balancer = newBalancerState();
  /** Ejections by connection failures and by failed calls in a row, announced as events. */
  readonly outliers: EntryOutliers;
  private readonly instances: InstanceSet;
  private readonly changes = new Subject<void>();
  /** Emits after every change of the instance set. */
  readonly changed$: Observable<void> = this.changes.asObservable();
  private readonly sync: PrefixSync;
  /** The entry's own phase; once loaded (`following`), the loop's phase is the entry's. */
  private phase: 'idle' | 'loading' | 'following' | 'closed' = 'idle';
  private hasData = false;
  private loading: Promise<void> | undefined;
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
    this.sync = new PrefixSync(context.backend, prefix, context, {
      onList: (entries, revision, cause) => this.onRelisted(entries, revision, cause),
      onListFailed: (error, wait) => this.onRelistFailed(error, wait),
      onEvents: (events) => this.onEvents(events),
      onConnectionChange: (connected, error) => this.health.connection(connected, connected ? undefined : (error ?? 'disconnected')),
      onResync: () => this.health.connection(false),
    });
    this.outliers = new EntryOutliers(
      context.outlierPolicy,
      this.ref,
      () => this.instances.all,
      (event) => context.emit(event),
    );
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
  /** Whether any instance carries tags. */
  get tagged(): boolean {
    return this.instances.tagged;
  }

  /** What the entry is doing, and how fresh it is (read-only copy). */
  status(): EntryStatus {
    const phase: EntryPhase = this.phase === 'following' ? this.sync.phase : this.phase;
    return Object.freeze({ phase, loaded: this.hasData, ...this.health.current });
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

  /**
   * How a call to `instance` ended, for outlier detection: `connection` (it failed before any
   * reply: ejected at once, and the service re-read), `failed` (counts toward the streak that
   * ejects) or `succeeded`. Emits `ejected`, then `returned` when the ejection ends.
   */
  outcome(instance: ServiceInstance, outcome: CallOutcome): void {
    if (this.phase === 'closed') return;
    this.outliers.report(instance, outcome, this.up.length);
    if (outcome === 'connection' && this.sync.phase === 'watching')
      this.sync.relist({ reason: 'requested', detail: 'a failure was reported' });
  }

  /** {@link outcome} of a call tracked by the balancer: one function per entry, not one per call. */
  readonly callEnded = (instance: ServiceInstance, failed: boolean): void => this.outcome(instance, failed ? 'failed' : 'succeeded');

  async close(): Promise<void> {
    this.phase = 'closed';
    this.outliers.close();
    this.changes.complete();
    await this.sync.close();
  }

  private onFirstRead(read: FirstRead): void {
    if (this.phase === 'closed') return;
    this.apply(read.entries, false);
    this.hasData = true;
    this.phase = 'following';
    if (read.from === 'snapshot') {
      this.health.stale(read.error);
      this.sync.relist({ reason: 'first_read', detail: 'the registry was unreachable at the first read' }, this.sync.nextDelay());
      return;
    }
    this.health.read(read.revision);
    this.context.outage.succeeded();
    // The caller gets its instances without waiting for the watch to be set up.
    this.sync.watchFrom(read.revision);
  }

  /** A re-read after a resync: applies the difference and announces it. */
  private onRelisted(entries: readonly BackendEntry[], revision: string, cause: Relist): void {
    this.apply(entries, true);
    this.health.read(revision);
    this.context.outage.succeeded();
    if (!endsAnOutage(cause.reason)) this.context.debug(MESSAGES.resynced(this.label, cause.detail, this.instances.size, revision));
    this.context.emit({ type: 'resynced', ...this.ref, reason: cause.detail, instances: this.all });
  }

  private onRelistFailed(error: unknown, wait: number): void {
    this.health.stale(error);
    this.context.outage.failed(`re-reading ${this.label}`, error, wait);
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
    this.outliers.retain(this.instances.all);
    this.changes.next();
    this.context.changed();
  }
}
