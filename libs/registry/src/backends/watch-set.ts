import type { WatchListener, WatchSubscription } from './registry-backend.js';

/**
 * The live watches of a backend: a watch leaves the set when it ends with a resync or is
 * cancelled, and `cancelAll()` at close reaches every one still running. Shared by the backends.
 */
export class WatchSet<W extends WatchSubscription> {
  private readonly items = new Set<W>();

  get size(): number {
    return this.items.size;
  }

  /** Creates a watch with `create(listener)`, tracked until it resyncs or is cancelled. */
  add(listener: WatchListener, create: (tracked: WatchListener) => W): WatchSubscription {
    const watch: W = create({
      onEvents: (events) => listener.onEvents(events),
      onConnectionChange: (connected, error) => listener.onConnectionChange(connected, error),
      onResync: (reason, error) => {
        this.items.delete(watch);
        listener.onResync(reason, error);
      },
    });
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

  async cancelAll(): Promise<void> {
    const watches = this.all();
    this.items.clear();
    await Promise.all(watches.map((watch) => watch.cancel()));
  }
}
