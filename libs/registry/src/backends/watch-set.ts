import type { ResyncReason, WatchListener, WatchSubscription } from './registry-backend.js';

const NOTHING: WatchSubscription = { cancel: async () => undefined };

/**
 * The live watches of a backend: a watch leaves the set when it ends with a resync or is
 * cancelled, and `cancelAll()` at close reaches every one still running. It also keeps the
 * contract's promise that `watch()` never throws: a watch requested after `cancelAll()`, or
 * whose creation throws, ends at once with a resync. Shared by the backends.
 * @internal
 */
export class WatchSet<W extends WatchSubscription> {
  private readonly items = new Set<W>();
  private closed = false;

  get size(): number {
    return this.items.size;
  }

  /** Creates a watch with `create(listener)`, tracked until it resyncs or is cancelled. */
  add(listener: WatchListener, create: (tracked: WatchListener) => W): WatchSubscription {
    if (this.closed) return this.failed(listener, 'the backend is closed', undefined, 'closed');
    let watch: W;
    try {
      watch = create({
        onEvents: (events) => listener.onEvents(events),
        onConnectionChange: (connected, error) => listener.onConnectionChange(connected, error),
        onResync: (detail, error, reason) => {
          this.items.delete(watch);
          listener.onResync(detail, error, reason);
        },
      });
    } catch (error) {
      return this.failed(listener, 'the watch could not be started', error, 'failed');
    }
    this.items.add(watch);
    return {
      cancel: () => {
        this.items.delete(watch);
        return watch.cancel();
      },
    };
  }

  /** The watches still running (a copy). */
  all(): W[] {
    return [...this.items];
  }

  /** Forgets every watch without cancelling it (the caller ended them another way). */
  clear(): void {
    this.items.clear();
  }

  /** Cancels every watch; later `add()` calls end at once with a resync. */
  async cancelAll(): Promise<void> {
    this.closed = true;
    const watches = this.all();
    this.items.clear();
    await Promise.all(watches.map((watch) => watch.cancel()));
  }

  private failed(listener: WatchListener, detail: string, error: unknown, reason: ResyncReason): WatchSubscription {
    queueMicrotask(() => listener.onResync(detail, error, reason));
    return NOTHING;
  }
}
