import { MemoryElections } from './memory-election.js';
import type { BackendEntry, ListResult, ResyncReason, WatchEvent, WatchListener } from '../registry-backend.js';

interface Stored {
  value: string;
  lease: string | undefined;
}

interface StoredLease {
  readonly ttl: number;
  expiresAt: number;
  readonly keys: Set<string>;
}

interface Watch {
  readonly prefix: string;
  readonly listener: WatchListener;
  /** Events are delivered after this revision. */
  after: number;
  active: boolean;
}

/** How many past events a store keeps so a watch can start from an older revision. */
const HISTORY = 10_000;
/** Expiry check period, milliseconds (etcd's expiry loop runs every 500 ms). */
const EXPIRY_TICK = 100;

/**
 * The data behind memory backends: keys, leases with real TTL expiry, a revision counter and a
 * bounded history for watches. Share one store between apps of one process (for example a
 * provider and a consumer in a test) by passing it to `memory({ store })`; separate processes
 * never see each other.
 * @publicApi
 */
export class MemoryRegistryStore {
  private readonly data = new Map<string, Stored>();
  private readonly leases = new Map<string, StoredLease>();
  private readonly watches = new Set<Watch>();
  private history: WatchEvent[] = [];
  private revision = 0;
  private nextLease = 1;
  private timer: NodeJS.Timeout | undefined;
  private available = true;
  /** Leader elections held on this store. @internal */
  readonly elections = new MemoryElections(this);

  /** Current revision. */
  get currentRevision(): number {
    return this.revision;
  }

  /** While `false`, every operation rejects as if the server were unreachable (for fault tests). */
  setAvailable(available: boolean): void {
    this.available = available;
  }

  /** Simulates a server restart: every watch must resync; with `empty`, all data and leases are gone. */
  restart(options: { empty?: boolean } = {}): void {
    if (options.empty) {
      this.data.clear();
      this.leases.clear();
      this.history = [];
      this.revision = 0;
      this.elections.clear();
    }
    for (const watch of [...this.watches]) this.endWatch(watch, 'the memory registry restarted', 'cluster_changed');
    this.updateTimer();
  }

  check(): void {
    if (!this.available) throw new Error('memory registry unavailable (setAvailable(false))');
  }

  grant(ttl: number): string {
    this.check();
    const id = String(this.nextLease++);
    this.leases.set(id, { ttl, expiresAt: Date.now() + ttl * 1000, keys: new Set() });
    this.updateTimer();
    return id;
  }

  /** `true` and the TTL restarted, or `false` when the lease is gone. */
  keepAlive(id: string): boolean {
    this.check();
    const lease = this.leases.get(id);
    if (!lease) return false;
    lease.expiresAt = Date.now() + lease.ttl * 1000;
    return true;
  }

  revoke(id: string): void {
    this.check();
    this.endLease(id);
  }

  put(key: string, value: string, lease?: string): void {
    this.check();
    if (lease !== undefined && !this.leases.has(lease)) throw new Error(`memory registry: lease ${lease} not found`);
    const previous = this.data.get(key);
    if (previous?.lease !== undefined) this.leases.get(previous.lease)?.keys.delete(key);
    this.data.set(key, { value, lease });
    if (lease !== undefined) this.leases.get(lease)!.keys.add(key);
    this.record({ type: 'put', key, value, lease, revision: String(++this.revision) });
  }

  delete(key: string): void {
    this.check();
    this.remove(key);
  }

  /** Deletes `key` whether or not the store is available (leases expire on the server side regardless). */
  private remove(key: string): void {
    const previous = this.data.get(key);
    if (!previous) return;
    this.data.delete(key);
    if (previous.lease !== undefined) this.leases.get(previous.lease)?.keys.delete(key);
    this.record({ type: 'delete', key, revision: String(++this.revision) });
  }

  list(prefix: string): ListResult {
    this.check();
    const entries: BackendEntry[] = [];
    for (const [key, stored] of [...this.data].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (key.startsWith(prefix)) entries.push({ key, value: stored.value, lease: stored.lease });
    }
    return { entries, revision: String(this.revision) };
  }

  /** Starts a watch delivering every event under `prefix` after `afterRevision`. */
  watch(prefix: string, afterRevision: string, listener: WatchListener): () => void {
    const watch: Watch = { prefix, listener, after: Number(afterRevision), active: true };
    this.watches.add(watch);
    queueMicrotask(() => {
      if (!watch.active) return;
      const oldest = this.history.length > 0 ? Number(this.history[0]!.revision) : this.revision + 1;
      if (watch.after < this.revision && watch.after + 1 < oldest) {
        this.endWatch(watch, `revision ${watch.after} was compacted (history starts at ${oldest})`, 'compacted');
        return;
      }
      listener.onConnectionChange(true);
      this.deliver(
        watch,
        this.history.filter((e) => Number(e.revision) > watch.after),
      );
    });
    return () => {
      watch.active = false;
      this.watches.delete(watch);
    };
  }

  /** Stops the expiry timer if nothing needs it. */
  private updateTimer(): void {
    if (this.leases.size > 0 && !this.timer) {
      this.timer = setInterval(() => this.expire(), EXPIRY_TICK);
      this.timer.unref(); // a forgotten store must not keep the process alive
    } else if (this.leases.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, lease] of [...this.leases]) if (lease.expiresAt <= now) this.endLease(id);
  }

  private endLease(id: string): void {
    const lease = this.leases.get(id);
    if (!lease) return;
    this.leases.delete(id);
    for (const key of [...lease.keys]) this.remove(key);
    this.updateTimer();
  }

  private record(event: WatchEvent): void {
    this.history.push(event);
    if (this.history.length > HISTORY) this.history = this.history.slice(-HISTORY);
    for (const watch of this.watches) {
      if (event.key.startsWith(watch.prefix)) queueMicrotask(() => this.deliver(watch, [event]));
    }
  }

  private deliver(watch: Watch, events: readonly WatchEvent[]): void {
    if (!watch.active) return;
    const fresh = events.filter((e) => e.key.startsWith(watch.prefix) && Number(e.revision) > watch.after);
    if (fresh.length === 0) return;
    watch.after = Number(fresh[fresh.length - 1]!.revision);
    watch.listener.onEvents(fresh);
  }

  private endWatch(watch: Watch, detail: string, reason: ResyncReason): void {
    watch.active = false;
    this.watches.delete(watch);
    queueMicrotask(() => watch.listener.onResync(detail, undefined, reason));
  }
}
