import { Backoff } from '../util/backoff.js';
import type { BackendEntry, RegistryBackend, ResyncReason, WatchEvent, WatchSubscription } from './registry-backend.js';

/** Why a prefix is read again: a backend's resync, or a reason of the follower's owner. @internal */
export interface Relist {
  /** The bounded kind: a backend's {@link ResyncReason}, `requested` by the owner, `first_read` after a failed first read. */
  readonly reason: ResyncReason | 'requested' | 'first_read';
  /** What happened, in words (logs and `resynced` events). */
  readonly detail: string;
}

/** What a {@link PrefixSync} reports to its owner. Called asynchronously; must not throw. @internal */
export interface PrefixSyncHandler {
  /** A full read of the prefix succeeded; the watch from its revision starts right after. */
  onList(entries: readonly BackendEntry[], revision: string, cause: Relist): void;
  /** A read failed; the next one runs after `wait` milliseconds. */
  onListFailed(error: unknown, wait: number, cause: Relist): void;
  /** Changes from the running watch. */
  onEvents(events: readonly WatchEvent[]): void;
  /** The watch's stream dropped or came back. */
  onConnectionChange(connected: boolean, error?: unknown): void;
  /** The watch ended with a resync signal; a re-read follows at once. */
  onResync(cause: Relist): void;
}

/** What a follower is doing. @internal */
export type PrefixSyncPhase = 'idle' | 'watching' | 'waiting' | 'relisting' | 'closed';

/**
 * The one list → watch → resync loop of the library, over one prefix of a backend: read the
 * prefix, watch from the read's revision, and after any resync signal (or `relist()`) cancel the
 * watch, read again and watch again. A failed read is retried with capped, jittered backoff,
 * forever, until `close()`. Used by the discovery cache (one per service) and by the provider's
 * own-keys watcher (one per prefix it registers under). @internal
 */
export class PrefixSync {
  private state: PrefixSyncPhase = 'idle';
  private subscription: WatchSubscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;

  constructor(
    private readonly backend: Pick<RegistryBackend, 'list' | 'watch'>,
    readonly prefix: string,
    retry: { readonly retryInitialDelay: number; readonly retryMaxDelay: number },
    private readonly handler: PrefixSyncHandler,
  ) {
    this.backoff = new Backoff(retry.retryInitialDelay, retry.retryMaxDelay);
  }

  get phase(): PrefixSyncPhase {
    return this.state;
  }

  /** Starts from a read the owner made itself: watches from `revision` (on the next turn of the event loop). */
  watchFrom(revision: string): void {
    if (this.state !== 'idle') return;
    this.state = 'watching';
    // Started from the read's revision, the watch misses nothing even a tick later.
    setImmediate(() => {
      if (this.state === 'watching' && !this.subscription) this.startWatch(revision);
    });
  }

  /** From `idle` or `watching`: cancels the watch and reads the prefix again after `wait` ms. */
  relist(cause: Relist, wait = 0): void {
    if (this.state !== 'idle' && this.state !== 'watching') return;
    this.state = 'waiting';
    const previous = this.subscription;
    this.subscription = undefined;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.read(cause, previous);
    }, wait);
  }

  /** The delay before the next retry (grows with each call until a read succeeds). */
  nextDelay(): number {
    return this.backoff.next();
  }

  /** Stops the watch and any pending read. */
  async close(): Promise<void> {
    this.state = 'closed';
    clearTimeout(this.timer);
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.cancel();
  }

  private startWatch(revision: string): void {
    this.state = 'watching';
    this.subscription = this.backend.watch(this.prefix, revision, {
      onEvents: (events) => {
        if (this.state !== 'closed') this.handler.onEvents(events);
      },
      onConnectionChange: (connected, error) => this.handler.onConnectionChange(connected, error),
      onResync: (detail, _error, reason) => {
        this.subscription = undefined;
        this.handler.onResync({ reason, detail });
        this.relist({ reason, detail });
      },
    });
  }

  /** Reads the prefix, reports it, watches again; on failure reports and schedules the next read. Never rejects. */
  private async read(cause: Relist, previous: WatchSubscription | undefined): Promise<void> {
    if (this.state !== 'waiting') return;
    this.state = 'relisting';
    await previous?.cancel();
    try {
      const list = await this.backend.list(this.prefix);
      if (this.state !== 'relisting') return;
      this.backoff.reset();
      this.handler.onList(list.entries, list.revision, cause);
      if (this.state === 'relisting') this.startWatch(list.revision);
    } catch (error) {
      if (this.state !== 'relisting') return;
      const wait = this.backoff.next();
      this.handler.onListFailed(error, wait, cause);
      this.state = 'watching';
      this.relist(cause, wait);
    }
  }
}
